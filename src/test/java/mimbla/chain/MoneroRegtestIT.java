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
 * Payments in XMR through a real {@code monero-wallet-rpc} and {@code monerod} on a private regtest
 * chain, driven through the server's HTTP API. The server offers XMR only, without the sandbox: the
 * configuration an operator would run. Two confirmations are required here to keep the test short
 * (the default is 10, Monero's unlock time).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MoneroRegtestIT {
  static final String API = ChainServer.API;
  static final Duration WEBHOOK_WAIT = Duration.ofSeconds(30);

  static Path folder;
  static MoneroRegtest chain;
  static ChainServer server;
  static Receiver receiver;

  @BeforeAll
  static void startChainAndServer() throws Exception {
    folder = Files.createTempDirectory("mimbla-xmr-");
    chain = MoneroRegtest.start(folder.resolve("chain"));
    receiver = Receiver.start();
    server =
        new ChainServer(
            Files.createDirectories(folder.resolve("server")),
            Map.of(
                "cryptos",
                "XMR",
                "crypto.XMR.source",
                "monero-rpc",
                "crypto.XMR.rpc-url",
                chain.merchantUrl(),
                "crypto.XMR.rpc-user",
                MoneroRegtest.LOGIN_USER,
                "crypto.XMR.rpc-password",
                MoneroRegtest.LOGIN_PASSWORD,
                "crypto.XMR.confirmations",
                "2"));
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
    TestFolders.keepLogsAndDelete(folder, "MoneroRegtestIT");
  }

  @Test
  @Order(1)
  void paymentToASubaddressIsSeenInThePoolThenPaidAndTheWebhookArrives() {
    String slug = server.invoice("XMR", "\"webhook_url\": \"" + receiver.url("/paid/xmr-1") + "\"");
    String other = server.invoice("XMR", "");
    JsonNode payment = server.requestPayment(slug);
    JsonNode otherPayment = server.requestPayment(other);
    String address = payment.path("address").asText();
    // Mainnet prefixes on regtest: subaddresses start with 8, and each invoice has its own.
    assertThat(address).startsWith("8").isNotEqualTo(otherPayment.path("address").asText());

    String txid = chain.pay(address, payment.path("amount").asText());
    JsonNode seen =
        server.awaitPayment(
            slug,
            "seen in the pool",
            p -> p.path("received").asText().equals(payment.path("amount").asText()));
    assertThat(seen.path("status").asText()).isEqualTo("pending");
    assertThat(seen.path("confirmations").asInt()).isZero();

    chain.confirm(txid, 1);
    JsonNode oneBlock =
        server.awaitPayment(slug, "one confirmation", p -> p.path("confirmations").asInt() == 1);
    assertThat(oneBlock.path("status").asText()).isEqualTo("pending");

    chain.confirm(txid, 2);
    server.awaitPayment(slug, "paid", p -> p.path("status").asText().equals("paid"));
    awaitWebhook("/paid/xmr-1");
    assertThat(server.credits(slug))
        .containsExactly(Map.entry("payment", atomic(payment.path("amount").asText())));
    // The other invoice's subaddress received nothing.
    assertThat(server.invoice(other).path("payment").path("received").asText())
        .isEqualTo("0.000000000000");
  }

  @Test
  @Order(2)
  void anUnderpaymentIsCreditedAndATopUpPaysTheInvoice() {
    String slug = server.invoice("XMR", "");
    JsonNode payment = server.requestPayment(slug);
    String address = payment.path("address").asText();
    BigDecimal amount = new BigDecimal(payment.path("amount").asText());
    BigDecimal part = amount.divide(BigDecimal.valueOf(4), 12, RoundingMode.DOWN);

    chain.confirm(chain.pay(address, part.toPlainString()), 2);
    server.awaitPayment(slug, "partial confirmed", p -> p.path("confirmations").asInt() >= 2);
    assertThat(server.credits(slug))
        .containsExactly(Map.entry("partial_payment", atomic(part.toPlainString())));

    chain.confirm(chain.pay(address, amount.subtract(part).toPlainString()), 2);
    server.awaitPayment(slug, "paid", p -> p.path("status").asText().equals("paid"));
    assertThat(server.credits(slug).values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(atomic(amount.toPlainString()));
  }

  @Test
  @Order(3)
  void twoPaymentsToOneSubaddressAreBothCredited() {
    RegtestScenarios.twoPaymentsToOneAddressAreBothCredited(
        server, Crypto.XMR, MoneroRegtestIT::payAndConfirm);
  }

  @Test
  @Order(4)
  void aPaymentAfterTheDueDateIsCreditedAsLate() {
    RegtestScenarios.aPaymentAfterTheDueDateIsCreditedAsLate(
        server, Crypto.XMR, MoneroRegtestIT::payAndConfirm);
  }

  @Test
  @Order(5)
  void aWalletStoppedMidRunIsShownAndRefusedAndCaughtUpWithWhenItReturns() {
    String slug = server.invoice("XMR", "");
    JsonNode payment = server.requestPayment(slug);
    String txid = chain.pay(payment.path("address").asText(), payment.path("amount").asText());
    server.awaitPayment(
        slug, "seen", p -> p.path("received").asText().equals(payment.path("amount").asText()));

    chain.stopMerchantWallet();
    Http http = server.http();
    Waiting.until(
        "XMR unreachable in /health",
        Duration.ofSeconds(30),
        () -> http.get("/health").json(),
        health -> health.path("payments").path("XMR").path("state").asText().equals("unreachable"));
    String refused = server.invoice("XMR", "");
    Http.Answer answer = server.merchant().post(API + "/invoice/rp/" + refused, "");
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.json().path("error").asText()).isEqualTo("payment.source_unavailable");

    // Blocks mined while the server cannot see them are read when the wallet returns.
    chain.confirm(txid, 2);
    chain.restartMerchantWallet();
    server.awaitPayment(
        slug, "paid after the wallet returned", p -> p.path("status").asText().equals("paid"));
    assertThat(http.get("/health").json().path("payments").path("XMR").path("state").asText())
        .isEqualTo("ok");
  }

  @Test
  @Order(6)
  void aServerRestartedBetweenPaymentAndConfirmationCountsThePaymentOnce() {
    String slug = server.invoice("XMR", "");
    JsonNode payment = server.requestPayment(slug);
    String txid = chain.pay(payment.path("address").asText(), payment.path("amount").asText());
    server.awaitPayment(
        slug, "seen", p -> p.path("received").asText().equals(payment.path("amount").asText()));

    server.stop();
    chain.confirm(txid, 3);
    server.start();

    server.awaitPayment(slug, "paid", p -> p.path("status").asText().equals("paid"));
    Waiting.pause(Duration.ofSeconds(1));
    assertThat(server.credits(slug))
        .containsExactly(Map.entry("payment", atomic(payment.path("amount").asText())));
  }

  @Test
  @Order(7)
  void theWalletPasswordReachesNoLogLineAndNoAnswer() {
    assertThat(server.logLines())
        .isNotEmpty()
        .noneMatch(line -> line.contains(MoneroRegtest.LOGIN_PASSWORD));
    assertThat(server.http().get("/health").body()).doesNotContain(MoneroRegtest.LOGIN_PASSWORD);
  }

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
    chain.confirm(chain.pay(address, amount), 2);
  }

  private static long atomic(String amount) {
    return RegtestScenarios.atomic(Crypto.XMR, amount);
  }
}
