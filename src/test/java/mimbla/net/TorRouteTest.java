package mimbla.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mimbla.testing.Receiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Tor route against a scripted SOCKS5 server (a fake Tor, see {@link ScriptedSocks}): what goes
 * into the SOCKS request, how every reply code is recorded, and that nothing Tor-routed ever takes
 * another way. The same paths against a real Tor network are in {@code mimbla.tor.TorDeliveryIT}.
 */
class TorRouteTest {
  static final String ONION = OnionAddress.of(new byte[32]);
  static final Duration CONNECT = Duration.ofSeconds(2);
  static final Duration TOTAL = Duration.ofSeconds(3);

  final FakeDns dns = new FakeDns();

  WebhookClient client(TorMode mode, TorLink tor) {
    return WebhookClient.create(
        CONNECT,
        TOTAL,
        IpRange.parseList("127.0.0.0/8"),
        dns,
        Clock.systemUTC(),
        new TorAccess(mode, Optional.of(tor), CONNECT, TOTAL));
  }

  @Test
  void theNameAndTheBusinessGoToTorAndTheRequestIsTheBareGet() throws IOException {
    try (ScriptedSocks tor = ScriptedSocks.replying(0);
        WebhookClient client = client(TorMode.ONION, tor)) {
      Outcome outcome = client.send("http://" + ONION + "/paid?order=7", "business-1");

      assertThat(outcome.httpStatus()).hasValue(200);
      assertThat(outcome.route()).isEqualTo("tor");
      assertThat(tor.requests)
          .containsExactly(
              new ScriptedSocks.Request("mimbla:business-1", "isolation", 3, ONION, 80));
      assertThat(tor.httpRequests)
          .containsExactly(
              "GET /paid?order=7 HTTP/1.1\r\nHost: " + ONION + "\r\nConnection: close\r\n\r\n");
      assertThat(dns.asked).isEmpty();
    }
  }

  @Test
  void businessesGetTheirOwnCredentials() throws IOException {
    try (ScriptedSocks tor = ScriptedSocks.replying(0);
        WebhookClient client = client(TorMode.ONION, tor)) {
      client.send("http://" + ONION + "/", "a");
      client.send("http://" + ONION + "/", "b");

      assertThat(tor.requests)
          .extracting(ScriptedSocks.Request::username)
          .containsExactly("mimbla:a", "mimbla:b");
    }
  }

  @ParameterizedTest
  @CsvSource({
    "0x01, tor_failure",
    "0x02, tor_not_allowed",
    "0x03, tor_network_unreachable",
    "0x04, tor_host_unreachable",
    "0x05, tor_refused",
    "0x06, tor_ttl_expired",
    "0x07, tor_protocol",
    "0x08, tor_protocol",
    "0xF0, onion_not_found",
    "0xF1, onion_descriptor_invalid",
    "0xF2, onion_intro_failed",
    "0xF3, onion_rendezvous_failed",
    "0xF4, onion_auth_missing",
    "0xF5, onion_auth_wrong",
    "0xF6, onion_bad_address",
    "0xF7, onion_intro_timeout",
    "0x42, tor_failure"
  })
  void everyTorReplyIsRecordedWithItsMeaning(String code, String kind) throws IOException {
    int reply = Integer.decode(code);
    try (ScriptedSocks tor = ScriptedSocks.replying(reply);
        WebhookClient client = client(TorMode.ONION, tor)) {
      Outcome outcome = client.send("http://" + ONION + "/", "b");

      assertThat(outcome.failure().orElseThrow().kind()).isEqualTo(kind);
      assertThat(outcome.failure().orElseThrow().message())
          .startsWith("Tor: ")
          .contains("SOCKS5 reply 0x%02X".formatted(reply));
      assertThat(outcome.route()).isEqualTo("tor");
    }
  }

  @Test
  void withEveryWebhookThroughTorAClearnetHostIsNeverReachedDirectly() throws IOException {
    try (Receiver receiver = Receiver.start();
        ScriptedSocks tor = ScriptedSocks.replying(0x05);
        WebhookClient client = client(TorMode.ALL, tor)) {
      Outcome outcome = client.send(receiver.url("/paid"), "b");

      assertThat(outcome.failure().orElseThrow().kind()).isEqualTo("tor_refused");
      assertThat(tor.requests).extracting(ScriptedSocks.Request::host).containsExactly("127.0.0.1");
      assertThat(tor.requests).extracting(ScriptedSocks.Request::addressType).containsExactly(3);
      receiver.assertNoMoreWithin(Duration.ofMillis(200));
      assertThat(receiver.connections()).isZero();
    }
  }

  @Test
  void withEveryWebhookThroughTorANameIsHandedToTorUnresolved() throws IOException {
    try (ScriptedSocks tor = ScriptedSocks.replying(0x04);
        WebhookClient client = client(TorMode.ALL, tor)) {
      Outcome outcome = client.send("https://public.example/paid", "b");

      assertThat(outcome.failure().orElseThrow().kind()).isEqualTo("tor_host_unreachable");
      assertThat(tor.requests)
          .containsExactly(
              new ScriptedSocks.Request("mimbla:b", "isolation", 3, "public.example", 443));
      assertThat(dns.asked).isEmpty();
    }
  }

  @Test
  void aTorThatIsNotListeningFailsAtOnceAndNothingGoesDirect() throws IOException {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    TorLink gone = link(new InetSocketAddress("127.0.0.1", closedPort), Optional.empty());
    try (Receiver receiver = Receiver.start();
        WebhookClient client = client(TorMode.ALL, gone)) {
      Outcome outcome = client.send(receiver.url("/paid"), "b");

      assertThat(outcome.failure().orElseThrow().kind()).isEqualTo("tor_unreachable");
      assertThat(outcome.failure().orElseThrow().message()).contains("SOCKS port 127.0.0.1:");
      assertThat(receiver.connections()).isZero();
    }
  }

  @Test
  void aSilentTorEndsTheAttemptAtTheConnectTimeout() throws IOException {
    try (ScriptedSocks tor = ScriptedSocks.silent();
        WebhookClient client = client(TorMode.ONION, tor)) {
      Outcome outcome = client.send("http://" + ONION + "/", "b");

      assertThat(outcome.failure().orElseThrow().kind()).isEqualTo("tor_timeout");
      assertThat(outcome.duration()).isLessThan(Duration.ofSeconds(30));
    }
  }

  @Test
  void aTorThatIsNotReadySaysWhyInsteadOfHanging() throws IOException {
    try (ScriptedSocks tor = ScriptedSocks.replying(0)) {
      TorLink bootstrapping = link(tor.socks(), Optional.of("Tor is bootstrapping (45%: loading)"));
      try (WebhookClient client = client(TorMode.ONION, bootstrapping)) {
        Outcome outcome = client.send("http://" + ONION + "/", "b");

        assertThat(outcome.failure().orElseThrow().kind()).isEqualTo("tor_not_ready");
        assertThat(outcome.failure().orElseThrow().message()).contains("45%");
        assertThat(tor.requests).isEmpty();
      }
    }
  }

  @Test
  void withTorOffAnOnionFailsWithoutAnyLookup() {
    try (WebhookClient client =
        WebhookClient.create(CONNECT, TOTAL, List.of(), dns, Clock.systemUTC())) {
      Outcome outcome = client.send("http://" + ONION + "/", "b");

      assertThat(outcome.failure().orElseThrow().kind()).isEqualTo("tor_off");
      assertThat(outcome.retryable()).isFalse();
      assertThat(dns.asked).isEmpty();
    }
  }

  @Test
  void onionRoutingLeavesTheClearnetDirect() throws IOException {
    try (Receiver receiver = Receiver.start();
        ScriptedSocks tor = ScriptedSocks.replying(0);
        WebhookClient client = client(TorMode.ONION, tor)) {
      Outcome outcome = client.send(receiver.url("/direct"), "b");

      assertThat(outcome.route()).isEqualTo("direct");
      assertThat(outcome.httpStatus()).hasValue(200);
      assertThat(tor.requests).isEmpty();
    }
  }

  @Test
  void creationRulesFollowTheMode() throws IOException {
    try (ScriptedSocks tor = ScriptedSocks.replying(0)) {
      Map<TorMode, WebhookUrls> rules =
          Map.of(
              TorMode.OFF,
                  WebhookClient.create(CONNECT, TOTAL, List.of(), dns, Clock.systemUTC()).urls(),
              TorMode.ONION, client(TorMode.ONION, tor).urls(),
              TorMode.ALL, client(TorMode.ALL, tor).urls());
      String onion = "http://" + ONION + "/paid";
      String internal = "http://10.0.0.7/paid";

      assertThat(rules.get(TorMode.OFF).refusal(onion))
          .hasValueSatisfying(reason -> assertThat(reason).contains("Tor is off"));
      assertThat(rules.get(TorMode.ONION).refusal(onion)).isEmpty();
      assertThat(rules.get(TorMode.ONION).refusal(internal)).isPresent();
      assertThat(rules.get(TorMode.ALL).refusal(internal)).isEmpty();
      assertThat(rules.get(TorMode.ALL).refusal("http://b" + ONION.substring(1) + "/"))
          .hasValueSatisfying(reason -> assertThat(reason).contains("checksum"));
      assertThat(dns.asked).isEmpty();
    }
  }

  private static TorLink link(InetSocketAddress socks, Optional<String> notReady) {
    return new TorLink() {
      @Override
      public InetSocketAddress socks() {
        return socks;
      }

      @Override
      public Optional<String> awaitReady(Duration max) {
        return notReady;
      }
    };
  }
}
