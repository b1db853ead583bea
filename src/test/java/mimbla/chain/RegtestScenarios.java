package mimbla.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Payment stories that read the same on every real chain: only how a payer pays and how blocks come
 * differ, and the chain's test gives that as a {@link Payer}.
 */
final class RegtestScenarios {
  private static final Duration CREDIT_WAIT = Duration.ofSeconds(60);

  private RegtestScenarios() {}

  /** Pays the amount to the address and brings it two confirmations, the tests' requirement. */
  interface Payer {
    void payAndConfirm(String address, String amount);
  }

  /** A second payment to a paid invoice's address is credited as an overpayment, not lost. */
  static void twoPaymentsToOneAddressAreBothCredited(
      ChainServer server, Crypto crypto, Payer payer) {
    String slug = server.invoice(crypto.name(), "");
    JsonNode payment = server.requestPayment(slug);
    String address = payment.path("address").asText();
    String amount = payment.path("amount").asText();

    payer.payAndConfirm(address, amount);
    server.awaitPayment(slug, "paid", p -> p.path("status").asText().equals("paid"));
    payer.payAndConfirm(address, amount);

    Waiting.until(
        slug + " second payment credited",
        CREDIT_WAIT,
        () -> server.credits(slug),
        credits -> credits.containsKey("overpaid"));
    assertThat(server.credits(slug))
        .containsOnly(
            Map.entry("payment", atomic(crypto, amount)),
            Map.entry("overpaid", atomic(crypto, amount)));
    assertThat(server.historyKinds(slug)).contains("overpaid");
  }

  /** Money that arrives after the due date canceled the invoice is credited as late, not lost. */
  static void aPaymentAfterTheDueDateIsCreditedAsLate(
      ChainServer server, Crypto crypto, Payer payer) {
    String today =
        DateTimeFormatter.ofPattern("MM/dd/yyyy")
            .format(server.clock.instant().atOffset(ZoneOffset.UTC));
    String slug = server.invoice(crypto.name(), "\"due_date\": \"" + today + "\"");
    JsonNode payment = server.requestPayment(slug);
    String amount = payment.path("amount").asText();

    server.clock.advance(Duration.ofDays(2));
    server.awaitPayment(slug, "overdue", p -> p.path("status").asText().equals("overdue"));
    assertThat(server.invoice(slug).path("status").asText()).isEqualTo("canceled");

    payer.payAndConfirm(payment.path("address").asText(), amount);
    Waiting.until(
        slug + " late payment credited",
        CREDIT_WAIT,
        () -> server.credits(slug),
        credits -> credits.containsKey("late_payment"));
    assertThat(server.credits(slug))
        .containsExactly(Map.entry("late_payment", atomic(crypto, amount)));
    assertThat(server.invoice(slug).path("status").asText()).isEqualTo("canceled");
  }

  static long atomic(Crypto crypto, String amount) {
    return crypto.atomic(new BigDecimal(amount)).orElseThrow();
  }
}
