package mimbla.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mimbla.business.Businesses;
import mimbla.chain.PaymentSources;
import mimbla.config.RawSettings;
import mimbla.config.Settings;
import mimbla.invoice.Invoices;
import mimbla.invoice.PaymentWatcher;
import mimbla.net.Resolver;
import mimbla.net.TorMode;
import mimbla.net.WebhookClient;
import mimbla.rates.Rates;
import mimbla.store.Store;
import mimbla.testing.Http;
import mimbla.testing.Http.Answer;
import mimbla.webhook.Deliveries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox endpoints on a server without a sandbox. No configuration of this version can start
 * such a server (the sandbox is its only payment source), so the API is assembled here by hand,
 * with no payment source at all.
 */
class SandboxDisabledTest {
  @TempDir Path folder;

  @Test
  void sandboxPaymentsAreRefusedWhenTheSandboxIsDisabled() {
    Settings settings =
        Settings.from(
            RawSettings.defaults()
                .with("data.dir", folder.toString(), "test")
                .with("sandbox.enabled", "true", "test")
                .with("rates.provider", "fixed", "test"));
    Clock clock = Clock.systemUTC();
    PaymentSources none = new PaymentSources(List.of(), Map.of());
    try (Store store = Store.open(settings.database());
        Rates rates = Rates.start(settings.rates(), settings.cryptos(), clock)) {
      Invoices invoices =
          new Invoices(
              store, none, rates, clock, BigDecimal.TEN, List.of(), url -> Optional.empty());
      Settings.Webhooks webhooks = settings.webhooks();
      try (WebhookClient client =
              WebhookClient.create(
                  webhooks.connectTimeout(),
                  webhooks.timeout(),
                  List.of(),
                  Resolver.system(),
                  clock);
          PaymentWatcher watcher =
              PaymentWatcher.start(invoices, none, Duration.ofSeconds(1), Duration.ofDays(1));
          ApiServer api =
              ApiServer.start(
                  new ApiServer.Parts(
                      store,
                      new Businesses(store, clock),
                      invoices,
                      none,
                      rates,
                      Optional.empty(),
                      watcher,
                      "http://localhost",
                      new Deliveries(store, clock, () -> {}),
                      client,
                      Optional.empty(),
                      TorMode.OFF,
                      Optional.empty()),
                  "127.0.0.1",
                  0)) {
        Http http = new Http("http://127.0.0.1:" + api.port());

        for (Answer answer :
            List.of(
                http.post("/api/v1/sandbox/pay", "{\"address\":\"bcsandbox1qx\",\"amount\":1}"),
                http.post("/api/v1/sandbox/mine", "{}"))) {
          assertThat(answer.status()).isEqualTo(403);
          assertThat(answer.json())
              .isEqualTo(
                  Http.parse(
                      "{\"message\":\"The sandbox is disabled on this server\",\"error\":\"sandbox.disabled\"}"));
        }
        int transfers =
            store.read(
                h ->
                    h.createQuery("SELECT COUNT(*) FROM sandbox_transfer")
                        .mapTo(Integer.class)
                        .one());
        assertThat(transfers).isZero();
      }
    }
  }
}
