package mimbla.invoice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import mimbla.business.Business;
import mimbla.business.Businesses;
import mimbla.chain.Crypto;
import mimbla.chain.PaymentSources;
import mimbla.chain.Sandbox;
import mimbla.config.RawSettings;
import mimbla.config.Settings;
import mimbla.rates.Rates;
import mimbla.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The paid transition and whatever a {@link InvoicePaidHook} writes commit together or not at all:
 * the place where the webhook issue records its notification.
 */
class PaidTransactionTest {
  Path folder;
  Store store;
  Rates rates;
  Sandbox sandbox;
  PaymentSources sources;

  @BeforeEach
  void open() throws Exception {
    folder = Files.createTempDirectory("mimbla-paid-");
    RawSettings raw =
        RawSettings.defaults()
            .with("data.dir", folder.toString(), "test")
            .with("sandbox.enabled", "true", "test")
            .with("rates.provider", "fixed", "test");
    Settings settings = Settings.from(raw);
    store = Store.open(settings.database());
    rates = Rates.start(settings.rates(), settings.cryptos(), Clock.systemUTC());
    sandbox = new Sandbox(store, Clock.systemUTC(), Map.of(Crypto.BTC, 1));
    sources = new PaymentSources(List.of(sandbox.source(Crypto.BTC)), Map.of(Crypto.BTC, 1));
  }

  @AfterEach
  void close() {
    rates.close();
    store.close();
  }

  Invoices invoicesWith(InvoicePaidHook hook) {
    return new Invoices(
        store,
        sources,
        rates,
        Clock.systemUTC(),
        BigDecimal.TEN,
        List.of(hook),
        url -> Optional.empty());
  }

  String single(String sql) {
    return store.read(handle -> handle.createQuery(sql).mapTo(String.class).one());
  }

  Payment paidSoon(Invoices invoices, Business business) {
    NewInvoice request =
        new NewInvoice(
            new BigDecimal("26"),
            Optional.empty(),
            Optional.of("BTC"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of("https://shop.example/hook"),
            false);
    Invoice invoice = invoices.create(business, request);
    Payment payment =
        invoices.requestPayment(business, invoice.slug(), Optional.empty()).payment().orElseThrow();
    sandbox.pay(payment.address(), new BigDecimal("0.0004"), Optional.of(1));
    return payment;
  }

  @Test
  void aFailingHookRollsBackThePaidTransition() {
    Invoices invoices =
        invoicesWith(
            (tx, invoice) -> {
              throw new IllegalStateException("notification not recorded");
            });
    Business business =
        new Businesses(store, Clock.systemUTC()).create("shop", Set.of()).business();
    Payment payment = paidSoon(invoices, business);

    assertThatThrownBy(
            () ->
                invoices.observe(
                    payment, sources.source(Crypto.BTC).orElseThrow().observe(payment.address())))
        .hasMessage("notification not recorded");

    assertThat(single("SELECT status FROM invoice")).isEqualTo("UNPAID");
    assertThat(single("SELECT status FROM payment")).isEqualTo("PENDING");
    assertThat(single("SELECT COUNT(*) FROM ledger_entry")).isEqualTo("0");
  }

  @Test
  void aHookSeesThePaidInvoiceOnceInsideTheTransaction() {
    List<String> seen = new ArrayList<>();
    Invoices invoices =
        invoicesWith(
            (tx, invoice) ->
                seen.add(
                    invoice.status()
                        + " "
                        + invoice.webhookUrl().orElseThrow()
                        + " "
                        + tx.createQuery("SELECT status FROM invoice WHERE id = :id")
                            .bind("id", invoice.id())
                            .mapTo(String.class)
                            .one()));
    Business business =
        new Businesses(store, Clock.systemUTC()).create("shop", Set.of()).business();
    Payment payment = paidSoon(invoices, business);
    var observation = sources.source(Crypto.BTC).orElseThrow().observe(payment.address());

    assertThat(invoices.observe(payment, observation)).isTrue();
    // The watcher may pass a payment read before the change; the rows are read again under lock.
    assertThat(invoices.observe(payment, observation)).isFalse();

    assertThat(seen).containsExactly("PAID https://shop.example/hook PAID");
  }
}
