package mimbla.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import mimbla.testing.Http;
import mimbla.testing.Receiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Payments in LTC through a real Litecoin Core daemon on a private regtest chain, driven through
 * the server's own HTTP API as a merchant and a payer would: create an invoice, request a payment,
 * pay the address from the payer wallet, watch the payment go from pending to seen to paid as
 * blocks are mined, and the webhook arrive. One daemon serves the whole class; every test uses its
 * own invoices. Two confirmations are required, so one mined block is "seen, not yet paid". BTC
 * runs on the sandbox beside it, to show the other cryptos keep working while the daemon is down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LitecoinRegtestIT {
  static final String API = ChainServer.API;
  static final String PASSWORD = "rpc-secret-" + Long.toHexString(System.nanoTime());
  static final Duration WEBHOOK_WAIT = Duration.ofSeconds(30);

  static Path folder;
  static LitecoinRegtest chain;
  static ChainServer server;
  static Receiver receiver;

  @BeforeAll
  static void startChainAndServer() throws Exception {
    folder = Files.createTempDirectory("mimbla-ltc-");
    chain = LitecoinRegtest.start(folder.resolve("chain"), PASSWORD);
    receiver = Receiver.start();
    server =
        new ChainServer(
            Files.createDirectories(folder.resolve("server")),
            Map.ofEntries(
                Map.entry("cryptos", "BTC,LTC"),
                Map.entry("sandbox.enabled", "true"),
                Map.entry("crypto.LTC.source", "bitcoin-rpc"),
                Map.entry("crypto.LTC.rpc-url", chain.url()),
                Map.entry("crypto.LTC.rpc-user", LitecoinRegtest.USER),
                Map.entry("crypto.LTC.rpc-password", PASSWORD),
                Map.entry("crypto.LTC.wallet", "merchant"),
                Map.entry("crypto.LTC.confirmations", "2")));
  }

  @AfterAll
  static void stopEverything() {
    if (server != null) {
      server.close();
    }
    if (chain != null) {
      chain.close();
    }
    if (receiver != null) {
      receiver.close();
    }
    TestFolders.keepLogsAndDelete(folder, "LitecoinRegtestIT");
  }

  @Test
  @Order(1)
  void paymentGoesFromPendingToSeenToPaidAndTheWebhookArrives() {
    String slug = server.invoice("LTC", "\"webhook_url\": \"" + receiver.url("/paid/ltc-1") + "\"");
    JsonNode payment = server.requestPayment(slug);
    String address = payment.path("address").asText();
    assertThat(address).startsWith("rltc1");
    assertThat(server.invoice(slug).path("payment").path("status").asText()).isEqualTo("pending");

    chain.pay(address, payment.path("amount").asText());
    JsonNode seen =
        server.awaitPayment(
            slug, "seen", p -> p.path("received").asText().equals(payment.path("amount").asText()));
    assertThat(seen.path("status").asText()).isEqualTo("pending");
    assertThat(seen.path("confirmations").asInt()).isZero();

    chain.mine(1);
    JsonNode oneBlock =
        server.awaitPayment(slug, "one confirmation", p -> p.path("confirmations").asInt() == 1);
    assertThat(oneBlock.path("status").asText()).isEqualTo("pending");

    chain.mine(1);
    server.awaitPayment(slug, "paid", p -> p.path("status").asText().equals("paid"));
    assertThat(server.invoice(slug).path("status").asText()).isEqualTo("paid");
    awaitWebhook("/paid/ltc-1");
    assertThat(server.historyKinds(slug))
        .containsSubsequence("payment_requested", "funds_seen", "funds_confirmed", "paid");
    assertThat(server.credits(slug))
        .containsExactly(Map.entry("payment", atomic(payment.path("amount").asText())));
  }

  @Test
  @Order(2)
  void aReorganisationThatTakesAConfirmationAwayIsShownBeforeThePaymentCounts() {
    String slug = server.invoice("LTC", "");
    JsonNode payment = server.requestPayment(slug);
    chain.pay(payment.path("address").asText(), payment.path("amount").asText());
    server.awaitPayment(
        slug, "seen", p -> p.path("received").asText().equals(payment.path("amount").asText()));

    chain.mine(1);
    server.awaitPayment(slug, "one confirmation", p -> p.path("confirmations").asInt() == 1);
    chain.dropTip();
    JsonNode reorganised =
        server.awaitPayment(
            slug, "back to 0 confirmations", p -> p.path("confirmations").asInt() == 0);
    assertThat(reorganised.path("status").asText()).isEqualTo("pending");
    assertThat(reorganised.path("received").asText()).isEqualTo(payment.path("amount").asText());

    chain.mine(2);
    server.awaitPayment(slug, "paid", p -> p.path("status").asText().equals("paid"));
    assertThat(server.credits(slug))
        .containsExactly(Map.entry("payment", atomic(payment.path("amount").asText())));
  }

  @Test
  @Order(3)
  void anUnderpaymentIsCreditedAndATopUpPaysTheInvoice() {
    String slug = server.invoice("LTC", "");
    JsonNode payment = server.requestPayment(slug);
    String address = payment.path("address").asText();
    BigDecimal amount = new BigDecimal(payment.path("amount").asText());
    BigDecimal part = amount.divide(BigDecimal.valueOf(3), 8, RoundingMode.DOWN);

    chain.pay(address, part.toPlainString());
    chain.mine(2);
    JsonNode partial =
        server.awaitPayment(slug, "partial confirmed", p -> p.path("confirmations").asInt() >= 2);
    assertThat(partial.path("status").asText()).isEqualTo("pending");
    assertThat(server.credits(slug))
        .containsExactly(Map.entry("partial_payment", atomic(part.toPlainString())));

    chain.pay(address, amount.subtract(part).toPlainString());
    chain.mine(2);
    server.awaitPayment(slug, "paid", p -> p.path("status").asText().equals("paid"));
    assertThat(server.credits(slug).values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(atomic(amount.toPlainString()));
  }

  @Test
  @Order(4)
  void twoPaymentsToOneAddressAreBothCredited() {
    RegtestScenarios.twoPaymentsToOneAddressAreBothCredited(
        server, Crypto.LTC, LitecoinRegtestIT::payAndConfirm);
  }

  @Test
  @Order(5)
  void aPaymentAfterTheDueDateIsCreditedAsLate() {
    RegtestScenarios.aPaymentAfterTheDueDateIsCreditedAsLate(
        server, Crypto.LTC, LitecoinRegtestIT::payAndConfirm);
  }

  @Test
  @Order(6)
  void aServerRestartedBetweenPaymentAndConfirmationMissesNothingAndCountsNothingTwice() {
    String slug =
        server.invoice("LTC", "\"webhook_url\": \"" + receiver.url("/paid/ltc-restart") + "\"");
    JsonNode payment = server.requestPayment(slug);
    chain.pay(payment.path("address").asText(), payment.path("amount").asText());
    server.awaitPayment(
        slug, "seen", p -> p.path("received").asText().equals(payment.path("amount").asText()));

    server.stop();
    chain.mine(3);
    server.start();

    server.awaitPayment(slug, "paid", p -> p.path("status").asText().equals("paid"));
    awaitWebhook("/paid/ltc-restart");
    // Polls after the restart read the same transfer again; it is still credited once.
    Waiting.pause(Duration.ofSeconds(1));
    assertThat(server.credits(slug))
        .containsExactly(Map.entry("payment", atomic(payment.path("amount").asText())));
  }

  @Test
  @Order(7)
  void aDaemonStoppedMidRunIsShownAndRefusedAndCaughtUpWithWhenItReturns() {
    String slug =
        server.invoice("LTC", "\"webhook_url\": \"" + receiver.url("/paid/ltc-down") + "\"");
    JsonNode payment = server.requestPayment(slug);
    chain.pay(payment.path("address").asText(), payment.path("amount").asText());
    server.awaitPayment(
        slug, "seen", p -> p.path("received").asText().equals(payment.path("amount").asText()));

    chain.stop();
    Http http = server.http();
    Waiting.until(
        "LTC unreachable in /health",
        Duration.ofSeconds(30),
        () -> http.get("/health").json(),
        health -> health.path("payments").path("LTC").path("state").asText().equals("unreachable"));
    Http.Answer health = http.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("status").asText()).isEqualTo("degraded");
    assertThat(health.json().path("payments").path("BTC").path("state").asText()).isEqualTo("ok");

    String refused = server.invoice("LTC", "");
    Http.Answer answer = server.merchant().post(API + "/invoice/rp/" + refused, "");
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.contentType()).startsWith("application/json");
    assertThat(answer.json().path("error").asText()).isEqualTo("payment.source_unavailable");
    assertThat(server.invoice(refused).path("payment").isNull()).isTrue();

    // BTC, on another source, is paid while LTC's daemon is down.
    String btc = server.invoice("BTC", "");
    JsonNode btcPayment = server.requestPayment(btc);
    Http.Answer paid =
        http.post(
            "/api/v1/sandbox/pay",
            "{\"address\": \"%s\", \"amount\": \"%s\"}"
                .formatted(
                    btcPayment.path("address").asText(), btcPayment.path("amount").asText()));
    assertThat(paid.status()).isEqualTo(201);
    server.awaitPayment(btc, "BTC paid", p -> p.path("status").asText().equals("paid"));

    // Many polls failed while the daemon was down; the log says so once.
    assertThat(
            server.logLines().stream()
                .filter(line -> line.contains("crypto=LTC") && line.contains("unreachable")))
        .hasSize(1);

    chain.restart();
    chain.mine(2);
    server.awaitPayment(
        slug, "paid after the daemon returned", p -> p.path("status").asText().equals("paid"));
    awaitWebhook("/paid/ltc-down");
    assertThat(http.get("/health").json().path("payments").path("LTC").path("state").asText())
        .isEqualTo("ok");
    assertThat(server.requestPayment(refused).path("address").asText()).startsWith("rltc1");
  }

  @Test
  @Order(8)
  void theRpcPasswordReachesNoLogLineAndNoAnswer() {
    assertThat(server.logLines()).isNotEmpty().noneMatch(line -> line.contains(PASSWORD));
    assertThat(server.http().get("/health").body())
        .doesNotContain(PASSWORD)
        .doesNotContain(LitecoinRegtest.USER);
    assertThat(server.http().get("/").body()).doesNotContain(PASSWORD);
  }

  @Test
  @Order(9)
  void theNodesWalletnotifyAndBlocknotifyBringTheScanForward() {
    // Polling once an hour: only the node's notifications can move this payment along in time.
    server.restartWith(Map.of("payments.poll-interval", "1h"));
    chain.notifyTo("http://127.0.0.1:" + server.port() + "/api/v1/chains/LTC/notify");
    String slug = server.invoice("LTC", "");
    JsonNode payment = server.requestPayment(slug);

    chain.pay(payment.path("address").asText(), payment.path("amount").asText());
    server.awaitPayment(
        slug, "seen", p -> p.path("received").asText().equals(payment.path("amount").asText()));
    chain.mine(2);
    server.awaitPayment(slug, "paid", p -> p.path("status").asText().equals("paid"));
  }

  /** Waits for the notification to this path; others (of earlier tests) may come first. */
  private static void awaitWebhook(String path) {
    long deadline = System.nanoTime() + WEBHOOK_WAIT.toNanos();
    while (true) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      if (receiver.awaitRequest(left).path().equals(path)) {
        return;
      }
    }
  }

  private static void payAndConfirm(String address, String amount) {
    chain.pay(address, amount);
    chain.mine(2);
  }

  private static long atomic(String amount) {
    return RegtestScenarios.atomic(Crypto.LTC, amount);
  }
}
