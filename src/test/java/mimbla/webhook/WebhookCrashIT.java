package mimbla.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import mimbla.testing.Http;
import mimbla.testing.Receiver;
import mimbla.testing.Receiver.Received;
import mimbla.testing.ServerProcess;
import mimbla.testing.StoreKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kill the server with SIGKILL while notifications are due or in flight; after restart every one of
 * them is sent. A receiver may see a duplicate after a crash, never a silence.
 *
 * <p>Runs the packaged server as a real process, once on SQLite and once on PostgreSQL. The webhook
 * receiver hangs at first: with {@code webhooks.per-host=2} the server has exactly two
 * notifications in flight (their GETs arrived, no answer yet) and the other eighteen due. The test
 * checks that this is so, then kills the process with SIGKILL well before the hung attempts could
 * time out, so no shutdown hook runs and nothing is recorded. The receiver then answers 200 and a
 * second process starts on the same database. What is proven:
 *
 * <ul>
 *   <li>every one of the twenty webhook paths arrives after the kill: the outbox row was committed
 *       with the payment, and neither a due nor an in-flight row is lost with the process;
 *   <li>after the restart each path arrives exactly once: the two in flight at the kill are the
 *       only duplicates the receiver sees (reported in the output), and nothing else is sent twice;
 *   <li>the delivery log shows every delivery {@code done} with one attempt, made by the new node,
 *       marked {@code reclaimed: true} exactly for the two sent before the crash, so a merchant
 *       knows which ones may have arrived twice;
 *   <li>on SQLite, which one server owns, the in-flight rows are due again as soon as it starts; on
 *       PostgreSQL, where the dead node might be alive, they are sent only after their lease ran
 *       out, and then they are.
 * </ul>
 *
 * On SQLite the restarted server claims all twenty rows in one go and gives back those the per-host
 * limit leaves no room for; the two reclaimed rows must keep their mark through that (they lost it
 * until this test caught it). The lease (20 s) is just longer than the 15 s timeout plus the 2 s
 * connect timeout, as the settings require, which bounds the PostgreSQL run at about half a minute;
 * the test asserts that the kill came at least 5 s before the hung attempts could have timed out.
 */
class WebhookCrashIT {
  static final String API = ProcessInvoices.API;
  static final int INVOICES = 20;
  static final int PER_HOST = 2;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration TIMEOUT = Duration.ofSeconds(15);
  static final Duration LEASE = Duration.ofSeconds(20);

  /** Time the hung attempts must still have before timing out when the kill comes. */
  static final Duration MARGIN = Duration.ofSeconds(5);

  /** Slack for measuring a server's lease from the moment its request reached the receiver. */
  static final Duration SLACK = Duration.ofSeconds(1);

  @TempDir Path folder;

  private final List<ServerProcess> servers = new ArrayList<>();
  private Receiver receiver;
  private StoreKind kind;
  private Map<String, String> database;

  @AfterEach
  void stopEverything() {
    servers.forEach(ServerProcess::close);
    ServerProcess.keepLogs(folder, "WebhookCrashIT-" + (kind == null ? "none" : kind.label()));
    if (receiver != null) {
      receiver.close();
    }
    if (database != null) {
      kind.drop(database);
    }
  }

  private Map<String, String> settings(Path data, int port) {
    Map<String, String> settings = new HashMap<>(database);
    settings.put("server.host", "127.0.0.1");
    settings.put("server.port", String.valueOf(port));
    settings.put("data.dir", data.toString());
    settings.put("sandbox.enabled", "true");
    settings.put("rates.provider", "fixed");
    settings.put("payments.poll-interval", "200ms");
    settings.put("webhooks.allow-ranges", "127.0.0.0/8");
    settings.put("webhooks.connect-timeout", CONNECT_TIMEOUT.toSeconds() + "s");
    settings.put("webhooks.timeout", TIMEOUT.toSeconds() + "s");
    settings.put("webhooks.lease", LEASE.toSeconds() + "s");
    settings.put("webhooks.poll-interval", "500ms");
    settings.put("webhooks.per-host", String.valueOf(PER_HOST));
    return settings;
  }

  private ServerProcess start(String name, Path data) {
    int port = ServerProcess.freePort();
    Path config =
        ServerProcess.writeConfig(folder.resolve(name + ".properties"), settings(data, port));
    ServerProcess server = ServerProcess.launch(name, config, folder, port);
    servers.add(server);
    server.awaitReady();
    return server;
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(StoreKind.class)
  void everyNotificationDueOrInFlightAtASigkillIsSentAfterTheRestart(StoreKind store)
      throws IOException {
    kind = store;
    long began = System.nanoTime();
    Path data = Files.createDirectories(folder.resolve("data"));
    database = store.freshDatabase(data);
    Path setup =
        ServerProcess.writeConfig(
            folder.resolve("setup.properties"), settings(data, ServerProcess.freePort()));
    String key = ServerProcess.createBusiness(setup, folder, "shop");

    receiver = Receiver.start().hang();
    ServerProcess first = start("first", data);
    Http merchant = first.http().with("MB-API-KEY", key);

    Map<String, String> slugByPath = new LinkedHashMap<>();
    for (int i = 1; i <= INVOICES; i++) {
      String path = "/n/" + i;
      slugByPath.put(path, ProcessInvoices.create(merchant, receiver.url(path)));
    }
    slugByPath.values().parallelStream()
        .forEach(slug -> ProcessInvoices.pay(merchant, first.http(), slug));
    ProcessInvoices.awaitPaid(merchant, slugByPath.values(), Duration.ofSeconds(20));

    // Two in flight (the receiver holds their connections open), the other eighteen due.
    List<Received> hung = receiver.awaitRequests(PER_HOST, Duration.ofSeconds(10));
    receiver.assertNoMoreWithin(Duration.ofMillis(500));
    assertThat(hung).as("requests in flight before the kill").hasSize(PER_HOST);
    Map<String, Received> inFlight =
        hung.stream().collect(Collectors.toMap(Received::path, Function.identity()));
    assertThat(inFlight).as("distinct paths in flight").hasSize(PER_HOST);

    long firstHung = hung.stream().mapToLong(Received::nanoTime).min().orElseThrow();
    long killAt = System.nanoTime();
    assertThat(Duration.ofNanos(killAt - firstHung))
        .as("the kill comes while the receiver still hangs, long before the attempts time out")
        .isLessThan(TIMEOUT.minus(MARGIN));
    int exit = first.kill();
    assertThat(exit).as("exit code of a process killed by SIGKILL (128 + 9)").isEqualTo(137);
    assertThat(receiver.count()).as("requests the killed server made").isEqualTo(PER_HOST);

    receiver.answer(200);
    ServerProcess second = start("second", data);
    long readyAt = System.nanoTime();
    Http merchantAgain = second.http().with("MB-API-KEY", key);

    awaitAllPathsAfterKill(slugByPath.keySet(), killAt);
    long allArrivedAt = System.nanoTime();
    slugByPath.values().forEach(slug -> awaitDone(merchantAgain, slug));
    receiver.awaitRequests(receiver.count(), Duration.ZERO);
    receiver.assertNoMoreWithin(Duration.ofSeconds(1));
    List<Received> all = receiver.requests();
    List<Received> after = all.subList(PER_HOST, all.size());

    Map<String, Long> afterCounts =
        after.stream().collect(Collectors.groupingBy(Received::path, Collectors.counting()));
    Map<String, Long> allCounts =
        all.stream().collect(Collectors.groupingBy(Received::path, Collectors.counting()));
    Set<String> duplicates =
        allCounts.entrySet().stream()
            .filter(entry -> entry.getValue() > 1)
            .map(Map.Entry::getKey)
            .collect(Collectors.toCollection(TreeSet::new));
    String report =
        String.format(
            "[%s] kill %d ms after the first hung request (exit %d); second server ready %d ms"
                + " after the kill; all %d paths again %d ms after the kill; whole test %d ms;"
                + " duplicates seen by the receiver: %s (in flight at the kill: %s)",
            store.label(),
            millis(killAt - firstHung),
            exit,
            millis(readyAt - killAt),
            INVOICES,
            millis(allArrivedAt - killAt),
            millis(System.nanoTime() - began),
            duplicates,
            new TreeSet<>(inFlight.keySet()));
    System.out.println(report);

    assertThat(afterCounts.keySet())
        .as("paths sent after the kill, " + report)
        .containsExactlyInAnyOrderElementsOf(slugByPath.keySet());
    assertThat(afterCounts)
        .as("no path sent twice after the restart, " + report)
        .allSatisfy((path, count) -> assertThat(count).as(path).isEqualTo(1L));
    assertThat(duplicates).as(report).isEqualTo(inFlight.keySet());

    String node = second.node();
    slugByPath.forEach(
        (path, slug) -> {
          JsonNode deliveries = deliveries(merchantAgain, slug).get("deliveries");
          assertThat(deliveries).as(path + " deliveries").hasSize(1);
          JsonNode delivery = deliveries.get(0);
          assertThat(delivery.get("state").asText()).as(path + " state").isEqualTo("done");
          assertThat(delivery.get("outcome").asText()).as(path + " outcome").isEqualTo("200");
          JsonNode attempts = delivery.get("attempt_log");
          assertThat(attempts).as(path + " attempts: the killed server recorded none").hasSize(1);
          JsonNode attempt = attempts.get(0);
          assertThat(attempt.get("status").asInt()).as(path + " status").isEqualTo(200);
          assertThat(attempt.get("node").asText()).as(path + " node").isEqualTo(node);
          assertThat(attempt.get("reclaimed").asBoolean())
              .as(path + " reclaimed: true exactly when it was in flight at the kill")
              .isEqualTo(inFlight.containsKey(path));
        });

    for (Received resent : after) {
      Received before = inFlight.get(resent.path());
      if (before == null) {
        continue;
      }
      Duration gap = Duration.ofNanos(resent.nanoTime() - before.nanoTime());
      if (store == StoreKind.POSTGRESQL) {
        assertThat(gap)
            .as(resent.path() + " resent only after its lease ran out: the dead node might live")
            .isGreaterThanOrEqualTo(LEASE.minus(SLACK));
      } else {
        assertThat(gap)
            .as(resent.path() + " resent at the restart, not when its lease would have run out")
            .isLessThan(LEASE.minus(SLACK));
      }
    }
  }

  /**
   * Waits until every path has arrived since the kill; bounded by the lease, which the in-flight
   * rows wait out on PostgreSQL.
   */
  private void awaitAllPathsAfterKill(Set<String> paths, long killAt) {
    long deadline = killAt + LEASE.plusSeconds(20).toNanos();
    while (true) {
      List<Received> all = receiver.requests();
      List<Received> after = all.subList(PER_HOST, all.size());
      Set<String> seen = after.stream().map(Received::path).collect(Collectors.toSet());
      if (seen.containsAll(paths)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        Set<String> missing = new TreeSet<>(paths);
        missing.removeAll(seen);
        throw new AssertionError(
            "never sent after the restart: "
                + missing
                + " (a silence); server logs:\n"
                + servers.stream().map(ServerProcess::log).collect(Collectors.joining("\n")));
      }
      ProcessInvoices.sleep(Duration.ofMillis(100));
    }
  }

  private static JsonNode deliveries(Http merchant, String slug) {
    Http.Answer answer = merchant.get(API + "/invoice/" + slug + "/deliveries");
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.json();
  }

  /** Waits until the invoice's deliveries are all done (their attempts are written in batches). */
  private static void awaitDone(Http merchant, String slug) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      JsonNode all = deliveries(merchant, slug).get("deliveries");
      boolean done = !all.isEmpty();
      for (JsonNode delivery : all) {
        done &= delivery.get("state").asText().equals("done");
      }
      if (done) {
        return;
      }
      assertThat(System.nanoTime())
          .as("deliveries of " + slug + " done: " + all)
          .isLessThan(deadline);
      ProcessInvoices.sleep(Duration.ofMillis(100));
    }
  }

  private static long millis(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }
}
