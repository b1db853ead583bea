package mimbla.tor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import mimbla.Mimbla;
import mimbla.config.RawSettings;
import mimbla.config.Settings;
import mimbla.testing.Http;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What a server configured for Tor does when Tor cannot be had: no Tor listening, Tor switched off,
 * a tor binary that is missing or refuses its configuration. None of these needs a Tor network; the
 * tor binary is only started with a configuration it rejects before touching any network.
 */
class TorTroubleTest {
  /** A valid v3 address (all-zero key): nobody publishes it. */
  static final String ONION = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaam2dqd.onion";

  @TempDir Path folder;

  @Test
  void anUnreachableTorShowsInHealthAndOnionDeliveriesFailAtOnce() throws IOException {
    ListAppender<ILoggingEvent> startUp = new ListAppender<>();
    Logger torLog = (Logger) LoggerFactory.getLogger(ExternalTor.class);
    torLog.addAppender(startUp);
    startUp.start();
    try (TestServer server =
        TestServer.start(StoreKind.SQLITE, Map.of("tor.socks", "127.0.0.1:" + closedPort()))) {
      assertThat(startUp.list)
          .anySatisfy(
              line -> {
                assertThat(line.getLevel()).isEqualTo(Level.WARN);
                assertThat(line.getFormattedMessage())
                    .startsWith("tor: Tor's SOCKS port cannot be reached")
                    .contains("Tor-routed webhooks fail until it is fixed");
              });

      Http.Answer health = server.http.get("/health");
      JsonNode tor = health.json().get("tor");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().get("status").asText()).isEqualTo("degraded");
      assertThat(tor.get("mode").asText()).isEqualTo("onion");
      assertThat(tor.get("source").asText()).isEqualTo("external");
      assertThat(tor.get("state").asText()).isEqualTo("unreachable");
      assertThat(tor.get("problem").asText()).contains("SOCKS port cannot be reached");

      String slug =
          server.paidInvoice(server.merchant, "\"webhook_url\": \"http://" + ONION + "/paid\"");
      server.await("the attempt", () -> !attempts(server, slug).isEmpty());
      JsonNode attempt = attempts(server, slug).get(0);
      assertThat(attempt.get("route").asText()).isEqualTo("tor");
      assertThat(attempt.get("error_kind").asText()).isEqualTo("tor_unreachable");
      assertThat(attempt.get("error").asText()).contains("Tor's SOCKS port 127.0.0.1:");
    } finally {
      torLog.detachAppender(startUp);
    }
  }

  @Test
  void withTorOffOnionWebhooksAreRefusedAtCreationSayingSo() {
    try (TestServer server = TestServer.start(StoreKind.SQLITE)) {
      Http.Answer created =
          server.merchant.post(
              "/api/v1/merchant/invoice",
              "{\"amount\": 26, \"webhook_url\": \"http://" + ONION + "/paid\"}");

      assertThat(created.status()).isEqualTo(400);
      assertThat(created.body()).contains("invoice.webhook_url_invalid").contains("Tor is off");
      assertThat(server.http.get("/health").json().get("tor").get("mode").asText())
          .isEqualTo("off");
    }
  }

  @Test
  void aMistypedOnionIsRefusedAtCreationWhenTorIsOn() throws IOException {
    try (TestServer server =
        TestServer.start(StoreKind.SQLITE, Map.of("tor.socks", "127.0.0.1:" + closedPort()))) {
      String typo = "b" + ONION.substring(1);
      Http.Answer created =
          server.merchant.post(
              "/api/v1/merchant/invoice",
              "{\"amount\": 26, \"webhook_url\": \"https://" + typo + "/paid\"}");

      assertThat(created.status()).isEqualTo(400);
      assertThat(created.body()).contains("checksum");
    }
  }

  @Test
  void aMissingTorBinaryStopsStartUpNamingIt() {
    Settings settings = settings(Map.of("tor.launch", "true", "tor.binary", "/nonexistent/tor"));

    assertThatThrownBy(() -> Mimbla.start(settings, Clock.systemUTC()))
        .isInstanceOf(TorException.class)
        .hasMessageContaining("cannot run '/nonexistent/tor'")
        .hasMessageContaining("tor.binary");
  }

  @Test
  void aTorThatRefusesItsConfigurationStopsStartUpWithItsOwnWords() throws IOException {
    Path extra = Files.writeString(folder.resolve("extra-torrc"), "NoSuchTorOption 1\n");
    Settings settings = settings(Map.of("tor.launch", "true", "tor.config-file", extra.toString()));

    assertThatThrownBy(() -> Mimbla.start(settings, Clock.systemUTC()))
        .isInstanceOf(TorException.class)
        .hasMessageContaining("exited with code 1 before it bootstrapped")
        .hasMessageContaining("NoSuchTorOption");
    assertThat(folder.resolve("data/tor/torrc")).content().contains("%include " + extra);
  }

  private Settings settings(Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>();
    values.put("data.dir", folder.resolve("data").toString());
    values.put("server.port", "0");
    values.put("sandbox.enabled", "true");
    values.put("rates.provider", "fixed");
    values.putAll(overrides);
    RawSettings raw = RawSettings.defaults();
    values.forEach((key, value) -> raw.with(key, value, "test"));
    return Settings.from(raw);
  }

  private static JsonNode attempts(TestServer server, String slug) {
    JsonNode log = server.merchant.get("/api/v1/merchant/invoice/" + slug + "/deliveries").json();
    return log.get("deliveries").get(0).get("attempt_log");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0)) {
      return probe.getLocalPort();
    }
  }
}
