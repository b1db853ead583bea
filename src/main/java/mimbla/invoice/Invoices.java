package mimbla.invoice;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import mimbla.business.Business;
import mimbla.chain.Crypto;
import mimbla.chain.Observation;
import mimbla.chain.PaymentSource;
import mimbla.chain.PaymentSources;
import mimbla.ids.RandomText;
import mimbla.invoice.InvoiceEvent.Kind;
import mimbla.ledger.Ledger;
import mimbla.rates.Fiat;
import mimbla.rates.RateSnapshot;
import mimbla.rates.Rates;
import mimbla.store.Store;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invoices and their payments: creating, reading, canceling, requesting payment, and applying what
 * the watcher and the due-date scheduler find. State changes are decided by {@link Lifecycle} and
 * each is applied in one transaction with the rows read under lock.
 */
public final class Invoices {
  private static final Logger log = LoggerFactory.getLogger(Invoices.class);

  static final int SLUG_LENGTH = 12;
  private static final Pattern SLUG = Pattern.compile("[A-Za-z0-9]{12}");
  private static final MathContext MATH = new MathContext(34, RoundingMode.HALF_EVEN);
  private static final int SLUG_ATTEMPTS = 5;

  private final Store store;
  private final InvoiceRepository repository;
  private final PaymentSources sources;
  private final Rates rates;
  private final Clock clock;
  private final BigDecimal minimumUsd;
  private final List<InvoicePaidHook> paidHooks;
  private final WebhookPolicy webhookPolicy;

  /**
   * Judges a webhook URL beyond its syntax: whether it can be delivered to at all (where it points,
   * whether it can be sent as written). Returns why not, or empty.
   */
  public interface WebhookPolicy {
    Optional<String> refusal(String url);
  }

  public Invoices(
      Store store,
      PaymentSources sources,
      Rates rates,
      Clock clock,
      BigDecimal minimumUsd,
      List<InvoicePaidHook> paidHooks,
      WebhookPolicy webhookPolicy) {
    this.store = store;
    this.repository = new InvoiceRepository(store.dialect());
    this.sources = sources;
    this.rates = rates;
    this.clock = clock;
    this.minimumUsd = minimumUsd;
    this.paidHooks = List.copyOf(paidHooks);
    this.webhookPolicy = webhookPolicy;
  }

  /** Validates and stores a new unpaid invoice. */
  public Invoice create(Business business, NewInvoice request) {
    Instant now = clock.instant();
    Invoice draft = draft(business, request, now);
    checkMinimum(request.amount(), draft.currency());

    Invoice invoice = insertWithFreshSlug(draft, now);
    log.info(
        "invoice={} business={} created: {} {} in {}",
        invoice.slug(),
        business.id(),
        invoice.amountText(),
        invoice.currency(),
        invoice.cryptoText());
    return invoice;
  }

  /** The invoice a request describes, every field checked, still without its slug. */
  private Invoice draft(Business business, NewInvoice request, Instant now) {
    Fiat currency = InvoiceRules.currency(request.currency());
    long amountMinor = InvoiceRules.amountMinor(request.amount(), currency);
    Optional<Crypto> crypto =
        InvoiceRules.crypto(request.crypto(), business.accepted(sources.offered()));
    return new Invoice(
        UUID.randomUUID().toString(),
        "",
        business.id(),
        amountMinor,
        currency,
        crypto,
        InvoiceStatus.UNPAID,
        InvoiceRules.dueAt(request.dueDate(), now),
        InvoiceRules.url("close_url", request.closeUrl()),
        InvoiceRules.url("redirect_url", request.redirectUrl()),
        webhookUrl(request.webhookUrl()),
        request.automaticRedirect(),
        now,
        now);
  }

  /**
   * Checks a URL as {@code webhook_url} is checked when an invoice is created; the message names
   * {@code field}. For the reachability test, which must refuse what creation refuses.
   */
  public void checkWebhookUrl(String field, String url) {
    InvoiceRules.url(field, Optional.of(url));
    webhookPolicy
        .refusal(url)
        .ifPresent(
            refusal -> {
              throw InvoiceException.invalid(
                  "invoice." + field + "_invalid", field + " " + refusal);
            });
  }

  private Optional<String> webhookUrl(Optional<String> text) {
    text.ifPresent(url -> checkWebhookUrl("webhook_url", url));
    return text;
  }

  private Invoice insertWithFreshSlug(Invoice draft, Instant now) {
    for (int attempt = 1; ; attempt++) {
      Invoice invoice = draft.withSlug(RandomText.base62(SLUG_LENGTH));
      try {
        store.useTransaction(handle -> insertNew(handle, invoice, now));
        return invoice;
      } catch (RuntimeException e) {
        // Twelve base62 characters collide about once in 3e21 draws; retry rather than fail.
        if (!store.isUniqueViolation(e) || attempt == SLUG_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private void insertNew(Handle handle, Invoice invoice, Instant now) {
    repository.insert(handle, invoice);
    String note = "Invoice for %s %s".formatted(invoice.amountText(), invoice.currency());
    repository.appendEvents(
        handle, invoice.id(), List.of(InvoiceEvent.of(now, Kind.CREATED, note)));
  }

  private void checkMinimum(BigDecimal amount, Fiat currency) {
    BigDecimal usd = rates.usdValue(amount, currency);
    if (usd.compareTo(minimumUsd) < 0) {
      String worth =
          currency == Fiat.USD
              ? ""
              : " (%s %s is worth %s USD now)"
                  .formatted(
                      amount.toPlainString(),
                      currency,
                      usd.setScale(2, RoundingMode.DOWN).toPlainString());
      throw InvoiceException.invalid(
          "invoice.amount_too_small",
          "amount must be worth at least %s USD%s".formatted(minimumUsd.toPlainString(), worth));
    }
  }

  /** The business's invoice with its payment; another business's invoice is not found. */
  public InvoiceView find(Business business, String slug) {
    return store.read(
        handle -> {
          Invoice invoice = owned(handle, business, slug, false);
          return new InvoiceView(invoice, repository.paymentOf(handle, invoice.id(), false));
        });
  }

  /**
   * The invoice behind a pay page link, with its payment. The slug is the payer's only credential,
   * so nothing but the invoice it names is ever returned.
   */
  public Optional<InvoiceView> forPayer(String slug) {
    if (slug == null || !SLUG.matcher(slug).matches()) {
      return Optional.empty();
    }
    return store.read(
        handle ->
            repository
                .bySlug(handle, slug)
                .map(
                    invoice ->
                        new InvoiceView(
                            invoice, repository.paymentOf(handle, invoice.id(), false))));
  }

  /**
   * One page of the business's invoices, newest first; asks for one row more to know if more
   * follow.
   */
  public InvoiceListing.Page list(Business business, InvoiceListing.Query query, int pageSize) {
    List<InvoiceListing.Row> rows =
        store.read(handle -> repository.page(handle, business.id(), query, pageSize + 1));
    if (rows.size() <= pageSize) {
      return new InvoiceListing.Page(rows, Optional.empty());
    }
    List<InvoiceListing.Row> shown = rows.subList(0, pageSize);
    return new InvoiceListing.Page(
        List.copyOf(shown), Optional.of(shown.get(pageSize - 1).cursor()));
  }

  /** The invoice's history, oldest first. */
  public List<InvoiceEvent> history(Business business, String slug) {
    return store.read(
        handle -> repository.events(handle, owned(handle, business, slug, false).id()));
  }

  /** DELETE: cancels an unpaid invoice without a pending payment. */
  public InvoiceView cancel(Business business, String slug) {
    Instant now = clock.instant();
    return store.inTransaction(
        handle -> {
          Invoice invoice = owned(handle, business, slug, true);
          Optional<Payment> payment = repository.paymentOf(handle, invoice.id(), true);
          Optional<Transition> transition = Lifecycle.cancel(invoice, payment, now);
          if (transition.isEmpty()) {
            return new InvoiceView(invoice, payment);
          }
          apply(handle, transition.get());
          log.info("invoice={} canceled by its business", slug);
          return new InvoiceView(transition.get().invoice(), payment);
        });
  }

  /**
   * Issues the invoice's one payment: a fresh address and the crypto amount at the current rate,
   * rounded up to the coin's smallest unit.
   */
  public InvoiceView requestPayment(Business business, String slug, Optional<String> cryptoText) {
    InvoiceView before = find(business, slug);
    Instant now = clock.instant();
    Lifecycle.checkPaymentMayBeRequested(before.invoice(), before.payment(), now);

    Crypto crypto = paymentCrypto(business, before.invoice(), cryptoText);
    PaymentSource source = sources.source(crypto).orElseThrow(Invoices::cryptoNotSupported);
    // One snapshot prices the payment and is what the answer shows, even if rates refresh now.
    RateSnapshot snapshot = rates.fresh();
    long amountAtomic = cryptoAmount(before.invoice(), crypto, snapshot);
    String ratesText = ratesText(crypto, snapshot);
    // The address comes before the transaction: a wallet call must not hold the write lock.
    // A lost race leaves an unused address behind, which costs nothing.
    String address = source.newAddress(slug);

    try {
      return store.inTransaction(
          handle ->
              insertPayment(handle, business, slug, crypto, address, amountAtomic, ratesText));
    } catch (RuntimeException e) {
      if (store.isUniqueViolation(e)) {
        throw new InvoiceException(
            InvoiceException.Reason.PAYMENT_REQUESTED,
            "payment.requested",
            "Payment already requested");
      }
      throw e;
    }
  }

  private InvoiceView insertPayment(
      Handle handle,
      Business business,
      String slug,
      Crypto crypto,
      String address,
      long amountAtomic,
      String ratesText) {
    Instant now = clock.instant();
    Invoice invoice = owned(handle, business, slug, true);
    Optional<Payment> existing = repository.paymentOf(handle, invoice.id(), true);
    Lifecycle.checkPaymentMayBeRequested(invoice, existing, now);

    Payment payment =
        new Payment(
            UUID.randomUUID().toString(),
            invoice.id(),
            crypto,
            address,
            amountAtomic,
            ratesText,
            PaymentStatus.PENDING,
            0,
            0,
            0,
            0,
            now,
            now,
            Optional.empty());
    repository.insertPayment(handle, payment);
    repository.appendEvents(
        handle, invoice.id(), List.of(Lifecycle.paymentRequested(payment, now)));
    log.info("invoice={} payment requested: {} {}", slug, payment.amountText(), crypto);
    return new InvoiceView(invoice, Optional.of(payment));
  }

  private Crypto paymentCrypto(Business business, Invoice invoice, Optional<String> requested) {
    List<Crypto> accepted = business.accepted(sources.offered());
    if (invoice.crypto().isEmpty()) {
      String symbol =
          requested.orElseThrow(
              () ->
                  new InvoiceException(
                      InvoiceException.Reason.CRYPTO_REQUIRED,
                      "payment.crypto_required",
                      "crypto parameter is required for this invoice"));
      return Crypto.bySymbol(symbol)
          .filter(accepted::contains)
          .orElseThrow(Invoices::cryptoNotSupported);
    }

    Crypto fixed = invoice.crypto().get();
    if (requested.isPresent() && !requested.get().equals(fixed.name())) {
      if (Crypto.bySymbol(requested.get()).isEmpty()) {
        throw cryptoNotSupported();
      }
      throw InvoiceException.invalid(
          "payment.crypto_mismatch",
          "crypto must be %s for this invoice, or left out".formatted(fixed));
    }
    if (!accepted.contains(fixed)) {
      throw cryptoNotSupported();
    }
    return fixed;
  }

  private static InvoiceException cryptoNotSupported() {
    return InvoiceException.invalid("crypto.unsupported", "crypto not supported");
  }

  private static long cryptoAmount(Invoice invoice, Crypto crypto, RateSnapshot snapshot) {
    BigDecimal price = snapshot.require(crypto, invoice.currency());
    BigDecimal coins =
        invoice.amount().divide(price, MATH).setScale(crypto.decimals(), RoundingMode.CEILING);
    return crypto
        .atomic(coins)
        .orElseThrow(
            () ->
                InvoiceException.invalid(
                    "payment.amount_too_large",
                    "the invoice amount is too large to be paid in " + crypto));
  }

  /** The rate snapshot as the request-payment answer shows it: a JSON text, not an object. */
  private static String ratesText(Crypto crypto, RateSnapshot snapshot) {
    Map<String, String> shown = new LinkedHashMap<>();
    snapshot.price(crypto, Fiat.USD).ifPresent(usd -> shown.put("usd", RateSnapshot.shown(usd)));
    snapshot.price(crypto, Fiat.EUR).ifPresent(eur -> shown.put("eur", RateSnapshot.shown(eur)));
    return shown.entrySet().stream()
        .map(entry -> "\"" + entry.getKey() + "\":" + entry.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }

  /** Applies what the watcher observed at a payment's address; returns true if anything changed. */
  boolean observe(Payment watched, Observation observation) {
    int required = sources.requiredConfirmations(watched.crypto());
    Instant now = clock.instant();
    return store.inTransaction(
        handle -> {
          Invoice invoice = repository.byId(handle, watched.invoiceId(), true).orElseThrow();
          Payment payment = repository.paymentOf(handle, invoice.id(), true).orElseThrow();
          Optional<Transition> transition =
              Lifecycle.observe(invoice, payment, observation, required, now);
          transition.ifPresent(t -> apply(handle, t));
          transition
              .filter(Transition::paid)
              .ifPresent(t -> log.info("invoice={} paid", invoice.slug()));
          return transition.isPresent();
        });
  }

  /**
   * Cancels unpaid invoices past their due date, a page at a time, one transaction each; returns
   * how many changed. Invoices waiting out their grace period are passed over, not retried.
   */
  int expireOverdue(Duration grace, int pageSize) {
    Instant now = clock.instant();
    int expired = 0;
    InvoiceRepository.DueCursor cursor = InvoiceRepository.DueCursor.START;
    while (true) {
      InvoiceRepository.DueCursor after = cursor;
      List<InvoiceRepository.DueCursor> page =
          store.read(handle -> repository.overdue(handle, now, after, pageSize));
      for (InvoiceRepository.DueCursor due : page) {
        if (expire(due.id(), now, grace)) {
          expired++;
        }
      }
      if (page.size() < pageSize) {
        return expired;
      }
      cursor = page.get(page.size() - 1);
    }
  }

  private boolean expire(String invoiceId, Instant now, Duration grace) {
    return store.inTransaction(
        handle -> {
          Invoice invoice = repository.byId(handle, invoiceId, true).orElseThrow();
          Optional<Payment> payment = repository.paymentOf(handle, invoiceId, true);
          Optional<Transition> transition = Lifecycle.expire(invoice, payment, now, grace);
          transition.ifPresent(t -> apply(handle, t));
          transition.ifPresent(t -> log.info("invoice={} expired", invoice.slug()));
          return transition.isPresent();
        });
  }

  /** Payments whose addresses are still watched. */
  List<Payment> watched(Duration watchAfterSettled) {
    Instant since = clock.instant().minus(watchAfterSettled);
    return store.read(handle -> repository.watched(handle, since));
  }

  private void apply(Handle handle, Transition transition) {
    Invoice invoice = transition.invoice();
    repository.updateStatus(handle, invoice);
    transition.payment().ifPresent(payment -> repository.updatePayment(handle, payment));
    repository.appendEvents(handle, invoice.id(), transition.events());

    if (transition.creditAtomic() > 0) {
      Payment payment = transition.payment().orElseThrow();
      Ledger.credit(
          handle,
          invoice.businessId(),
          payment.crypto(),
          transition.creditAtomic(),
          transition.creditKind(),
          payment.id(),
          payment.updatedAt());
    }
    if (transition.paid()) {
      paidHooks.forEach(hook -> hook.invoicePaid(handle, invoice));
    }
  }

  private Invoice owned(Handle handle, Business business, String slug, boolean lock) {
    if (slug == null || !SLUG.matcher(slug).matches()) {
      throw InvoiceException.notFound();
    }
    return repository
        .bySlug(handle, business.id(), slug, lock)
        .orElseThrow(InvoiceException::notFound);
  }
}
