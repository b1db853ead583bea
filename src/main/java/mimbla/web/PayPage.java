package mimbla.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import mimbla.business.Business;
import mimbla.business.Businesses;
import mimbla.chain.Crypto;
import mimbla.chain.PaymentSources;
import mimbla.chain.Sandbox;
import mimbla.chain.SandboxException;
import mimbla.chain.SourceUnavailableException;
import mimbla.invoice.Invoice;
import mimbla.invoice.InvoiceException;
import mimbla.invoice.InvoiceStatus;
import mimbla.invoice.InvoiceView;
import mimbla.invoice.Invoices;
import mimbla.invoice.Payment;
import mimbla.invoice.PaymentStatus;
import mimbla.invoice.PaymentWatcher;
import mimbla.rates.RatesUnavailableException;
import mimbla.store.Timestamps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosted pay page, {@code /pay/{slug}}. It renders completely on the server and works with
 * scripts off: forms post and answer with a redirect back to the page, which refreshes itself while
 * the payment is open. The payment is requested through {@link Invoices#requestPayment}, the very
 * call behind {@code POST /invoice/rp/{slug}}.
 */
final class PayPage {
  private static final Logger log = LoggerFactory.getLogger(PayPage.class);

  private static final DateTimeFormatter SHOWN =
      DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private final Businesses businesses;
  private final Invoices invoices;
  private final PaymentSources sources;
  private final Optional<Sandbox> sandbox;
  private final PaymentWatcher watcher;
  private final Templates templates;
  private final Clock clock;

  PayPage(
      Businesses businesses,
      Invoices invoices,
      PaymentSources sources,
      Optional<Sandbox> sandbox,
      PaymentWatcher watcher,
      Templates templates,
      Clock clock) {
    this.businesses = businesses;
    this.invoices = invoices;
    this.sources = sources;
    this.sandbox = sandbox;
    this.watcher = watcher;
    this.templates = templates;
    this.clock = clock;
  }

  void register(RoutesConfig routes) {
    routes.get("/pay/{slug}", templates.guarded(this::show));
    routes.post("/pay/{slug}", templates.guarded(this::choose));
    routes.post("/pay/{slug}/sandbox", templates.guarded(this::playMoney));
    routes.get("/pay/{slug}/qr.svg", templates.guarded(this::qr));
    routes.get("/pay/{slug}/status", templates.guarded(this::status));
  }

  /** The page; a fixed-crypto invoice gets its payment requested on its first view. */
  private void show(Context ctx) {
    Optional<Found> found = find(ctx.pathParam("slug"));
    if (found.isEmpty()) {
      missing(ctx);
      return;
    }

    Found invoice = found.get();
    String error = null;
    if (needsPayment(invoice.view()) && invoice.view().invoice().crypto().isPresent()) {
      try {
        invoice = request(invoice, Optional.empty());
      } catch (InvoiceException | RatesUnavailableException | SourceUnavailableException e) {
        error = refusal(e);
      }
    }
    render(ctx, 200, invoice, error);
  }

  /** The payer chose a crypto: request the payment, then show the page again. */
  private void choose(Context ctx) {
    Optional<Found> found = find(ctx.pathParam("slug"));
    if (found.isEmpty()) {
      missing(ctx);
      return;
    }

    try {
      request(found.get(), Optional.ofNullable(ctx.formParam("crypto")));
    } catch (InvoiceException e) {
      if (e.reason() != InvoiceException.Reason.PAYMENT_REQUESTED) {
        render(ctx, 400, reread(found.get()), refusal(e));
        return;
      }
      // Requested already (a second tab, a double click): the page shows that payment.
    } catch (RatesUnavailableException | SourceUnavailableException e) {
      render(ctx, 503, reread(found.get()), refusal(e));
      return;
    }
    backToPage(ctx);
  }

  /**
   * Sandbox servers only: pays the open payment with play money, as {@code POST
   * /api/v1/sandbox/pay} does, or mines a block. Refused when the sandbox is off.
   */
  private void playMoney(Context ctx) {
    Optional<Found> found = find(ctx.pathParam("slug"));
    if (found.isEmpty() || sandbox.isEmpty()) {
      missing(ctx);
      return;
    }

    Optional<Payment> payment = found.get().view().payment();
    String action = String.valueOf(ctx.formParam("action"));
    if (payment.isEmpty() && !action.equals("mine")) {
      render(ctx, 400, found.get(), "No payment has been requested yet");
      return;
    }
    try {
      switch (action) {
        case "pay", "pay-unconfirmed" -> {
          Payment open = payment.get();
          sandbox
              .get()
              .pay(
                  open.address(),
                  outstanding(open),
                  action.equals("pay") ? Optional.empty() : Optional.of(0));
        }
        case "mine" -> sandbox.get().mine(1);
        default -> {
          render(ctx, 400, found.get(), "Unknown sandbox action");
          return;
        }
      }
    } catch (SandboxException e) {
      render(ctx, 400, found.get(), e.getMessage());
      return;
    }
    watcher.wake();
    log.info(
        "invoice={} sandbox {} from the pay page", found.get().view().invoice().slug(), action);
    backToPage(ctx);
  }

  /**
   * What is still to pay, or the whole amount again when it was paid already (a double payment).
   */
  private static BigDecimal outstanding(Payment payment) {
    long left = payment.amountAtomic() - payment.seenAtomic();
    long atomic = left > 0 ? left : payment.amountAtomic();
    return BigDecimal.valueOf(atomic, payment.crypto().decimals());
  }

  private void qr(Context ctx) {
    Optional<Payment> payment = find(ctx.pathParam("slug")).flatMap(f -> f.view().payment());
    if (payment.isEmpty()) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("No payment");
      return;
    }
    ctx.contentType("image/svg+xml").result(QrSvg.of(PaymentUri.of(payment.get())));
  }

  /** The compact status the page's script polls; the same words the page shows. */
  private void status(Context ctx) {
    Optional<Found> found = find(ctx.pathParam("slug"));
    if (found.isEmpty()) {
      ctx.status(404).json(Map.of("error", "Invoice not found"));
      return;
    }
    PayView page = view(found.get(), null);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("state", page.state());
    status.put("status", found.get().view().invoice().status().wire());
    status.put("confirmations", page.payment() == null ? 0 : page.payment().confirmations());
    status.put("received", page.payment() == null ? null : page.payment().received());
    ctx.json(status);
  }

  /** An invoice with the business that owns it. */
  private record Found(Business business, InvoiceView view) {}

  private Optional<Found> find(String slug) {
    return invoices
        .forPayer(slug)
        .flatMap(
            view ->
                businesses
                    .byId(view.invoice().businessId())
                    .map(business -> new Found(business, view)));
  }

  private Found reread(Found found) {
    return find(found.view().invoice().slug()).orElse(found);
  }

  private Found request(Found found, Optional<String> crypto) {
    InvoiceView view =
        invoices.requestPayment(found.business(), found.view().invoice().slug(), crypto);
    return new Found(found.business(), view);
  }

  private boolean needsPayment(InvoiceView view) {
    return view.invoice().status() == InvoiceStatus.UNPAID
        && view.payment().isEmpty()
        && clock.instant().isBefore(view.invoice().dueAt());
  }

  private static String refusal(RuntimeException e) {
    if (e instanceof InvoiceException refused
        && refused.reason() == InvoiceException.Reason.NOT_UNPAID) {
      return "This invoice can no longer be paid.";
    }
    if (e instanceof RatesUnavailableException) {
      return "Prices are not available right now, so the amount to pay cannot be worked out."
          + " Please try again in a minute.";
    }
    if (e instanceof SourceUnavailableException unavailable) {
      // The operator's reason (an unreachable wallet) is in /health and the log, not for payers.
      return "Payments in "
          + unavailable.crypto()
          + " are not available right now. Please try again later or choose another crypto.";
    }
    return e.getMessage();
  }

  private static void backToPage(Context ctx) {
    ctx.redirect("/pay/" + ctx.pathParam("slug"), HttpStatus.SEE_OTHER);
  }

  private void missing(Context ctx) {
    templates.render(ctx, 404, "pay_missing.jte", Map.of());
  }

  private void render(Context ctx, int status, Found found, String error) {
    templates.render(ctx, status, "pay.jte", view(found, error));
  }

  private PayView view(Found found, String error) {
    Invoice invoice = found.view().invoice();
    Optional<Payment> payment = found.view().payment();
    Instant now = clock.instant();
    String seen = state(invoice, payment, now);
    // A fixed-crypto invoice is never offered a choice: without its payment it waits for one.
    String state = invoice.crypto().isPresent() && seen.equals("choose") ? "unavailable" : seen;

    List<PayView.Choice> choices =
        found.business().accepted(sources.offered()).stream()
            .map(crypto -> new PayView.Choice(crypto.name(), PaymentUri.coinName(crypto)))
            .toList();
    return new PayView(
        invoice.slug(),
        found.business().name(),
        invoice.amountText(),
        invoice.currency().name(),
        state,
        title(state),
        text(state, payment),
        choices,
        payment.map(this::shown).orElse(null),
        Timestamps.wire(invoice.dueAt()),
        SHOWN.format(invoice.dueAt()),
        Timestamps.wire(now),
        timeLeft(Duration.between(now, invoice.dueAt())),
        invoice.redirectUrl().or(invoice::closeUrl).orElse(null),
        invoice.closeUrl().orElse(null),
        invoice.automaticRedirect(),
        sandbox.isPresent(),
        error);
  }

  private PayView.Shown shown(Payment payment) {
    Crypto crypto = payment.crypto();
    return new PayView.Shown(
        crypto.name(),
        PaymentUri.coinName(crypto),
        payment.amountText(),
        payment.address(),
        PaymentUri.of(payment),
        payment.seenText(),
        payment.confirmations(),
        sources.requiredConfirmations(crypto));
  }

  static String state(Invoice invoice, Optional<Payment> payment, Instant now) {
    return switch (invoice.status()) {
      case PAID -> "paid";
      case CANCELED ->
          payment.filter(p -> p.status() == PaymentStatus.OVERDUE).isPresent()
              ? "overdue"
              : "canceled";
      case UNPAID -> {
        if (payment.isEmpty()) {
          yield now.isBefore(invoice.dueAt()) ? "choose" : "overdue";
        }
        if (payment.get().seenAtomic() > 0) {
          yield "seen";
        }
        yield now.isBefore(invoice.dueAt()) ? "waiting" : "overdue";
      }
    };
  }

  private static String title(String state) {
    return switch (state) {
      case "choose" -> "Choose how to pay";
      case "waiting" -> "Waiting for your payment";
      case "seen" -> "Payment seen, waiting for confirmations";
      case "paid" -> "Paid. Thank you!";
      case "overdue" -> "This invoice has expired";
      case "canceled" -> "This invoice was canceled";
      case "unavailable" -> "Payment not available yet";
      default -> "Payment";
    };
  }

  private static String text(String state, Optional<Payment> payment) {
    return switch (state) {
      case "choose" -> "Pick one of the currencies below to see the amount and the address.";
      case "waiting" -> "Send exactly the amount below to the address below.";
      case "seen" ->
          payment
              .map(
                  p ->
                      "We have seen %s %s at the address. It counts once the network confirms it."
                          .formatted(p.seenText(), p.crypto()))
              .orElse("");
      case "paid" -> "The payment is complete. You may close this page.";
      case "overdue" -> "The due date passed before the payment was complete.";
      case "canceled" -> "The merchant canceled this invoice. Do not send a payment.";
      case "unavailable" -> "This page tries again by itself.";
      default -> "";
    };
  }

  /** Whole days, hours and minutes left, as words. */
  static String timeLeft(Duration left) {
    if (left.isNegative() || left.isZero()) {
      return "The due date has passed";
    }
    long days = left.toDays();
    long hours = left.toHoursPart();
    long minutes = left.toMinutesPart();
    StringBuilder words = new StringBuilder();
    if (days > 0) {
      words.append(days).append(days == 1 ? " day, " : " days, ");
    }
    if (days > 0 || hours > 0) {
      words.append(hours).append(hours == 1 ? " hour, " : " hours, ");
    }
    words.append(minutes).append(minutes == 1 ? " minute" : " minutes");
    return words.append(" left").toString();
  }
}
