package mimbla.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import mimbla.testing.Http;
import mimbla.testing.Receiver;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server whose LTC wallet RPC does not listen: it starts anyway, says so in {@code /health},
 * answers a payment request in LTC with a clear 503, and keeps taking payments in the other
 * cryptos.
 */
class UnavailableSourceTest {
  static final String SECRET = "do-not-show-this-password";

  TestServer server;

  @BeforeEach
  void start() {
    server =
        TestServer.start(
            StoreKind.values()[0],
            Map.of(
                "crypto.LTC.source", "bitcoin-rpc",
                "crypto.LTC.rpc-url", "http://127.0.0.1:" + Receiver.refusingPort(),
                "crypto.LTC.rpc-user", "mimbla",
                "crypto.LTC.rpc-password", SECRET,
                "crypto.LTC.wallet", "merchant"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void paymentInTheUnreachableCryptoIsA503AndTheOthersStillWork() {
    String ltc = invoice("LTC");

    Http.Answer refused = server.merchant.post("/api/v1/merchant/invoice/rp/" + ltc, "");

    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.contentType()).startsWith("application/json");
    assertThat(refused.json().path("error").asText()).isEqualTo("payment.source_unavailable");
    assertThat(refused.json().path("message").asText())
        .isEqualTo("LTC payments are unavailable right now: the wallet is unreachable");
    assertThat(refused.body()).doesNotContain(SECRET).doesNotContain("127.0.0.1");
    assertThat(
            server.merchant.get("/api/v1/merchant/invoice/" + ltc).json().path("payment").isNull())
        .isTrue();
    assertThat(server.count("SELECT COUNT(*) FROM chain_address")).isZero();

    server.paidInvoice(server.merchant, "");
  }

  @Test
  void thePayPageSaysTheCryptoIsUnavailableInsteadOfFailing() {
    String ltc = invoice("LTC");

    Http.Answer page = server.http.get("/pay/" + ltc);

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.body())
        .contains("Payments in LTC are not available right now")
        .doesNotContain(SECRET)
        .doesNotContain("wallet is unreachable");
    assertThat(server.count("SELECT COUNT(*) FROM chain_address")).isZero();
  }

  @Test
  void healthShowsTheSourceUnreachableWithoutFailingTheCheck() {
    server.await("LTC unreachable", () -> ltcHealth().path("state").asText().equals("unreachable"));

    Http.Answer health = server.http.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("status").asText()).isEqualTo("degraded");
    assertThat(ltcHealth().path("source").asText()).isEqualTo("bitcoin-rpc");
    assertThat(ltcHealth().path("problem").asText()).contains("cannot be reached");
    assertThat(health.json().path("payments").path("BTC").path("source").asText())
        .isEqualTo("sandbox");
    assertThat(health.body()).doesNotContain(SECRET).doesNotContain("mimbla\"");
  }

  @Test
  void aHungNodeDelaysOnlyItsOwnCrypto() {
    FakeWalletRpc hung = FakeWalletRpc.start().hang();
    TestServer other =
        TestServer.start(
            StoreKind.values()[0],
            Map.of("crypto.LTC.source", "bitcoin-rpc", "crypto.LTC.rpc-url", hung.url()));
    try {
      // The LTC poll waits for an answer that does not come (up to the RPC read timeout, a
      // minute); BTC payments are seen and paid meanwhile, within the harness's 20 s.
      Waiting.until(
          "the LTC poll hanging", Duration.ofSeconds(10), () -> hung.calls.size(), n -> n > 0);
      other.paidInvoice(other.merchant, "");
    } finally {
      // The fake first: it lets the hung call end, so the server stops at once.
      hung.close();
      other.close();
    }
  }

  private JsonNode ltcHealth() {
    return server.http.get("/health").json().path("payments").path("LTC");
  }

  private String invoice(String crypto) {
    Http.Answer created =
        server.merchant.post(
            "/api/v1/merchant/invoice", "{\"amount\": 26, \"crypto\": \"" + crypto + "\"}");
    assertThat(created.status()).isEqualTo(201);
    return created.text("id");
  }
}
