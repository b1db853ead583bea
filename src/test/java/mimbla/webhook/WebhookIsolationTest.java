package mimbla.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import mimbla.testing.Receiver;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A merchant whose endpoint hangs holds only its own share of senders: other merchants'
 * notifications go out at once while it hangs, and its own queued notifications wait for room
 * instead of piling onto the hung host.
 */
class WebhookIsolationTest {
  TestServer server;
  Receiver hung;
  Receiver healthy;

  @BeforeEach
  void start() {
    server =
        TestServer.start(
            StoreKind.SQLITE, Map.of("webhooks.per-host", "2", "webhooks.timeout", "20s"));
    hung = Receiver.start().hang();
    healthy = Receiver.start();
  }

  @AfterEach
  void stop() {
    hung.close();
    healthy.close();
    server.close();
  }

  @Test
  void aHungEndpointDelaysNoOtherMerchant() {
    for (int i = 0; i < 5; i++) {
      server.paidInvoice(server.merchant, "\"webhook_url\": \"" + hung.url("/stuck/" + i) + "\"");
    }
    hung.awaitRequests(2, Duration.ofSeconds(10));

    // "localhost" is another host name than "127.0.0.1", so it has its own share.
    String url = "http://localhost:" + healthy.port() + "/fine";
    long paidAt = System.nanoTime();
    server.paidInvoice(server.merchant, "\"webhook_url\": \"" + url + "\"");
    Receiver.Received arrived = healthy.awaitRequest(Duration.ofSeconds(5));

    assertThat(Duration.ofNanos(arrived.nanoTime() - paidAt)).isLessThan(Duration.ofSeconds(5));
    hung.assertNoMoreWithin(Duration.ofMillis(500));
    assertThat(hung.count()).as("only the host's share is in flight").isEqualTo(2);
    assertThat(server.count("SELECT COUNT(*) FROM delivery WHERE state = 'due'")).isEqualTo(3);
  }
}
