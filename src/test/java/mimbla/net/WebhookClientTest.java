package mimbla.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import mimbla.testing.Receiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One webhook attempt over real loopback sockets, with the faults a merchant's endpoint can have:
 * refused, hung, reset, slow, closed without answer, redirecting, or TLS with a certificate no one
 * signed. Each ends the attempt with an outcome; none throws.
 */
class WebhookClientTest {
  static final Duration CONNECT = Duration.ofSeconds(2);
  static final Duration TOTAL = Duration.ofMillis(1500);

  /** Fake DNS for names; counts lookups so a test can prove none happened. */
  static final class FakeDns implements Resolver {
    final Map<String, List<InetAddress>> names;
    final AtomicInteger lookups = new AtomicInteger();

    FakeDns(Map<String, List<InetAddress>> names) {
      this.names = names;
    }

    @Override
    public List<InetAddress> resolve(String name) throws UnknownHostException {
      lookups.incrementAndGet();
      List<InetAddress> addresses = names.get(name);
      if (addresses == null) {
        throw new UnknownHostException(name + ": no such name (fake DNS)");
      }
      return addresses;
    }
  }

  Receiver receiver;
  FakeDns dns;
  WebhookClient client;

  @BeforeEach
  void start() throws UnknownHostException {
    receiver = Receiver.start();
    dns =
        new FakeDns(
            Map.of(
                "receiver.test", List.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 1})),
                "private.test", List.of(InetAddress.getByAddress(new byte[] {10, 1, 2, 3}))));
    client = clientAllowing("127.0.0.0/8");
  }

  WebhookClient clientAllowing(String ranges) {
    return WebhookClient.create(CONNECT, TOTAL, IpRange.parseList(ranges), dns, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    client.close();
    receiver.close();
  }

  @Test
  void sendsOnlyTheRequestLineHostAndConnection() {
    Outcome outcome = client.send(receiver.url("/a/b%20c/;p?q=%41&r=&&s#top"), "business-1");

    assertThat(outcome.httpStatus()).hasValue(200);
    assertThat(outcome.failure()).isEmpty();
    assertThat(outcome.route()).isEqualTo("direct");
    Receiver.Received request = receiver.awaitRequest(Duration.ofSeconds(5));
    assertThat(request.raw())
        .isEqualTo(
            "GET /a/b%20c/;p?q=%41&r=&&s HTTP/1.1\r\nHost: 127.0.0.1:"
                + receiver.port()
                + "\r\nConnection: close\r\n\r\n");
  }

  @Test
  void aNameIsResolvedOnceAndTheCheckedAddressIsTheOneConnectedTo() {
    String url = "http://receiver.test:" + receiver.port() + "/named";
    Outcome outcome = client.send(url, "b");

    assertThat(outcome.httpStatus()).hasValue(200);
    assertThat(dns.lookups).hasValue(1);
    assertThat(receiver.awaitRequest(Duration.ofSeconds(5)).raw())
        .startsWith("GET /named HTTP/1.1\r\nHost: receiver.test:" + receiver.port() + "\r\n");
  }

  @Test
  void anyStatusIsTheOutcomeAndRedirectsAreNotFollowed() {
    Receiver target = Receiver.start();
    try {
      receiver.redirect(307, target.url("/next"));
      Outcome outcome = client.send(receiver.url("/"), "b");

      assertThat(outcome.httpStatus()).hasValue(307);
      target.assertNoMoreWithin(Duration.ofMillis(300));
    } finally {
      target.close();
    }
    receiver.answer(503);
    assertThat(client.send(receiver.url("/"), "b").httpStatus()).hasValue(503);
    assertThat(receiver.count()).isEqualTo(2);
  }

  @Test
  void aRedirectTowardPrivateSpaceIsOnlyRecorded() {
    receiver.redirect(302, "http://169.254.169.254/latest/meta-data/");
    Outcome outcome = client.send(receiver.url("/"), "b");

    assertThat(outcome.httpStatus()).hasValue(302);
    assertThat(receiver.count()).isEqualTo(1);
  }

  @Test
  void aRefusedConnectionIsAnOutcome() {
    Outcome outcome = client.send("http://127.0.0.1:" + Receiver.refusingPort() + "/", "b");

    assertThat(outcome.httpStatus()).isEmpty();
    assertThat(outcome.failure().orElseThrow().kind()).isEqualTo("refused");
    assertThat(outcome.retryable()).isTrue();
  }

  @Test
  void aHungEndpointTimesOutAfterTheTotalTimeout() {
    receiver.hang();
    Outcome outcome = client.send(receiver.url("/hang"), "b");

    assertThat(outcome.failure().orElseThrow().kind()).isEqualTo("timeout");
    assertThat(outcome.duration()).isBetween(TOTAL.minusMillis(100), TOTAL.plusSeconds(3));
    assertThat(receiver.count()).as("one attempt, never repeated").isEqualTo(1);
  }

  @Test
  void headersArrivingTooSlowlyTimeOut() {
    receiver.slowHeaders(Duration.ofMillis(100));
    Outcome outcome = client.send(receiver.url("/slow"), "b");

    assertThat(outcome.failure().orElseThrow().kind()).isEqualTo("timeout");
    assertThat(outcome.duration()).isLessThan(TOTAL.plusSeconds(3));
  }

  @Test
  void aResetIsAnOutcome() {
    receiver.reset();
    Outcome outcome = client.send(receiver.url("/reset"), "b");

    assertThat(outcome.failure().orElseThrow().kind()).isIn("reset", "protocol");
    assertThat(receiver.count()).isEqualTo(1);
  }

  @Test
  void aConnectionClosedWithoutAnswerIsAProtocolFailure() {
    receiver.closeWithoutAnswer();
    Outcome outcome = client.send(receiver.url("/closed"), "b");

    assertThat(outcome.failure().orElseThrow().kind()).isEqualTo("protocol");
    assertThat(receiver.count()).as("not retried on a fresh connection").isEqualTo(1);
  }

  @Test
  void aSelfSignedCertificateIsATlsFailure() {
    try (Receiver tls = Receiver.startTls(Receiver.selfSigned())) {
      Outcome outcome = client.send(tls.url("/secure"), "b");

      assertThat(outcome.failure().orElseThrow().kind()).isEqualTo("tls");
      assertThat(tls.count()).isZero();
    }
  }

  @Test
  void privateSpaceIsRefusedBeforeAnyPacketLeaves() {
    WebhookClient strict = clientAllowing("");
    try {
      for (String url :
          List.of(
              receiver.url("/"),
              "http://2130706433:" + receiver.port() + "/",
              "http://0x7f.1:" + receiver.port() + "/",
              "http://[::ffff:127.0.0.1]:" + receiver.port() + "/",
              "http://localhost:" + receiver.port() + "/",
              "http://private.test/")) {
        Outcome outcome = strict.send(url, "b");
        assertThat(outcome.failure().orElseThrow().kind()).as(url).isEqualTo("blocked");
        assertThat(outcome.retryable()).isFalse();
      }
      assertThat(receiver.connections()).isZero();
    } finally {
      strict.close();
    }
  }

  @Test
  void aNameThatDoesNotResolveIsADnsFailure() {
    Outcome outcome = client.send("http://nowhere.test/", "b");

    assertThat(outcome.failure().orElseThrow().kind()).isEqualTo("dns");
  }

  @Test
  void onionHostsAreNeverLookedUpLocally() {
    String onion = "http://" + "a".repeat(56) + ".onion/paid";
    Outcome outcome = client.send(onion, "b");

    assertThat(outcome.failure().orElseThrow().kind()).isEqualTo("tor_off");
    assertThat(outcome.route()).isEqualTo("tor");
    assertThat(dns.lookups).hasValue(0);
  }

  @Test
  void aUrlTheClientWouldRewriteIsNotSent() {
    Outcome outcome = client.send(receiver.url("/a/../b"), "b");

    assertThat(outcome.failure().orElseThrow().kind()).isEqualTo("url");
    assertThat(receiver.connections()).isZero();
  }
}
