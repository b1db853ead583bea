package mimbla.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import mimbla.testing.Receiver;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Automatic retries, when an operator turns them on: a persisted due time per retry, only after no
 * answer, 408, 429 or 5xx, and each retry recorded as an attempt of the same delivery.
 */
class WebhookRetryTest {
  static final String API = "/api/v1/merchant";

  TestServer server;
  Receiver receiver;

  @BeforeEach
  void start() {
    server = TestServer.start(StoreKind.SQLITE, Map.of("webhooks.retries", "300ms,300ms"));
    receiver = Receiver.start();
  }

  @AfterEach
  void stop() {
    receiver.close();
    server.close();
  }

  JsonNode settled(String slug) {
    server.await(
        "delivery of " + slug + " done",
        () -> {
          JsonNode log =
              server
                  .merchant
                  .get(API + "/invoice/" + slug + "/deliveries")
                  .json()
                  .get("deliveries");
          return !log.isEmpty() && log.get(0).get("state").asText().equals("done");
        });
    return server
        .merchant
        .get(API + "/invoice/" + slug + "/deliveries")
        .json()
        .get("deliveries")
        .get(0);
  }

  @Test
  void serverErrorsAreRetriedOnTheScheduleThenGivenUp() {
    receiver.answer(503);
    String slug =
        server.paidInvoice(server.merchant, "\"webhook_url\": \"" + receiver.url("/r") + "\"");

    JsonNode delivery = settled(slug);
    assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
    assertThat(delivery.get("outcome").asText()).isEqualTo("503");
    JsonNode attempts = delivery.get("attempt_log");
    assertThat(attempts).hasSize(3);
    assertThat(attempts.get(0).get("retry").asBoolean()).isFalse();
    assertThat(attempts.get(2).get("retry").asBoolean()).isTrue();
    assertThat(receiver.count()).isEqualTo(3);
  }

  @Test
  void aRetrySucceedsAndEndsTheDelivery() {
    receiver.answer(429);
    String slug =
        server.paidInvoice(server.merchant, "\"webhook_url\": \"" + receiver.url("/ok") + "\"");
    receiver.awaitRequest(Duration.ofSeconds(10));
    receiver.answer(204);

    JsonNode delivery = settled(slug);
    assertThat(delivery.get("attempts").asInt()).isEqualTo(2);
    assertThat(delivery.get("outcome").asText()).isEqualTo("204");
  }

  @Test
  void clientErrorsAndRedirectsAreNotRetried() {
    receiver.answer(404);
    String missing =
        server.paidInvoice(server.merchant, "\"webhook_url\": \"" + receiver.url("/404") + "\"");
    assertThat(settled(missing).get("attempts").asInt()).isEqualTo(1);

    receiver.redirect(301, "http://127.0.0.1:9/elsewhere");
    String moved =
        server.paidInvoice(server.merchant, "\"webhook_url\": \"" + receiver.url("/301") + "\"");
    assertThat(settled(moved).get("attempts").asInt()).isEqualTo(1);
    receiver.awaitRequests(2, Duration.ofSeconds(5));
    receiver.assertNoMoreWithin(Duration.ofMillis(900));
  }

  @Test
  void noAnswerAtAllIsRetried() {
    String url = "http://127.0.0.1:" + Receiver.refusingPort() + "/down";
    String slug = server.paidInvoice(server.merchant, "\"webhook_url\": \"" + url + "\"");

    JsonNode delivery = settled(slug);
    assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
    assertThat(delivery.get("outcome").asText()).isEqualTo("refused");
  }
}
