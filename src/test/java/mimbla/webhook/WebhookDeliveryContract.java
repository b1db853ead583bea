package mimbla.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mimbla.invoice.Invoice;
import mimbla.testing.Http;
import mimbla.testing.Http.Answer;
import mimbla.testing.Receiver;
import mimbla.testing.ServerPerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Paid invoices notify their webhook over real sockets: the bare GET on the wire, the delivery log,
 * redelivery, refusals at creation, the reachability test and the metrics. Runs once per store.
 */
abstract class WebhookDeliveryContract extends ServerPerClass {
  static final String API = "/api/v1/merchant";
  static final Duration WAIT = Duration.ofSeconds(15);

  Receiver receiver;

  @BeforeEach
  void startReceiver() {
    receiver = Receiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  String webhook(String url) {
    return "\"webhook_url\": \"" + url + "\"";
  }

  JsonNode deliveries(String slug) {
    Answer answer = merchant.get(API + "/invoice/" + slug + "/deliveries");
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.json();
  }

  /** Waits until the invoice's deliveries are all done, then returns the log. */
  JsonNode settledDeliveries(String slug) {
    server.await(
        "deliveries of " + slug + " done",
        () -> {
          JsonNode all = deliveries(slug).get("deliveries");
          if (all.isEmpty()) {
            return false;
          }
          for (JsonNode delivery : all) {
            if (!delivery.get("state").asText().equals("done")) {
              return false;
            }
          }
          return true;
        });
    return deliveries(slug);
  }

  @Test
  void paidInvoiceNotifiesItsWebhookOnceWithABareGet() {
    String url = receiver.url("/webhook/id/Order-7?token=a%2Fb&x=1");
    String slug = server.paidInvoice(merchant, webhook(url + "#fragment"));

    Receiver.Received request = receiver.awaitRequest(WAIT);
    assertThat(request.raw())
        .isEqualTo(
            "GET /webhook/id/Order-7?token=a%2Fb&x=1 HTTP/1.1\r\n"
                + "Host: 127.0.0.1:"
                + receiver.port()
                + "\r\nConnection: close\r\n\r\n");
    receiver.assertNoMoreWithin(Duration.ofMillis(800));

    JsonNode log = settledDeliveries(slug);
    assertThat(log.get("invoice").asText()).isEqualTo(slug);
    JsonNode delivery = log.get("deliveries").get(0);
    assertThat(log.get("deliveries")).hasSize(1);
    assertThat(delivery.get("kind").asText()).isEqualTo("notification");
    assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
    assertThat(delivery.get("outcome").asText()).isEqualTo("200");
    JsonNode attempt = delivery.get("attempt_log").get(0);
    assertThat(attempt.get("status").asInt()).isEqualTo(200);
    assertThat(attempt.get("route").asText()).isEqualTo("direct");
    assertThat(attempt.get("error_kind").isNull()).isTrue();
    assertThat(attempt.get("redelivery").asBoolean()).isFalse();
    assertThat(attempt.get("reclaimed").asBoolean()).isFalse();
    assertThat(attempt.get("duration_ms").asDouble()).isGreaterThanOrEqualTo(0);
  }

  @Test
  void invoiceWithoutWebhookOwesNoDelivery() {
    String slug = server.paidInvoice(merchant, "");

    assertThat(deliveries(slug).get("deliveries")).isEmpty();
    assertThat(deliveries(slug).get("webhook_url").isNull()).isTrue();
  }

  @Test
  void anyStatusEndsTheOneAttemptAndRedirectsAreNotFollowed() {
    Receiver target = Receiver.start();
    try {
      receiver.redirect(302, target.url("/elsewhere"));
      String slug = server.paidInvoice(merchant, webhook(receiver.url("/moved")));

      JsonNode delivery = settledDeliveries(slug).get("deliveries").get(0);
      assertThat(delivery.get("outcome").asText()).isEqualTo("302");
      assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
      target.assertNoMoreWithin(Duration.ofMillis(500));
    } finally {
      target.close();
    }

    receiver.answer(500);
    String failed = server.paidInvoice(merchant, webhook(receiver.url("/broken")));
    JsonNode delivery = settledDeliveries(failed).get("deliveries").get(0);
    assertThat(delivery.get("outcome").asText()).isEqualTo("500");
    assertThat(delivery.get("attempts").asInt()).as("retries are off by default").isEqualTo(1);
  }

  @Test
  void refusedConnectionIsRecordedAsTheOutcome() {
    String url = "http://127.0.0.1:" + Receiver.refusingPort() + "/hook";
    String slug = server.paidInvoice(merchant, webhook(url));

    JsonNode delivery = settledDeliveries(slug).get("deliveries").get(0);
    assertThat(delivery.get("outcome").asText()).isEqualTo("refused");
    JsonNode attempt = delivery.get("attempt_log").get(0);
    assertThat(attempt.get("status").isNull()).isTrue();
    assertThat(attempt.get("error_kind").asText()).isEqualTo("refused");
    assertThat(attempt.get("error").asText()).isNotBlank();
  }

  @Test
  void merchantCanAskForARedelivery() {
    String slug = server.paidInvoice(merchant, webhook(receiver.url("/again")));
    receiver.awaitRequest(WAIT);
    settledDeliveries(slug);

    Answer asked = merchant.post(API + "/invoice/" + slug + "/deliveries", "");
    assertThat(asked.status()).as(asked.toString()).isEqualTo(202);
    assertThat(asked.text("kind")).isEqualTo("redelivery");

    Receiver.Received again = receiver.awaitRequest(WAIT);
    assertThat(again.raw()).startsWith("GET /again HTTP/1.1\r\n");
    JsonNode log = settledDeliveries(slug).get("deliveries");
    assertThat(log).hasSize(2);
    assertThat(log.get(1).get("kind").asText()).isEqualTo("redelivery");
    assertThat(log.get(1).get("attempt_log").get(0).get("redelivery").asBoolean()).isTrue();
    assertThat(log.get(1).get("attempt_log").get(0).get("status").asInt()).isEqualTo(200);
  }

  @Test
  void redeliveryIsRefusedWhileOneIsWaiting() {
    receiver.hang();
    String slug = server.paidInvoice(merchant, webhook(receiver.url("/slow")));
    receiver.awaitRequest(WAIT);

    Answer refused = merchant.post(API + "/invoice/" + slug + "/deliveries", "");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.text("error")).isEqualTo("delivery.pending");
  }

  @Test
  void redeliveryNeedsAPaidInvoiceWithAWebhook() {
    String unpaid = server.unpaidInvoice(merchant, webhook(receiver.url("/x")));
    Answer notPaid = merchant.post(API + "/invoice/" + unpaid + "/deliveries", "");
    assertThat(notPaid.status()).isEqualTo(409);
    assertThat(notPaid.text("error")).isEqualTo("delivery.not_paid");

    String bare = server.paidInvoice(merchant, "");
    Answer noWebhook = merchant.post(API + "/invoice/" + bare + "/deliveries", "");
    assertThat(noWebhook.status()).isEqualTo(409);
    assertThat(noWebhook.text("error")).isEqualTo("delivery.no_webhook");
    assertThat(deliveries(unpaid).get("deliveries")).isEmpty();
    assertThat(deliveries(bare).get("deliveries")).isEmpty();
  }

  @Test
  void anotherBusinessSeesNoDeliveries() {
    String slug = server.paidInvoice(merchant, webhook(receiver.url("/mine")));
    Http other = server.as(server.newBusiness("other-" + System.nanoTime(), java.util.Set.of()));

    for (Answer answer :
        java.util.List.of(
            other.get(API + "/invoice/" + slug + "/deliveries"),
            other.post(API + "/invoice/" + slug + "/deliveries", ""),
            merchant.get(API + "/invoice/NOSUCHSLUG12/deliveries"),
            merchant.get(API + "/invoice/x%27%20OR%201=1/deliveries"))) {
      assertThat(answer.status()).as(answer.toString()).isEqualTo(404);
    }
    assertThat(server.http.get(API + "/invoice/" + slug + "/deliveries").status()).isEqualTo(401);
  }

  @Test
  void webhookUrlsIntoPrivateSpaceAreRefusedAtCreation() {
    long before = server.count("SELECT COUNT(*) FROM invoice");
    for (String url :
        java.util.List.of(
            "http://10.0.0.1/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://[::ffff:10.0.0.1]/",
            "http://0x0a000001/",
            "https://192.168.1.1:8443/paid",
            "http://[fd00:ec2::254]/")) {
      Answer refused = merchant.post(API + "/invoice", "{\"amount\": 26, " + webhook(url) + "}");
      assertThat(refused.status()).as(url).isEqualTo(400);
      assertThat(refused.text("error")).isEqualTo("invoice.webhook_url_invalid");
      assertThat(refused.text("message")).startsWith("webhook_url ").contains("not allowed");
    }
    assertThat(server.count("SELECT COUNT(*) FROM invoice")).isEqualTo(before);
  }

  @Test
  void webhookUrlsTheClientWouldRewriteAreRefusedWithTheSpellingItWouldSend() {
    Answer refused =
        merchant.post(
            API + "/invoice",
            "{\"amount\": 26, " + webhook("http://127.0.0.1:9/a/./b/../c?q=1") + "}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.text("message")).contains("\"/a/c?q=1\"");
  }

  @Test
  void reachabilityTestSendsTheSameBareGetAndReportsTheOutcome() {
    Answer result =
        merchant.post(API + "/webhook/test", "{\"url\": \"" + receiver.url("/probe?a=1") + "\"}");

    assertThat(result.status()).as(result.toString()).isEqualTo(200);
    assertThat(result.json().get("reachable").asBoolean()).isTrue();
    assertThat(result.json().get("status").asInt()).isEqualTo(200);
    assertThat(result.text("route")).isEqualTo("direct");
    assertThat(receiver.awaitRequest(WAIT).raw())
        .isEqualTo(
            "GET /probe?a=1 HTTP/1.1\r\nHost: 127.0.0.1:"
                + receiver.port()
                + "\r\nConnection: close\r\n\r\n");
  }

  @Test
  void reachabilityTestReportsWhyNoAnswerCame() {
    String url = "http://127.0.0.1:" + Receiver.refusingPort() + "/";
    Answer result = merchant.post(API + "/webhook/test", "{\"url\": \"" + url + "\"}");

    assertThat(result.status()).isEqualTo(200);
    assertThat(result.json().get("reachable").asBoolean()).isFalse();
    assertThat(result.text("error_kind")).isEqualTo("refused");
    assertThat(result.json().get("status").isNull()).isTrue();
  }

  @Test
  void reachabilityTestRefusesWhatInvoiceCreationRefuses() {
    for (String body :
        java.util.List.of(
            "{}",
            "{\"url\": null}",
            "{\"url\": 5}",
            "{\"url\": \"ftp://example.com/\"}",
            "{\"url\": \"http://10.9.8.7/\"}",
            "{\"url\": \"http://user:pw@example.com/\"}",
            "{\"url\": \"" + "http://example.com/" + "a".repeat(3000) + "\"}",
            "[1,2]",
            "{\"url\": ")) {
      Answer answer = merchant.post(API + "/webhook/test", body);
      assertThat(answer.status()).as(body).isEqualTo(400);
      assertThat(answer.text("message")).as(body).isNotBlank();
    }
  }

  @Test
  void aDeliveryWhoseLeaseRanOutIsSentAgainAndMarkedReclaimed() {
    String slug = server.unpaidInvoice(merchant, webhook(receiver.url("/orphan")));
    String invoiceId =
        server
            .mimbla
            .store()
            .read(
                h ->
                    h.createQuery("SELECT id FROM invoice WHERE slug = :slug")
                        .bind("slug", slug)
                        .mapTo(String.class)
                        .one());
    // A row a node claimed and then died with: still 'sending', its lease already over.
    server
        .mimbla
        .store()
        .useTransaction(
            h ->
                h.execute(
                    "INSERT INTO delivery (id, invoice_id, business_id, kind, url, host, state, due_at,"
                        + " lease_owner, attempts, outcome, created_at, updated_at) SELECT"
                        + " 'orphan-"
                        + slug
                        + "', id, business_id, 'notification', webhook_url,"
                        + " '127.0.0.1', 'sending', 1, 'node-dead', 0, NULL, 1, 1 FROM invoice"
                        + " WHERE id = ?",
                    invoiceId));
    server.mimbla.dispatcher().wake();

    assertThat(receiver.awaitRequest(WAIT).raw()).startsWith("GET /orphan HTTP/1.1");
    JsonNode attempt = settledDeliveries(slug).get("deliveries").get(0).get("attempt_log").get(0);
    assertThat(attempt.get("reclaimed").asBoolean()).isTrue();
    assertThat(attempt.get("node").asText()).isEqualTo(server.mimbla.dispatcher().node());
  }

  @Test
  void aHostGetsAtMostItsShareAtOnceAndEveryDeliveryIsLeasedOnce() {
    int perHost = 16; // webhooks.per-host's default, which the test server keeps
    int total = perHost + 4;
    receiver.delay(Duration.ofSeconds(2));
    List<String> slugs = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      slugs.add(server.unpaidInvoice(merchant, webhook(receiver.url("/share/" + i))));
    }
    List<Invoice> invoices =
        slugs.stream()
            .map(slug -> server.mimbla.invoices().find(server.shop.business(), slug).invoice())
            .toList();
    Outbox outbox =
        new Outbox(server.mimbla.store().dialect(), server.clock, server.mimbla.dispatcher()::wake);
    server.mimbla.store().useTransaction(h -> invoices.forEach(i -> outbox.invoicePaid(h, i)));

    assertThat(receiver.awaitRequests(perHost, WAIT)).hasSize(perHost);
    receiver.assertNoMoreWithin(Duration.ofMillis(500));
    assertThat(receiver.awaitRequests(total, WAIT)).hasSize(total);
    for (String slug : slugs) {
      JsonNode log = settledDeliveries(slug).get("deliveries");
      assertThat(log).hasSize(1);
      assertThat(log.get(0).get("attempt_log")).hasSize(1);
      assertThat(log.get(0).get("attempt_log").get(0).get("reclaimed").asBoolean()).isFalse();
    }
  }

  @Test
  void metricsCountDeliveriesByOutcomeInPrometheusText() {
    String slug = server.paidInvoice(merchant, webhook(receiver.url("/counted")));
    settledDeliveries(slug);

    Answer metrics = server.http.get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.contentType()).startsWith("text/plain");
    assertThat(metrics.body())
        .containsPattern("mimbla_webhook_deliveries_total\\{outcome=\"2xx\"\\} [1-9]")
        .contains("mimbla_webhook_delivery_duration_seconds_bucket")
        .contains("mimbla_webhook_queue_depth")
        .contains("mimbla_webhook_in_flight")
        .doesNotContain("127.0.0.1");
  }

  @Test
  void inFlightGaugeStillReadsAfterGarbageCollection() {
    // A gauge holds its state weakly unless told otherwise; a collected one reads NaN.
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    assertThat(server.http.get("/metrics").body())
        .containsPattern("(?m)^mimbla_webhook_in_flight 0\\.0$");
  }
}
