package mimbla.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import mimbla.business.Businesses;
import mimbla.chain.Crypto;
import mimbla.testing.Http;
import mimbla.testing.Receiver;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import mimbla.testing.TorNetwork;

/**
 * Onion delivery latency on the private Tor network, next to curl fetching the same onion URL
 * through the same client tor. Run by {@code bench/tor}, which writes {@code
 * docs/benchmarks-tor.md}.
 *
 * <p>Both sides are measured the same way: from opening the SOCKS connection to reading the status
 * line. For the server that is the attempt's recorded duration; for curl its {@code time_total}.
 * "First" means a circuit never used before: a new business for the server (its own SOCKS
 * credentials), a new SOCKS user name for curl, so Tor builds a new rendezvous circuit each time.
 * "Warm" repeats one business, or one user name, whose circuit is already built.
 */
public final class TorBench {
  private final int samples;
  private final StringBuilder out = new StringBuilder();

  private TorBench(int samples) {
    this.samples = samples;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].replaceFirst("^--", "");
      options.put(name, name.equals("quick") ? "true" : args[++i]);
    }
    int samples = options.containsKey("quick") ? 5 : 30;
    Path folder = Files.createTempDirectory("mimbla-tor-bench-");

    long started = System.nanoTime();
    try (TorNetwork network = TorNetwork.start(folder)) {
      double readySeconds = (System.nanoTime() - started) / 1e9;
      String fragment = new TorBench(samples).run(network, readySeconds);
      if (options.containsKey("out")) {
        Files.writeString(Path.of(options.get("out")), fragment);
      } else {
        System.out.print(fragment);
      }
    }
    System.exit(0);
  }

  /** Measures and returns the report's section. */
  private String run(TorNetwork network, double readySeconds) throws IOException {
    Map<String, String> settings = new HashMap<>();
    settings.put("tor.socks", "127.0.0.1:" + network.socks().getPort());
    settings.put("tor.control", "127.0.0.1:" + network.control().getPort());
    settings.put("webhooks.tor-connect-timeout", "60s");
    settings.put("webhooks.tor-timeout", "80s");
    settings.put("webhooks.lease", "3m");
    String url = "http://" + network.onionHost() + "/bench";

    List<Double> serverFirst = new ArrayList<>();
    List<Double> serverWarm = new ArrayList<>();
    List<Double> curlFirst = new ArrayList<>();
    List<Double> curlWarm = new ArrayList<>();
    double veryFirst;
    try (Receiver receiver = Receiver.startOn(network.onionTargetPort());
        TestServer server = TestServer.start(StoreKind.SQLITE, settings)) {
      // The very first delivery also fetches the onion service's descriptor.
      veryFirst = deliver(server, server.merchant, url);
      for (int i = 0; i < samples; i++) {
        Businesses.Issued fresh = server.newBusiness("first-" + i, Set.of(Crypto.BTC));
        serverFirst.add(deliver(server, server.as(fresh), url));
      }
      Businesses.Issued warm = server.newBusiness("warm", Set.of(Crypto.BTC));
      deliver(server, server.as(warm), url);
      for (int i = 0; i < samples; i++) {
        serverWarm.add(deliver(server, server.as(warm), url));
      }

      for (int i = 0; i < samples; i++) {
        curlFirst.add(curl(network, url, "curl-first-" + i));
      }
      curl(network, url, "curl-warm");
      for (int i = 0; i < samples; i++) {
        curlWarm.add(curl(network, url, "curl-warm"));
      }
      if (receiver.count() < 2L * samples + 2) {
        throw new IllegalStateException("the receiver saw " + receiver.count() + " requests");
      }
    }

    report(readySeconds, veryFirst, serverFirst, serverWarm, curlFirst, curlWarm);
    return out.toString();
  }

  /** One paid invoice's notification to the onion; its attempt's duration in milliseconds. */
  private static double deliver(TestServer server, Http business, String url) {
    String slug = server.paidInvoice(business, "\"webhook_url\": \"" + url + "\"");
    String path = "/api/v1/merchant/invoice/" + slug + "/deliveries";
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode attempts = business.get(path).json().get("deliveries").get(0).get("attempt_log");
      if (!attempts.isEmpty()) {
        JsonNode attempt = attempts.get(0);
        if (attempt.get("status").asInt() != 200) {
          throw new IllegalStateException("delivery failed: " + attempt);
        }
        return attempt.get("duration_ms").asDouble();
      }
      server.await("a moment", () -> true);
    }
    throw new IllegalStateException("no attempt of " + slug + " within 90 s");
  }

  /** curl's whole fetch through the client tor, in milliseconds. */
  private static double curl(TorNetwork network, String url, String user) throws IOException {
    Process curl =
        new ProcessBuilder(
                "curl",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code} %{time_total}",
                "--max-time",
                "90",
                "--socks5-hostname",
                "127.0.0.1:" + network.socks().getPort(),
                "--proxy-user",
                user + ":x",
                "-H",
                "Connection: close",
                url)
            .start();
    String[] answer =
        new String(curl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).split(" ");
    if (!answer[0].equals("200")) {
      throw new IllegalStateException("curl got " + String.join(" ", answer));
    }
    return Double.parseDouble(answer[1]) * 1000;
  }

  private void report(
      double readySeconds,
      double veryFirst,
      List<Double> serverFirst,
      List<Double> serverWarm,
      List<Double> curlFirst,
      List<Double> curlWarm) {
    out.append("## Onion delivery through Tor\n\n")
        .append(
            "A private Tor network on loopback (`TorNetwork`: 3 authorities, 3 exits, a client, an"
                + " onion service in front of a receiver; ready in %.0f s this run). The server"
                    .formatted(readySeconds))
        .append(
            " (in-process, SQLite) sends paid invoices' notifications to the onion through the"
                + " client tor; curl fetches the same URL through the same SOCKS port with"
                + " `--socks5-hostname`. Both are timed from opening the SOCKS connection to the"
                + " status line: the attempt's recorded duration, and curl's `time_total` (from the"
                + " start of its transfer, not of its process). *First*: a circuit never used before (a new business,"
                + " or a new SOCKS user name for curl). *Warm*: one business, or one user name,"
                + " again. %d samples each; the very first delivery, which also fetched the"
                    .formatted(serverFirst.size())
                + " onion's descriptor, took %s.\n\n".formatted(ms(veryFirst)))
        .append(
            "| circuit | server p50 | server p90 | curl p50 | curl p90 | server ÷ curl (p50) |\n")
        .append("| --- | --- | --- | --- | --- | --- |\n")
        .append(row("first", serverFirst, curlFirst))
        .append(row("warm", serverWarm, curlWarm))
        .append('\n');
  }

  private static String row(String name, List<Double> server, List<Double> curl) {
    return "| %s | %s | %s | %s | %s | %.2f |\n"
        .formatted(
            name,
            ms(percentile(server, 0.5)),
            ms(percentile(server, 0.9)),
            ms(percentile(curl, 0.5)),
            ms(percentile(curl, 0.9)),
            percentile(server, 0.5) / percentile(curl, 0.5));
  }

  private static double percentile(List<Double> values, double fraction) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(fraction * sorted.size()) - 1;
    return sorted.get(Math.max(0, index));
  }

  private static String ms(double millis) {
    return String.format(Locale.ROOT, "%.1f ms", millis);
  }
}
