package mimbla.invoice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import mimbla.testing.Http;
import mimbla.testing.Http.Answer;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Invoices and payments moving through their states as sandbox money arrives and due dates pass:
 * paid, underpaid, late, paid twice, expired. Money is never dropped. Runs once per store.
 */
abstract class PaymentLifecycleContract {
  static final String API = "/api/v1/merchant";

  TestServer server;
  Http merchant;

  abstract StoreKind kind();

  @BeforeEach
  void startServer() {
    // A fresh server per test: these tests move the clock.
    server = TestServer.start(kind());
    merchant = server.merchant;
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** Creates a 26 USD BTC invoice due on the given day and requests its payment (0.0004 BTC). */
  String[] btcInvoice(String dueDate) {
    String slug =
        merchant
            .post(
                API + "/invoice",
                "{\"amount\": 26, \"crypto\": \"BTC\", \"due_date\": \"" + dueDate + "\"}")
            .text("id");
    Answer payment = merchant.post(API + "/invoice/rp/" + slug, "");
    assertThat(payment.text("amount")).isEqualTo("0.00040000");
    return new String[] {slug, payment.text("address")};
  }

  Answer pay(String address, String amount, Integer confirmations) {
    String body =
        "{\"address\": \""
            + address
            + "\", \"amount\": \""
            + amount
            + "\""
            + (confirmations == null ? "" : ", \"confirmations\": " + confirmations)
            + "}";
    Answer answer = server.http.post("/api/v1/sandbox/pay", body);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    return answer;
  }

  JsonNode invoice(String slug) {
    return merchant.get(API + "/invoice/" + slug).json();
  }

  List<String> events(String slug) {
    return merchant
        .get(API + "/invoice/" + slug + "/history")
        .json()
        .get("history")
        .findValuesAsText("event");
  }

  long credited(String kind) {
    return server.count(
        "SELECT COALESCE(SUM(amount_atomic), 0) FROM ledger_entry WHERE kind = '" + kind + "'");
  }

  void awaitStatus(String slug, String invoiceStatus, String paymentStatus) {
    server.await(
        "invoice " + slug + " " + invoiceStatus + "/" + paymentStatus,
        () -> {
          JsonNode invoice = invoice(slug);
          return invoice.get("status").asText().equals(invoiceStatus)
              && invoice.at("/payment/status").asText().equals(paymentStatus);
        });
  }

  @Test
  void fullyConfirmedPaymentMakesPaymentAndInvoicePaid() {
    String[] invoice = btcInvoice("06/30/2026");

    pay(invoice[1], "0.0004", null);

    awaitStatus(invoice[0], "paid", "paid");
    JsonNode payment = invoice(invoice[0]).get("payment");
    assertThat(payment.get("received").asText()).isEqualTo("0.00040000");
    assertThat(payment.get("confirmations").asInt()).isEqualTo(2);
    assertThat(events(invoice[0]))
        .containsExactly("created", "payment_requested", "funds_seen", "funds_confirmed", "paid");
    assertThat(credited("payment")).isEqualTo(40_000);
  }

  @Test
  void paymentWaitsForTheConfiguredConfirmations() {
    String[] invoice = btcInvoice("06/30/2026");

    pay(invoice[1], "0.0004", 0);
    server.await(
        "funds seen",
        () -> invoice(invoice[0]).at("/payment/received").asText().equals("0.00040000"));
    assertThat(invoice(invoice[0]).at("/payment/status").asText()).isEqualTo("pending");
    assertThat(invoice(invoice[0]).get("status").asText()).isEqualTo("unpaid");

    server.http.post("/api/v1/sandbox/mine", "{\"blocks\": 1}");
    server.await(
        "one confirmation", () -> invoice(invoice[0]).at("/payment/confirmations").asInt() == 1);
    assertThat(invoice(invoice[0]).get("status").asText()).isEqualTo("unpaid");
    assertThat(credited("payment")).isZero();

    server.http.post("/api/v1/sandbox/mine", "{}");
    awaitStatus(invoice[0], "paid", "paid");
    assertThat(credited("payment")).isEqualTo(40_000);
  }

  @Test
  void twoPartsThatAddUpPayTheInvoice() {
    String[] invoice = btcInvoice("06/30/2026");

    pay(invoice[1], "0.00015", null);
    server.await(
        "first part",
        () -> invoice(invoice[0]).at("/payment/received").asText().equals("0.00015000"));
    assertThat(invoice(invoice[0]).get("status").asText()).isEqualTo("unpaid");
    pay(invoice[1], "0.00025", null);

    awaitStatus(invoice[0], "paid", "paid");
    assertThat(credited("partial_payment") + credited("payment")).isEqualTo(40_000);
  }

  @Test
  void shortPaymentIsCreditedAndTheInvoiceExpiresAtItsDueDate() {
    String[] invoice = btcInvoice("06/15/2026");
    pay(invoice[1], "0.0001", null);
    server.await(
        "short payment",
        () -> invoice(invoice[0]).at("/payment/received").asText().equals("0.00010000"));

    server.clock.advance(Duration.ofHours(12).plusMinutes(1));

    awaitStatus(invoice[0], "canceled", "overdue");
    assertThat(events(invoice[0])).endsWith("underpaid", "expired");
    assertThat(credited("partial_payment")).isEqualTo(10_000);
  }

  @Test
  void latePaymentIsCreditedAndRecordedWithoutReopeningTheInvoice() {
    String[] invoice = btcInvoice("06/15/2026");
    server.clock.advance(Duration.ofDays(1));
    awaitStatus(invoice[0], "canceled", "overdue");

    pay(invoice[1], "0.0004", null);

    server.await("late payment", () -> events(invoice[0]).contains("late_payment"));
    assertThat(invoice(invoice[0]).get("status").asText()).isEqualTo("canceled");
    assertThat(invoice(invoice[0]).at("/payment/status").asText()).isEqualTo("overdue");
    assertThat(credited("late_payment")).isEqualTo(40_000);
  }

  @Test
  void secondPaymentToAPaidAddressIsCreditedAsOverpayment() {
    String[] invoice = btcInvoice("06/30/2026");
    pay(invoice[1], "0.0004", null);
    awaitStatus(invoice[0], "paid", "paid");

    pay(invoice[1], "0.0004", null);

    server.await("overpayment", () -> events(invoice[0]).contains("overpaid"));
    assertThat(credited("payment")).isEqualTo(40_000);
    assertThat(credited("overpaid")).isEqualTo(40_000);
    assertThat(invoice(invoice[0]).at("/payment/received").asText()).isEqualTo("0.00080000");
  }

  @Test
  void paymentAboveTheAmountPaysAndRecordsTheExcess() {
    String[] invoice = btcInvoice("06/30/2026");

    pay(invoice[1], "0.0005", null);

    awaitStatus(invoice[0], "paid", "paid");
    assertThat(events(invoice[0])).endsWith("paid", "overpaid");
    assertThat(credited("payment")).isEqualTo(50_000);
  }

  @Test
  void unpaidInvoiceWithoutPaymentIsCanceledAfterItsDueDate() {
    String slug =
        merchant
            .post(API + "/invoice", "{\"amount\": 10, \"due_date\": \"06/16/2026\"}")
            .text("id");

    server.clock.advance(Duration.ofDays(1));
    server.mimbla.wakeBackgroundWork();
    assertThat(invoice(slug).get("status").asText()).isEqualTo("unpaid");

    server.clock.advance(Duration.ofHours(12).plusSeconds(1));
    server.await("expiry", () -> invoice(slug).get("status").asText().equals("canceled"));
    assertThat(invoice(slug).get("payment").isNull()).isTrue();
    assertThat(events(slug)).containsExactly("created", "expired");
    assertThat(merchant.post(API + "/invoice/rp/" + slug, "{\"crypto\":\"BTC\"}").text("error"))
        .isEqualTo("invoice.not_unpaid");
  }

  @Test
  void paymentSeenInFullBeforeTheDueDateGetsTimeToConfirm() {
    String[] invoice = btcInvoice("06/15/2026");
    pay(invoice[1], "0.0004", 0);
    server.await(
        "seen", () -> invoice(invoice[0]).at("/payment/received").asText().equals("0.00040000"));

    server.clock.advance(Duration.ofHours(13));
    server.mimbla.wakeBackgroundWork();
    server.http.post("/api/v1/sandbox/mine", "{\"blocks\": 2}");

    awaitStatus(invoice[0], "paid", "paid");
  }

  @Test
  void paymentSeenInFullButNeverConfirmedExpiresAfterTheGracePeriod() {
    String[] invoice = btcInvoice("06/15/2026");
    pay(invoice[1], "0.0004", 0);
    server.await(
        "seen", () -> invoice(invoice[0]).at("/payment/received").asText().equals("0.00040000"));

    server.clock.advance(Duration.ofHours(12 + 25));

    awaitStatus(invoice[0], "canceled", "overdue");
    server.http.post("/api/v1/sandbox/mine", "{\"blocks\": 5}");
    server.await("late confirmation", () -> events(invoice[0]).contains("late_payment"));
    assertThat(credited("late_payment")).isEqualTo(40_000);
  }

  @Test
  void paidInvoiceCannotBeDeleted() {
    String[] invoice = btcInvoice("06/30/2026");
    pay(invoice[1], "0.0004", null);
    awaitStatus(invoice[0], "paid", "paid");

    Answer refused = merchant.delete(API + "/invoice/" + invoice[0]);

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json())
        .isEqualTo(Http.parse("{\"error\":\"Invoice is paid, cannot be deleted\"}"));
    assertThat(merchant.post(API + "/invoice/rp/" + invoice[0], "").text("error"))
        .isEqualTo("invoice.not_unpaid");
  }
}
