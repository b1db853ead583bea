package mimbla.tor;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mimbla.business.Businesses;
import mimbla.chain.Crypto;
import mimbla.cli.Main;
import mimbla.net.Resolver;
import mimbla.testing.Http;
import mimbla.testing.Receiver;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import mimbla.testing.TorNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Webhooks through a real Tor network on loopback ({@link TorNetwork}: authorities, exits, a client
 * with SafeSocks and TestSocks, an onion service in front of a receiver). Nothing here is faked:
 * the server talks SOCKS5 to a real tor, which builds real circuits.
 */
class TorDeliveryIT {
  static final String DEAD_ONION = TorNetwork.unpublishedOnion();

  static final Duration ARRIVAL = Duration.ofSeconds(90);
  static final Pattern STREAM =
      Pattern.compile("^STREAM (\\d+) SUCCEEDED (\\d+) (\\S+).*SOCKS_USERNAME=\"([^\"]*)\"");

  static TorNetwork network;
  static CountingResolver dns;
  static TestServer server;

  @TempDir Path folder;

  /** The system's resolver, remembering every name it was asked for. */
  static final class CountingResolver implements Resolver {
    final List<String> asked = new CopyOnWriteArrayList<>();

    @Override
    public List<InetAddress> resolve(String name) throws UnknownHostException {
      asked.add(name);
      return Resolver.system().resolve(name);
    }
  }

  @BeforeAll
  static void startNetworkAndServer() {
    network = TorNetwork.shared();
    dns = new CountingResolver();
    server = TestServer.start(StoreKind.SQLITE, torSettings("onion"), dns);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  static Map<String, String> torSettings(String mode) {
    Map<String, String> settings = new HashMap<>();
    settings.put("tor", mode);
    settings.put("tor.socks", address(network.socks().getPort()));
    settings.put("tor.control", address(network.control().getPort()));
    settings.put("webhooks.tor-connect-timeout", "60s");
    settings.put("webhooks.tor-timeout", "80s");
    settings.put("webhooks.lease", "3m");
    return settings;
  }

  @Test
  void healthShowsTheOperatorsTorReadyWithItsBootstrap() {
    Http.Answer health = server.http.get("/health");
    JsonNode tor = health.json().get("tor");

    assertThat(health.json().get("status").asText()).isEqualTo("ok");
    assertThat(tor.get("mode").asText()).isEqualTo("onion");
    assertThat(tor.get("source").asText()).isEqualTo("external");
    assertThat(tor.get("state").asText()).isEqualTo("ready");
    assertThat(tor.get("bootstrap").asInt()).isEqualTo(100);
    assertThat(tor.has("problem")).isFalse();
  }

  @Test
  void aPaidInvoiceIsNotifiedThroughTheOnionServiceWithTheBareGet() throws IOException {
    long goodSocksBefore = goodSocksLines();
    try (Receiver receiver = Receiver.startOn(network.onionTargetPort())) {
      String url = "http://" + network.onionHost() + "/paid/42?token=a%20b&x=";
      String slug = server.paidInvoice(server.merchant, "\"webhook_url\": \"" + url + "\"");

      Receiver.Received request = receiver.awaitRequest(ARRIVAL);
      assertThat(request.raw())
          .isEqualTo(
              "GET /paid/42?token=a%20b&x= HTTP/1.1\r\nHost: "
                  + network.onionHost()
                  + "\r\nConnection: close\r\n\r\n");
      JsonNode attempt = awaitAttempt(server, server.merchant, slug);
      assertThat(attempt.get("route").asText()).isEqualTo("tor");
      assertThat(attempt.get("status").asInt()).isEqualTo(200);
    }
    assertThat(goodSocksLines()).isGreaterThan(goodSocksBefore);
    assertThat(unsafeSocksLines()).isZero();
    assertThat(dns.asked).noneMatch(name -> name.endsWith(".onion"));
  }

  @Test
  void aDeadOnionIsRecordedWithTorsOwnReason() {
    String slug =
        server.paidInvoice(server.merchant, "\"webhook_url\": \"http://" + DEAD_ONION + "/paid\"");

    JsonNode attempt = awaitAttempt(server, server.merchant, slug);
    assertThat(attempt.get("route").asText()).isEqualTo("tor");
    assertThat(attempt.get("error_kind").asText()).isEqualTo("onion_not_found");
    assertThat(attempt.get("error").asText())
        .contains("onion service descriptor not found")
        .contains("0xF0");
  }

  @Test
  void twoBusinessesNeverShareACircuit() throws IOException {
    Businesses.Issued first = server.newBusiness("first", Set.of(Crypto.BTC));
    Businesses.Issued second = server.newBusiness("second", Set.of(Crypto.BTC));
    String url = "\"webhook_url\": \"http://" + network.onionHost() + "/isolated\"";

    try (TorControl control = TorControl.open(network.control(), Duration.ofSeconds(10));
        Receiver receiver = Receiver.startOn(network.onionTargetPort())) {
      control.command("SETEVENTS STREAM");
      server.paidInvoice(server.as(first), url);
      server.paidInvoice(server.as(second), url);
      receiver.awaitRequests(2, ARRIVAL);

      Map<String, Set<String>> circuits = circuitsByUsername(control, first, second);
      assertThat(circuits.get("mimbla:" + first.business().id())).isNotEmpty();
      assertThat(circuits.get("mimbla:" + second.business().id())).isNotEmpty();
      assertThat(circuits.get("mimbla:" + first.business().id()))
          .doesNotContainAnyElementsOf(circuits.get("mimbla:" + second.business().id()));
    }
  }

  @Test
  void withEveryWebhookThroughTorAClearnetUrlLeavesThroughAnExit() {
    try (TestServer all = TestServer.start(StoreKind.SQLITE, torSettings("all"), dns);
        Receiver receiver = Receiver.start()) {
      receiver.identifyPeers();
      String slug =
          all.paidInvoice(all.merchant, "\"webhook_url\": \"" + receiver.url("/all?n=1") + "\"");

      Receiver.Received request = receiver.awaitRequest(ARRIVAL);
      assertThat(request.raw()).startsWith("GET /all?n=1 HTTP/1.1\r\n");
      assertThat(request.peerPid()).isPresent();
      assertThat(network.exitPids()).contains(request.peerPid().getAsLong());
      assertThat(request.peerPid().getAsLong()).isNotEqualTo(ProcessHandle.current().pid());
      assertThat(awaitAttempt(all, all.merchant, slug).get("route").asText()).isEqualTo("tor");
    }
  }

  @Test
  void withEveryWebhookThroughTorANameIsNeverLookedUpHere() throws IOException {
    long goodSocksBefore = goodSocksLines();
    try (TestServer all = TestServer.start(StoreKind.SQLITE, torSettings("all"), dns)) {
      // The exits resolve through 127.0.0.1, where no DNS server answers: the name fails there.
      String slug =
          all.paidInvoice(
              all.merchant, "\"webhook_url\": \"http://merchant.mimbla-test.invalid/paid\"");

      JsonNode attempt = awaitAttempt(all, all.merchant, slug);
      assertThat(attempt.get("route").asText()).isEqualTo("tor");
      assertThat(attempt.get("error_kind").asText()).startsWith("tor_");
    }
    assertThat(dns.asked).doesNotContain("merchant.mimbla-test.invalid");
    assertThat(goodSocksLines()).isGreaterThan(goodSocksBefore);
    assertThat(unsafeSocksLines()).isZero();
  }

  @Test
  void theReachabilityTestTakesTheTorRouteAndReportsTorsError() throws IOException {
    try (Receiver receiver = Receiver.startOn(network.onionTargetPort())) {
      Http.Answer reached =
          server.merchant.post(
              "/api/v1/merchant/webhook/test",
              "{\"url\": \"http://" + network.onionHost() + "/reachable\"}");
      assertThat(reached.status()).isEqualTo(200);
      assertThat(reached.json().get("route").asText()).isEqualTo("tor");
      assertThat(reached.json().get("status").asInt()).isEqualTo(200);
      assertThat(receiver.awaitRequest(ARRIVAL).raw()).startsWith("GET /reachable HTTP/1.1");
    }

    Http.Answer dead =
        server.merchant.post(
            "/api/v1/merchant/webhook/test", "{\"url\": \"http://" + DEAD_ONION + "/\"}");
    assertThat(dead.json().get("reachable").asBoolean()).isFalse();
    assertThat(dead.json().get("route").asText()).isEqualTo("tor");
    assertThat(dead.json().get("error_kind").asText()).isEqualTo("onion_not_found");

    Path config = Files.writeString(folder.resolve("mimbla.properties"), configText("onion"));
    StringWriter out = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(out, true),
            new PrintWriter(new StringWriter(), true),
            "webhook",
            "test",
            "--config",
            config.toString(),
            "http://" + DEAD_ONION + "/");
    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("onion_not_found").contains("(route tor)");
  }

  @Test
  void aLaunchedTorJoinsBootstrapsDeliversAndIsRestartedWhenItDies() throws IOException {
    Path joinLines = Files.write(folder.resolve("join-torrc"), network.joinLines());
    Map<String, String> settings = new HashMap<>();
    settings.put("tor.launch", "true");
    settings.put("tor.config-file", joinLines.toString());
    settings.put("tor.bootstrap-timeout", "90s");
    settings.put("webhooks.tor-connect-timeout", "60s");
    settings.put("webhooks.tor-timeout", "80s");
    settings.put("webhooks.lease", "3m");

    ListAppender<ILoggingEvent> progress = new ListAppender<>();
    Logger torLog = (Logger) LoggerFactory.getLogger(LaunchedTor.class);
    torLog.addAppender(progress);
    progress.start();
    ProcessHandle launched;
    try (TestServer own = TestServer.start(StoreKind.SQLITE, settings);
        Receiver receiver = Receiver.startOn(network.onionTargetPort())) {
      torLog.detachAppender(progress);
      assertThat(progress.list)
          .extracting(ILoggingEvent::getFormattedMessage)
          .anyMatch(line -> line.startsWith("tor: launched tor (pid "))
          .anyMatch(line -> line.matches("tor: bootstrapped [1-9][0-9]?% \\(.*\\)"))
          .anyMatch(line -> line.startsWith("tor: bootstrapped 100% "));
      JsonNode tor = own.http.get("/health").json().get("tor");
      assertThat(tor.get("source").asText()).isEqualTo("launched");
      assertThat(tor.get("state").asText()).isEqualTo("ready");
      assertThat(tor.get("bootstrap").asInt()).isEqualTo(100);
      String url = "\"webhook_url\": \"http://" + network.onionHost() + "/launched\"";
      own.paidInvoice(own.merchant, url);
      assertThat(receiver.awaitRequest(ARRIVAL).raw()).startsWith("GET /launched HTTP/1.1");

      launched = launchedTor();
      launched.destroyForcibly();
      own.await("the launched tor to be noticed gone", () -> !state(own).equals("ready"));
      awaitLong(own, "the launched tor to be back", () -> state(own).equals("ready"));
      assertThat(launchedTor().pid()).isNotEqualTo(launched.pid());

      own.paidInvoice(own.merchant, url);
      assertThat(receiver.awaitRequest(ARRIVAL).raw()).startsWith("GET /launched HTTP/1.1");
      launched = launchedTor();
    }
    assertThat(launched.isAlive()).isFalse();
  }

  // Helpers.

  private static ProcessHandle launchedTor() {
    List<ProcessHandle> tors =
        ProcessHandle.current()
            .children()
            .filter(child -> child.info().command().orElse("").endsWith("/tor"))
            .filter(ProcessHandle::isAlive)
            .toList();
    assertThat(tors).as("tor processes this JVM started itself").hasSize(1);
    return tors.get(0);
  }

  private static String state(TestServer own) {
    return own.http.get("/health").json().get("tor").get("state").asText();
  }

  private static void awaitLong(
      TestServer own, String what, java.util.function.BooleanSupplier ok) {
    long deadline = System.nanoTime() + ARRIVAL.toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + ARRIVAL.toSeconds() + " s waiting for " + what);
      }
      own.await("a moment", () -> true);
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** The notification's first attempt, once it has one (Tor attempts may take tens of seconds). */
  private static JsonNode awaitAttempt(TestServer on, Http business, String slug) {
    String path = "/api/v1/merchant/invoice/" + slug + "/deliveries";
    awaitLong(on, "an attempt of " + slug, () -> attempts(business, path).size() > 0);
    return attempts(business, path).get(0);
  }

  private static JsonNode attempts(Http business, String path) {
    return business.get(path).json().get("deliveries").get(0).get("attempt_log");
  }

  private static Map<String, Set<String>> circuitsByUsername(
      TorControl control, Businesses.Issued... businesses) throws IOException {
    Map<String, Set<String>> circuits = new HashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (circuits.size() < businesses.length && System.nanoTime() < deadline) {
      var event = control.nextEvent(Duration.ofSeconds(2));
      if (event.isEmpty()) {
        continue;
      }
      Matcher matcher = STREAM.matcher(event.get());
      if (matcher.find()) {
        circuits.computeIfAbsent(matcher.group(4), name -> new HashSet<>()).add(matcher.group(2));
      }
    }
    return circuits;
  }

  private static String configText(String mode) {
    StringBuilder text = new StringBuilder();
    torSettings(mode)
        .forEach((key, value) -> text.append(key).append(" = ").append(value).append('\n'));
    return text.toString();
  }

  /** TestSocks' line for a request that handed Tor a name to resolve. */
  private static long goodSocksLines() throws IOException {
    return count("This is good.");
  }

  /** SafeSocks' and TestSocks' lines for a request that gave Tor only an IP address. */
  private static long unsafeSocksLines() throws IOException {
    return count("giving Tor only an IP address");
  }

  private static long count(String text) throws IOException {
    try (var lines = Files.lines(network.clientLog())) {
      return lines.filter(line -> line.contains(text)).count();
    }
  }

  private static String address(int port) {
    return "127.0.0.1:" + port;
  }
}
