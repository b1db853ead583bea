package mimbla.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import mimbla.testing.Http;
import mimbla.testing.Receiver;
import mimbla.testing.Receiver.Received;
import mimbla.testing.ServerProcess;
import mimbla.testing.StoreKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes on one PostgreSQL schema share the outbox: every notification is sent
 * exactly once, by one node or the other, and both take part.
 *
 * <p>Node A takes every API call and its payment watcher marks the invoices paid. Node B polls for
 * payments and for due deliveries only once an hour, so the only way it learns that a delivery is
 * due is the NOTIFY that A's paying transaction sends at commit (after that, each send B finishes
 * makes it look again). Each node sends at most two notifications to the receiver's host at once,
 * and the receiver answers each after 50 ms, so due rows pile up and both nodes claim from the same
 * rows at the same time. What is proven:
 *
 * <ul>
 *   <li>a hundred paid invoices make a hundred GETs, each webhook path exactly once, and no more
 *       arrive a second later: no row is claimed by both nodes ({@code FOR UPDATE SKIP LOCKED} plus
 *       the lease), and none is lost;
 *   <li>{@code delivery_attempt} holds exactly a hundred rows, one per delivery, all answered 200,
 *       none reclaimed;
 *   <li>both nodes' names appear in {@code delivery_attempt.node}, each with a share above zero, so
 *       node B was woken by LISTEN/NOTIFY, since its own polls would not have run yet.
 * </ul>
 *
 * The split between the nodes is printed; it varies from run to run.
 */
class TwoNodeIT {
  static final int INVOICES = 100;
  static final int PER_HOST = 2;
  static final Duration RECEIVER_DELAY = Duration.ofMillis(50);

  @TempDir Path folder;

  private final List<ServerProcess> servers = new ArrayList<>();
  private Receiver receiver;
  private Map<String, String> database;

  @AfterEach
  void stopEverything() {
    servers.forEach(ServerProcess::close);
    ServerProcess.keepLogs(folder, "TwoNodeIT");
    if (receiver != null) {
      receiver.close();
    }
    if (database != null) {
      StoreKind.POSTGRESQL.drop(database);
    }
  }

  private Path config(String name, int port, Map<String, String> overrides) throws IOException {
    Map<String, String> settings = new HashMap<>(database);
    settings.put("server.host", "127.0.0.1");
    settings.put("server.port", String.valueOf(port));
    settings.put("data.dir", Files.createDirectories(folder.resolve(name)).toString());
    settings.put("sandbox.enabled", "true");
    settings.put("rates.provider", "fixed");
    settings.put("payments.poll-interval", "200ms");
    settings.put("webhooks.allow-ranges", "127.0.0.0/8");
    settings.put("webhooks.connect-timeout", "2s");
    settings.put("webhooks.timeout", "10s");
    settings.put("webhooks.lease", "30s");
    settings.put("webhooks.poll-interval", "500ms");
    settings.put("webhooks.per-host", String.valueOf(PER_HOST));
    settings.putAll(overrides);
    return ServerProcess.writeConfig(folder.resolve(name + ".properties"), settings);
  }

  @Test
  void twoNodesOnOneDatabaseSendEveryNotificationExactlyOnceBetweenThem() throws Exception {
    long began = System.nanoTime();
    database = StoreKind.POSTGRESQL.freshDatabase(folder);
    int portA = ServerProcess.freePort();
    int portB = ServerProcess.freePort();
    Path configA = config("a", portA, Map.of());
    Path configB =
        config("b", portB, Map.of("webhooks.poll-interval", "1h", "payments.poll-interval", "1h"));
    // Also migrates the schema, once, before two servers start on it.
    String key = ServerProcess.createBusiness(configA, folder, "shop");

    receiver = Receiver.start().delay(RECEIVER_DELAY);
    ServerProcess a = ServerProcess.launch("server-a", configA, folder, portA);
    servers.add(a);
    ServerProcess b = ServerProcess.launch("server-b", configB, folder, portB);
    servers.add(b);
    a.awaitReady();
    b.awaitReady();
    long readyAt = System.nanoTime();

    Http merchant = a.http().with("MB-API-KEY", key);
    Set<String> paths =
        IntStream.rangeClosed(1, INVOICES)
            .mapToObj(i -> "/n/" + i)
            .collect(Collectors.toCollection(TreeSet::new));
    List<String> slugs =
        paths.parallelStream()
            .map(path -> ProcessInvoices.create(merchant, receiver.url(path)))
            .toList();
    slugs.parallelStream().forEach(slug -> ProcessInvoices.pay(merchant, a.http(), slug));
    long paidAt = System.nanoTime();

    awaitPaths(paths, Duration.ofSeconds(30));
    long arrivedAt = System.nanoTime();
    ProcessInvoices.sleep(Duration.ofSeconds(1));

    List<Received> requests = receiver.requests();
    Map<String, Long> counts =
        requests.stream().collect(Collectors.groupingBy(Received::path, Collectors.counting()));
    Map<String, Long> twice = new TreeMap<>(counts);
    twice.values().removeIf(count -> count == 1);
    assertThat(counts.keySet()).as("paths the receiver saw").isEqualTo(paths);
    assertThat(twice).as("paths that arrived more than once (no crash happened)").isEmpty();
    assertThat(requests).as("requests the receiver saw").hasSize(INVOICES);

    try (Connection db = DriverManager.getConnection(database.get("database.url"))) {
      awaitAllDone(db);
      assertThat(count(db, "SELECT COUNT(*) FROM delivery")).isEqualTo(INVOICES);
      assertThat(count(db, "SELECT COUNT(*) FROM delivery_attempt"))
          .as("attempts recorded")
          .isEqualTo(INVOICES);
      assertThat(count(db, "SELECT COUNT(DISTINCT delivery_id) FROM delivery_attempt"))
          .as("deliveries with an attempt")
          .isEqualTo(INVOICES);
      assertThat(
              count(
                  db,
                  "SELECT COUNT(*) FROM delivery_attempt"
                      + " WHERE reclaimed OR http_status IS DISTINCT FROM 200"))
          .as("attempts reclaimed or not answered 200")
          .isZero();

      Map<String, Long> split = attemptsByNode(db);
      String nodeA = a.node();
      String nodeB = b.node();
      String report =
          String.format(
              "two nodes: A %s sent %d, B %s sent %d of %d; both ready %d ms after the start,"
                  + " all paid %d ms later, all %d paths %d ms after that; whole test %d ms",
              nodeA,
              split.getOrDefault(nodeA, 0L),
              nodeB,
              split.getOrDefault(nodeB, 0L),
              INVOICES,
              millis(readyAt - began),
              millis(paidAt - readyAt),
              INVOICES,
              millis(arrivedAt - paidAt),
              millis(System.nanoTime() - began));
      System.out.println(report);
      assertThat(split.keySet())
          .as("nodes in delivery_attempt, " + report)
          .containsOnly(nodeA, nodeB);
      assertThat(split.getOrDefault(nodeA, 0L)).as("A's share, " + report).isPositive();
      assertThat(split.getOrDefault(nodeB, 0L))
          .as("B's share: B polls hourly, so only NOTIFY can have woken it; " + report)
          .isPositive();
    }
    assertThat(a.isAlive()).as("node A still running").isTrue();
    assertThat(b.isAlive()).as("node B still running").isTrue();
  }

  private void awaitPaths(Set<String> paths, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Set<String> seen =
          receiver.requests().stream().map(Received::path).collect(Collectors.toSet());
      if (seen.containsAll(paths)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        Set<String> missing = new TreeSet<>(paths);
        missing.removeAll(seen);
        throw new AssertionError(
            missing.size()
                + " paths never arrived: "
                + missing
                + "; server logs:\n"
                + servers.stream().map(ServerProcess::log).collect(Collectors.joining("\n")));
      }
      ProcessInvoices.sleep(Duration.ofMillis(50));
    }
  }

  /** Attempts are written in batches shortly after the answers; waits for the last batch. */
  private static void awaitAllDone(Connection db) throws SQLException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (count(db, "SELECT COUNT(*) FROM delivery WHERE state <> 'done'") > 0) {
      assertThat(System.nanoTime()).as("every delivery done within 10 s").isLessThan(deadline);
      ProcessInvoices.sleep(Duration.ofMillis(100));
    }
  }

  private static long count(Connection db, String sql) throws SQLException {
    try (Statement statement = db.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static Map<String, Long> attemptsByNode(Connection db) throws SQLException {
    Map<String, Long> split = new TreeMap<>();
    try (Statement statement = db.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT node, COUNT(*) FROM delivery_attempt GROUP BY node")) {
      while (rows.next()) {
        split.put(rows.getString(1), rows.getLong(2));
      }
    }
    return split;
  }

  private static long millis(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }
}
