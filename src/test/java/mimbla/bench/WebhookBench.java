package mimbla.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import mimbla.business.Business;
import mimbla.ids.RandomText;
import mimbla.invoice.Invoice;
import mimbla.invoice.InvoiceStatus;
import mimbla.invoice.NewInvoice;
import mimbla.net.IpRange;
import mimbla.net.Outcome;
import mimbla.net.Resolver;
import mimbla.net.WebhookClient;
import mimbla.store.Store;
import mimbla.store.Timestamps;
import mimbla.testing.Receiver;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import mimbla.webhook.Outbox;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Measures webhook delivery on in-process servers: commit-to-arrival latency, throughput against an
 * nginx on loopback (compared with wrk's rate against the same nginx), and the latency of a healthy
 * receiver while a thousand other endpoints hang. Not a test: {@code bench/webhooks} runs it and
 * writes {@code docs/benchmarks.md}.
 *
 * <p>Options, each followed by its value except {@code --quick}: {@code --quick} (small counts, a
 * smoke run), {@code --out FILE} (where the Markdown with the figures goes; standard output without
 * it), {@code --nginx URL} (needed for throughput), {@code --wrk-keepalive RPS}, {@code --wrk-close
 * RPS} and {@code --wrk-seconds S} (wrk's figures, for the ratios), {@code --concurrency C}
 * (webhooks.per-host in the throughput run, 64), {@code --max-concurrent M} (2C), {@code --n N}
 * (deliveries per throughput run), {@code --samples N}, {@code --warmup N}, {@code --pace-ms MS}
 * (latency), {@code --stores sqlite,postgresql}, {@code --parts latency,throughput,isolation}.
 * Progress lines go to standard output, the servers' log to standard error.
 */
public final class WebhookBench {
  /** Targets from the issue. */
  private static final double TARGET_P99_MS = 10.0;

  private static final double TARGET_WRK_RATIO = 0.5;
  private static final double TARGET_ISOLATION_RATIO = 2.0;

  private static final int HUNG_ENDPOINTS = 1000;

  /** Payments left out after a phase changes, while the change settles. */
  private static final int PHASE_WARMUP = 30;

  private static final int INSERT_BATCH = 1000;

  private final boolean quick;
  private final int warmup;
  private final int samples;
  private final Duration pace;
  private final int throughputN;
  private final int concurrency;
  private final int maxConcurrent;
  private final Optional<String> nginx;
  private final double wrkKeepAlive;
  private final double wrkClose;
  private final int wrkSeconds;
  private final List<StoreKind> stores;
  private final Set<String> parts;
  private final StringBuilder out = new StringBuilder();

  private WebhookBench(Map<String, String> options) {
    this.quick = options.containsKey("quick");
    this.warmup = Integer.parseInt(options.getOrDefault("warmup", quick ? "50" : "1000"));
    this.samples = Integer.parseInt(options.getOrDefault("samples", quick ? "200" : "2000"));
    this.pace = Duration.ofMillis(Long.parseLong(options.getOrDefault("pace-ms", "7")));
    this.throughputN = Integer.parseInt(options.getOrDefault("n", quick ? "2000" : "20000"));
    this.concurrency = Integer.parseInt(options.getOrDefault("concurrency", "64"));
    this.maxConcurrent =
        Integer.parseInt(options.getOrDefault("max-concurrent", Integer.toString(2 * concurrency)));
    this.nginx = Optional.ofNullable(options.get("nginx"));
    this.wrkKeepAlive = Double.parseDouble(options.getOrDefault("wrk-keepalive", "0"));
    this.wrkClose = Double.parseDouble(options.getOrDefault("wrk-close", "0"));
    this.wrkSeconds = Integer.parseInt(options.getOrDefault("wrk-seconds", "10"));
    this.stores =
        Arrays.stream(options.getOrDefault("stores", "sqlite,postgresql").split(","))
            .map(name -> StoreKind.valueOf(name.trim().toUpperCase(Locale.ROOT)))
            .toList();
    this.parts = Set.of(options.getOrDefault("parts", "latency,throughput,isolation").split(","));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].replaceFirst("^--", "");
      if (name.equals("quick")) {
        options.put(name, "true");
      } else {
        options.put(name, args[++i]);
      }
    }
    WebhookBench bench = new WebhookBench(options);
    bench.checkFileDescriptors();
    bench.run();
    String fragment = bench.out.toString();
    if (options.containsKey("out")) {
      Files.writeString(Path.of(options.get("out")), fragment);
    } else {
      System.out.print(fragment);
    }
    // Virtual threads of closed servers may linger for a moment; nothing left is worth waiting for.
    System.exit(0);
  }

  private void run() {
    if (parts.contains("latency")) {
      latencySection();
    }
    if (parts.contains("throughput")) {
      throughputSection();
    }
    if (parts.contains("isolation")) {
      isolationSection();
    }
  }

  /** A thousand hung connections need twice as many descriptors, plus the JVM's own. */
  private void checkFileDescriptors() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long max = unix.getMaxFileDescriptorCount();
      progress("open files allowed: " + max);
      if (parts.contains("isolation") && max < 4 * HUNG_ENDPOINTS) {
        throw new IllegalStateException(
            "ulimit -n is "
                + max
                + "; the isolation measurement needs at least "
                + 4 * HUNG_ENDPOINTS);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 1. Commit -> arrival latency

  private void latencySection() {
    out.append("## 1. Commit → arrival latency\n\n")
        .append(
            ("The clock starts at the commit of a transaction that writes the outbox row —"
                    + " `store.useTransaction(h -> outbox.invoicePaid(h, invoice))`, exactly what the"
                    + " paid transaction does for the notification — and stops when the receiver has"
                    + " read the whole GET. The start is `System.nanoTime()` in an after-commit callback"
                    + " registered before the outbox's own (so after COMMIT returned, before the"
                    + " dispatcher is woken); the end is the receiver's `nanoTime()` once it has read"
                    + " the request head. Same JVM, same clock. One payment every %d ms, %d measured"
                    + " after %d warm-up payments; each invoice has its own path on one loopback"
                    + " receiver answering 200.\n\n")
                .formatted(pace.toMillis(), samples, warmup))
        .append("| store | samples | p50 | p90 | p99 | max | p99 target < 10 ms |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- |\n");
    StringBuilder breakdown = new StringBuilder();
    for (StoreKind kind : stores) {
      progress("latency on " + kind.label());
      try (TestServer server = TestServer.start(kind, Map.of());
          Receiver receiver = Receiver.start()) {
        Latencies latencies = measureLatency(server, receiver, "/l/");
        out.append(
            "| %s | %d | %s | %s | %s | %s | %s |\n"
                .formatted(
                    kind.label(),
                    latencies.arrival.length,
                    ms(latencies.percentile(0.50)),
                    ms(latencies.percentile(0.90)),
                    ms(latencies.percentile(0.99)),
                    ms(latencies.max()),
                    met(latencies.percentile(0.99) / 1e6 < TARGET_P99_MS)));
        breakdown.append(
            "| %s | %s / %s | %s / %s | %s / %s |\n"
                .formatted(
                    kind.label(),
                    ms(percentile(latencies.commit, 0.50)),
                    ms(percentile(latencies.commit, 0.99)),
                    ms(percentile(latencies.dispatch, 0.50)),
                    ms(percentile(latencies.dispatch, 0.99)),
                    ms(percentile(latencies.send, 0.50)),
                    ms(percentile(latencies.send, 0.99))));
      }
    }
    out.append(
            "\nWhere the time goes, p50 / p99 of each part on its own (the parts' percentiles"
                + " do not add up to the whole's). *paying commit*: the paying transaction itself,"
                + " BEGIN to COMMIT returned, before the clock starts. *commit → GET starts*: waking"
                + " the dispatcher, its claim transaction (the row becomes `sending` with a lease)"
                + " and starting the sender, up to the attempt's recorded start. *GET starts →"
                + " arrival*: connecting, writing the GET, and the receiver reading it.\n\n")
        .append("| store | paying commit | commit → GET starts | GET starts → arrival |\n")
        .append("| --- | --- | --- | --- |\n")
        .append(breakdown)
        .append('\n');
  }

  /**
   * Of the measured samples, in nanoseconds and each sorted on its own: commit to arrival, the
   * paying transaction's duration, commit to the attempt's start, and the attempt's start to
   * arrival.
   */
  private record Latencies(long[] arrival, long[] commit, long[] dispatch, long[] send) {
    /** Several measurements as one, each part sorted again. */
    static Latencies pooled(List<Latencies> all) {
      return new Latencies(
          pool(all.stream().map(Latencies::arrival).toList()),
          pool(all.stream().map(Latencies::commit).toList()),
          pool(all.stream().map(Latencies::dispatch).toList()),
          pool(all.stream().map(Latencies::send).toList()));
    }

    private static long[] pool(List<long[]> parts) {
      long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
      Arrays.sort(all);
      return all;
    }

    long percentile(double p) {
      return WebhookBench.percentile(arrival, p);
    }

    long max() {
      return arrival[arrival.length - 1];
    }
  }

  /**
   * Pays {@code warmup + samples} fresh invoices one by one, paced, each with a webhook to its own
   * path on the receiver, and returns the measured ones' commit-to-arrival times, sorted.
   */
  private Latencies measureLatency(TestServer server, Receiver receiver, String prefix) {
    return measureLatency(server, receiver, prefix, warmup, samples);
  }

  private Latencies measureLatency(
      TestServer server, Receiver receiver, String prefix, int warmup, int samples) {
    int total = warmup + samples;
    int already = receiver.count();
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      urls.add(receiver.url(prefix + i));
    }
    List<Invoice> invoices = rereadInvoices(server, insertInvoices(server, urls, Optional.empty()));
    Store store = server.mimbla.store();
    Outbox outbox = new Outbox(store.dialect(), server.clock, server.mimbla.dispatcher()::wake);

    long[] committedAt = new long[total];
    long[] commitTook = new long[total];
    long start = System.nanoTime() + Duration.ofMillis(20).toNanos();
    for (int i = 0; i < total; i++) {
      long due = start + i * pace.toNanos();
      for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
        LockSupport.parkNanos(due - now);
      }
      int n = i;
      Invoice invoice = invoices.get(i);
      long begun = System.nanoTime();
      store.useTransaction(
          h -> {
            h.afterCommit(() -> committedAt[n] = System.nanoTime());
            outbox.invoicePaid(h, invoice);
          });
      commitTook[i] = committedAt[i] - begun;
    }

    List<Receiver.Received> received =
        receiver.awaitRequests(already + total, Duration.ofSeconds(60));
    Map<String, Long> arrivedAt = new HashMap<>();
    for (Receiver.Received request : received) {
      arrivedAt.putIfAbsent(request.path(), request.nanoTime());
    }
    Map<String, Long> startedAt = new HashMap<>();
    awaitCondition(
        "attempts recorded",
        Duration.ofSeconds(30),
        Duration.ofMillis(20),
        () -> {
          startedAt.putAll(attemptStarts(server, prefix));
          return startedAt.size() >= total;
        });
    long[] arrival = new long[samples];
    long[] commit = new long[samples];
    long[] dispatch = new long[samples];
    long[] send = new long[samples];
    for (int i = warmup; i < total; i++) {
      Long at = arrivedAt.get(prefix + i);
      Long started = startedAt.get(receiver.url(prefix + i));
      if (at == null || started == null) {
        throw new IllegalStateException("no request arrived for " + prefix + i);
      }
      arrival[i - warmup] = at - committedAt[i];
      commit[i - warmup] = commitTook[i];
      dispatch[i - warmup] = started - committedAt[i];
      send[i - warmup] = at - started;
    }
    Arrays.sort(arrival);
    Arrays.sort(commit);
    Arrays.sort(dispatch);
    Arrays.sort(send);
    progress(
        "  p50 %s, p99 %s, max %s"
            .formatted(
                ms(percentile(arrival, 0.5)),
                ms(percentile(arrival, 0.99)),
                ms(arrival[arrival.length - 1])));
    progress(
        "  dispatch p50 %s p99 %s; send p50 %s p99 %s"
            .formatted(
                ms(percentile(dispatch, 0.5)),
                ms(percentile(dispatch, 0.99)),
                ms(percentile(send, 0.5)),
                ms(percentile(send, 0.99))));
    return new Latencies(arrival, commit, dispatch, send);
  }

  /**
   * When each attempt to a URL with this path prefix started, as {@code System.nanoTime()}: the
   * test server's clock runs on nanoTime, so one reading of both converts its instants.
   */
  private static Map<String, Long> attemptStarts(TestServer server, String prefix) {
    java.time.Instant instant = server.clock.instant();
    long nanos = System.nanoTime();
    long offset = instant.getEpochSecond() * 1_000_000_000L + instant.getNano() - nanos;
    Map<String, Long> starts = new HashMap<>();
    server
        .mimbla
        .store()
        .read(
            h ->
                h.createQuery(
                        "SELECT d.url, a.started_at FROM delivery_attempt a JOIN delivery d ON"
                            + " d.id = a.delivery_id WHERE d.url LIKE :pattern")
                    .bind("pattern", "%" + prefix + "%")
                    .map((row, context) -> Map.entry(row.getString(1), row.getLong(2)))
                    .list())
        .forEach(entry -> starts.putIfAbsent(entry.getKey(), entry.getValue() * 1000 - offset));
    return starts;
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Throughput against wrk

  private void throughputSection() {
    String url = nginx.orElseThrow(() -> new IllegalStateException("--nginx URL is needed"));
    out.append("## 2. Throughput against wrk\n\n")
        .append(
            ("%d due deliveries to one nginx on loopback (`return 200;`), written beforehand as"
                    + " outbox rows of paid invoices, then made due in one UPDATE and the"
                    + " dispatcher woken; the clock stops when no delivery is left that is not"
                    + " `done`, i.e. every attempt row is recorded. `webhooks.per-host` = %d (all"
                    + " go to one host), `webhooks.max-concurrent` = %d. A run of %d deliveries"
                    + " warms each server first. wrk ran against the same nginx URL with `-t2 -c%d"
                    + " -d%ds` before the JVM started: %s requests/s keep-alive, %s requests/s"
                    + " with `-H 'Connection: close'`. Every notification is one GET on a"
                    + " connection of its own, so the second is the like-for-like rate. The last"
                    + " row is a reference: `WebhookClient` alone (the same bare GET through the"
                    + " address guard) from %d virtual threads in a loop, no database and no"
                    + " dispatcher. *CPU/delivery* is this JVM's CPU time (server, SQLite inside it,"
                    + " harness) per delivery; PostgreSQL's own CPU is not in it.\n\n")
                .formatted(
                    throughputN,
                    concurrency,
                    maxConcurrent,
                    throughputN / 10,
                    concurrency,
                    wrkSeconds,
                    rate(wrkKeepAlive),
                    rate(wrkClose),
                    concurrency))
        .append(
            "| sender | deliveries | seconds | deliveries/s | non-200 | CPU/delivery | ÷ wrk"
                + " keep-alive | ÷ wrk close | target ≥ 0.5 of wrk |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (StoreKind kind : stores) {
      progress("throughput on " + kind.label());
      Map<String, String> settings =
          Map.of(
              "webhooks.per-host", Integer.toString(concurrency),
              "webhooks.max-concurrent", Integer.toString(maxConcurrent));
      try (TestServer server = TestServer.start(kind, settings)) {
        runThroughput(server, url, throughputN / 10, "w");
        throughputRow("mimbla on " + kind.label(), runThroughput(server, url, throughputN, "m"));
      }
    }
    progress("throughput of WebhookClient alone");
    clientAlone(url, throughputN / 10);
    throughputRow("WebhookClient alone (reference)", clientAlone(url, throughputN));
    out.append('\n');
  }

  private void throughputRow(String sender, Throughput result) {
    double perSecond = result.deliveries / result.seconds;
    double keepAliveRatio = wrkKeepAlive > 0 ? perSecond / wrkKeepAlive : Double.NaN;
    double closeRatio = wrkClose > 0 ? perSecond / wrkClose : Double.NaN;
    out.append(
        "| %s | %d | %.2f | %s | %d | %.2f ms | %.2f | %.2f | %s |\n"
            .formatted(
                sender,
                result.deliveries,
                result.seconds,
                rate(perSecond),
                result.failed,
                result.cpuMillis,
                keepAliveRatio,
                closeRatio,
                wrkKeepAlive > 0
                    ? "keep-alive: "
                        + met(keepAliveRatio >= TARGET_WRK_RATIO)
                        + "; close: "
                        + met(closeRatio >= TARGET_WRK_RATIO)
                    : "no wrk figure"));
  }

  /**
   * {@code n} GETs through a bare {@link WebhookClient} from {@code concurrency} virtual threads.
   */
  private Throughput clientAlone(String url, int n) {
    AtomicInteger left = new AtomicInteger(n);
    AtomicInteger failed = new AtomicInteger();
    try (WebhookClient client =
        WebhookClient.create(
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            List.of(IpRange.parse("127.0.0.0/8")),
            Resolver.system(),
            Clock.systemUTC())) {
      long cpuBefore = processCpuNanos();
      long started = System.nanoTime();
      try (var senders = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < concurrency; i++) {
          senders.execute(
              () -> {
                for (int k = left.getAndDecrement(); k > 0; k = left.getAndDecrement()) {
                  Outcome outcome = client.send(url + "/alone/" + k, "bench");
                  if (outcome.httpStatus().orElse(0) != 200) {
                    failed.incrementAndGet();
                  }
                }
              });
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      double cpu = (processCpuNanos() - cpuBefore) / 1e6 / n;
      progress("  %d GETs in %.2f s: %s/s".formatted(n, seconds, rate(n / seconds)));
      return new Throughput(n, seconds, failed.get(), cpu);
    }
  }

  private record Throughput(int deliveries, double seconds, long failed, double cpuMillis) {}

  /** CPU time of this whole JVM: the server under test, and the harness's own light polling. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * Writes {@code n} outbox rows due tomorrow (so no dispatcher touches them yet), makes them all
   * due in one UPDATE, wakes the dispatcher and times until none is left undone.
   */
  private Throughput runThroughput(TestServer server, String url, int n, String tag) {
    Store store = server.mimbla.store();
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      urls.add(url + "/" + tag + "/" + i);
    }
    Outbox tomorrow =
        new Outbox(store.dialect(), Clock.offset(server.clock, Duration.ofDays(1)), () -> {});
    long before = server.count("SELECT COUNT(*) FROM delivery_attempt WHERE http_status = 200");
    progress("  writing " + n + " outbox rows");
    insertInvoices(server, urls, Optional.of(tomorrow));

    long cpuBefore = processCpuNanos();
    long started = System.nanoTime();
    store.useTransaction(
        h ->
            h.createUpdate("UPDATE delivery SET due_at = :now WHERE state = 'due'")
                .bind("now", Timestamps.micros(server.clock.instant()))
                .execute());
    server.mimbla.dispatcher().wake();
    awaitCondition(
        "all deliveries done",
        Duration.ofMinutes(5),
        Duration.ofMillis(50),
        () -> server.count("SELECT COUNT(*) FROM delivery WHERE state <> 'done'") == 0);
    double seconds = (System.nanoTime() - started) / 1e9;
    double cpuPerDelivery = (processCpuNanos() - cpuBefore) / 1e6 / n;
    long ok =
        server.count("SELECT COUNT(*) FROM delivery_attempt WHERE http_status = 200") - before;
    progress(
        "  %d deliveries in %.2f s: %s/s, %d not 200, %.3f ms of this JVM's CPU per delivery"
            .formatted(n, seconds, rate(n / seconds), n - ok, cpuPerDelivery));
    return new Throughput(n, seconds, n - ok, cpuPerDelivery);
  }

  // ---------------------------------------------------------------------------------------------
  // 3. Isolation from hung endpoints

  private void isolationSection() {
    int rounds = quick ? 1 : 3;
    int perPhase = Math.max(1, samples / rounds);
    out.append("## 3. A healthy receiver while 1,000 endpoints hang\n\n")
        .append(
            ("The latency measurement of section 1 against one healthy receiver on 127.0.0.1,"
                    + " in %d round(s) of an idle phase and a loaded phase (idle first in even"
                    + " rounds, loaded first in odd ones), %d payments each (one every %d ms, after"
                    + " %d warm-up payments in the first phase and %d after each change of phase),"
                    + " pooled per condition; alternating makes both conditions share this"
                    + " machine's changing background load and any drift over the run. Loaded: %d"
                    + " deliveries to other endpoints in flight and hanging, each endpoint on its"
                    + " own loopback address (127.0.1.1 … 127.0.4.232, since concurrency is"
                    + " bounded per host), a socket that accepts and reads the GET and never"
                    + " answers; after each loaded phase those connections are closed, which ends"
                    + " their deliveries. `webhooks.timeout` = 120s and `webhooks.max-concurrent` ="
                    + " 2000, so all %d stay in flight throughout a loaded phase; the in-flight"
                    + " gauge `mimbla_webhook_in_flight` is read from `/metrics` before and after"
                    + " each (the lowest reading is shown).\n\n")
                .formatted(
                    rounds,
                    perPhase,
                    pace.toMillis(),
                    warmup,
                    PHASE_WARMUP,
                    HUNG_ENDPOINTS,
                    HUNG_ENDPOINTS))
        .append(
            "| store | p50 idle | p99 idle | p50 loaded | p99 loaded | max loaded | in flight |"
                + " p50 loaded ÷ idle | p99 loaded ÷ idle | target ≤ 2× (p99) |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (StoreKind kind : stores) {
      progress("isolation on " + kind.label());
      Map<String, String> settings =
          Map.of(
              "webhooks.timeout", "120s",
              "webhooks.connect-timeout", "5s",
              "webhooks.lease", "10m",
              "webhooks.max-concurrent", "2000");
      try (TestServer server = TestServer.start(kind, settings);
          Receiver receiver = Receiver.start();
          HungEndpoints hung = HungEndpoints.open(HUNG_ENDPOINTS)) {
        List<Latencies> idle = new ArrayList<>();
        List<Latencies> loaded = new ArrayList<>();
        int lowestInFlight = Integer.MAX_VALUE;
        int warm = warmup;
        for (int round = 0; round < rounds; round++) {
          // Idle then loaded, loaded then idle, ...: a drift over the run weighs on both alike.
          for (boolean loadedPhase : round % 2 == 0 ? List.of(false, true) : List.of(true, false)) {
            if (!loadedPhase) {
              idle.add(measureLatency(server, receiver, "/idle" + round + "/", warm, perPhase));
              warm = PHASE_WARMUP;
              continue;
            }
            hangAll(server, hung, round);
            lowestInFlight = Math.min(lowestInFlight, inFlightGauge(server));
            loaded.add(measureLatency(server, receiver, "/loaded" + round + "/", warm, perPhase));
            warm = PHASE_WARMUP;
            int inFlight = inFlightGauge(server);
            long sending = server.count("SELECT COUNT(*) FROM delivery WHERE state = 'sending'");
            progress(
                "  after the loaded phase: in-flight gauge "
                    + inFlight
                    + ", rows sending "
                    + sending);
            lowestInFlight = Math.min(lowestInFlight, inFlight);

            // Closing the hung connections ends those deliveries (no answer), ready for the next.
            hung.release();
            awaitCondition(
                "hung deliveries recorded",
                Duration.ofSeconds(30),
                Duration.ofMillis(50),
                () -> server.count("SELECT COUNT(*) FROM delivery WHERE state <> 'done'") == 0);
          }
        }
        Latencies quiet = Latencies.pooled(idle);
        Latencies busy = Latencies.pooled(loaded);
        double p99Ratio = (double) busy.percentile(0.99) / quiet.percentile(0.99);
        double p50Ratio = (double) busy.percentile(0.50) / quiet.percentile(0.50);
        progress("  p99 loaded ÷ idle %.2f, p50 %.2f".formatted(p99Ratio, p50Ratio));
        out.append(
            "| %s | %s | %s | %s | %s | %s | %d | %.2f | %.2f | %s |\n"
                .formatted(
                    kind.label(),
                    ms(quiet.percentile(0.50)),
                    ms(quiet.percentile(0.99)),
                    ms(busy.percentile(0.50)),
                    ms(busy.percentile(0.99)),
                    ms(busy.max()),
                    lowestInFlight,
                    p50Ratio,
                    p99Ratio,
                    met(p99Ratio <= TARGET_ISOLATION_RATIO)));
      }
    }
    out.append('\n');
  }

  /** Queues one delivery to each hung endpoint and waits until every GET has reached its socket. */
  private static void hangAll(TestServer server, HungEndpoints hung, int round) {
    Store store = server.mimbla.store();
    int before = hung.requests();
    List<String> urls = hung.urls().stream().map(url -> url + "?round=" + round).toList();
    List<Invoice> hanging = insertInvoices(server, urls, Optional.empty());
    Outbox outbox = new Outbox(store.dialect(), server.clock, server.mimbla.dispatcher()::wake);
    store.useTransaction(h -> hanging.forEach(invoice -> outbox.invoicePaid(h, invoice)));
    awaitCondition(
        HUNG_ENDPOINTS + " hung requests in flight",
        Duration.ofSeconds(60),
        Duration.ofMillis(20),
        () -> hung.requests() - before >= HUNG_ENDPOINTS);
    progress("  " + HUNG_ENDPOINTS + " requests hang, in-flight gauge " + inFlightGauge(server));
  }

  private static int inFlightGauge(TestServer server) {
    String metrics = server.http.get("/metrics").body();
    for (String line : metrics.split("\n")) {
      if (line.startsWith("mimbla_webhook_in_flight ")) {
        return (int) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
      }
    }
    throw new IllegalStateException("no mimbla_webhook_in_flight in /metrics");
  }

  /**
   * Sockets on distinct loopback addresses that accept, read the request head, and never answer,
   * holding the connection until closed.
   */
  private static final class HungEndpoints implements AutoCloseable {
    private final List<ServerSocket> servers = new ArrayList<>();
    private final Set<Socket> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> urls = new ArrayList<>();
    private volatile boolean closed;

    static HungEndpoints open(int count) {
      HungEndpoints endpoints = new HungEndpoints();
      try {
        for (int i = 1; i <= count; i++) {
          int offset = 256 + i; // 127.0.1.1 onwards
          InetAddress address =
              InetAddress.getByAddress(
                  new byte[] {127, 0, (byte) (offset >> 8), (byte) (offset & 0xff)});
          ServerSocket server = new ServerSocket(0, 16, address);
          endpoints.servers.add(server);
          endpoints.urls.add(
              "http://" + address.getHostAddress() + ":" + server.getLocalPort() + "/hang/" + i);
          Thread.ofVirtual().start(() -> endpoints.acceptLoop(server));
        }
      } catch (IOException e) {
        endpoints.close();
        throw new UncheckedIOException("cannot open the hung endpoints", e);
      }
      return endpoints;
    }

    List<String> urls() {
      return urls;
    }

    int requests() {
      return requests.get();
    }

    private void acceptLoop(ServerSocket server) {
      while (!closed) {
        try {
          Socket socket = server.accept();
          accepted.add(socket);
          Thread.ofVirtual().start(() -> hold(socket));
        } catch (IOException e) {
          return;
        }
      }
    }

    /** Reads up to the blank line ending the head, counts it, then waits for the client to go. */
    private void hold(Socket socket) {
      try (socket) {
        InputStream in = socket.getInputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
          int next = in.read();
          if (next < 0) {
            return;
          }
          matched = next == end[matched] ? matched + 1 : (next == '\r' ? 1 : 0);
        }
        requests.incrementAndGet();
        while (in.read() >= 0) {
          // Never answers; returns when the client gives up or close() closes the socket.
        }
      } catch (IOException e) {
        // Closed by close() or by the client.
      } finally {
        accepted.remove(socket);
      }
    }

    /** Closes the connections accepted so far; the endpoints keep listening. */
    void release() {
      for (Socket socket : accepted) {
        closeQuietly(socket);
      }
    }

    @Override
    public void close() {
      closed = true;
      for (ServerSocket server : servers) {
        closeQuietly(server);
      }
      for (Socket socket : accepted) {
        closeQuietly(socket);
      }
    }

    private static void closeQuietly(AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // Already closed.
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Invoices in bulk

  /**
   * Inserts one invoice per URL, copies of a template invoice made through the API's own rules,
   * {@value #INSERT_BATCH} per transaction; with an outbox, each one's delivery row is written in
   * the same transaction, as the paid transaction would.
   */
  private static List<Invoice> insertInvoices(
      TestServer server, List<String> urls, Optional<Outbox> outbox) {
    Business business = server.shop.business();
    Invoice template =
        server
            .mimbla
            .invoices()
            .create(
                business,
                new NewInvoice(
                    BigDecimal.valueOf(26),
                    Optional.empty(),
                    Optional.of("BTC"),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(urls.get(0)),
                    false));
    List<Invoice> invoices = new ArrayList<>();
    for (String url : urls) {
      invoices.add(
          new Invoice(
              java.util.UUID.randomUUID().toString(),
              RandomText.base62(12),
              template.businessId(),
              template.amountMinor(),
              template.currency(),
              template.crypto(),
              InvoiceStatus.PAID,
              template.dueAt(),
              template.closeUrl(),
              template.redirectUrl(),
              Optional.of(url),
              template.automaticRedirect(),
              template.createdAt(),
              template.updatedAt()));
    }
    Store store = server.mimbla.store();
    for (int from = 0; from < invoices.size(); from += INSERT_BATCH) {
      List<Invoice> chunk = invoices.subList(from, Math.min(invoices.size(), from + INSERT_BATCH));
      store.useTransaction(
          h -> {
            PreparedBatch insert =
                h.prepareBatch(
                    "INSERT INTO invoice (id, slug, business_id, amount_minor, currency, crypto,"
                        + " status, due_at, close_url, redirect_url, webhook_url,"
                        + " automatic_redirect, created_at, updated_at) SELECT :id, :slug,"
                        + " business_id, amount_minor, currency, crypto, :status, due_at,"
                        + " close_url, redirect_url, :url, automatic_redirect, created_at,"
                        + " updated_at FROM invoice WHERE id = :template");
            for (Invoice invoice : chunk) {
              insert
                  .bind("id", invoice.id())
                  .bind("slug", invoice.slug())
                  .bind("status", invoice.status().name())
                  .bind("url", invoice.webhookUrl().orElseThrow())
                  .bind("template", template.id())
                  .add();
            }
            insert.execute();
            outbox.ifPresent(box -> chunk.forEach(invoice -> box.invoicePaid(h, invoice)));
          });
    }
    return invoices;
  }

  /** The invoices as the server reads them back, which is how the paid transaction has them. */
  private static List<Invoice> rereadInvoices(TestServer server, List<Invoice> invoices) {
    Business business = server.shop.business();
    return invoices.stream()
        .map(invoice -> server.mimbla.invoices().find(business, invoice.slug()).invoice())
        .toList();
  }

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  private static void awaitCondition(
      String what, Duration timeout, Duration every, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
      }
      LockSupport.parkNanos(every.toNanos());
    }
  }

  /** Nearest-rank percentile of sorted values. */
  private static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  private static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  private static String met(boolean met) {
    return met ? "met" : "**not met**";
  }

  /** Progress goes to standard output; the server's own logging goes to standard error. */
  private static void progress(String line) {
    System.out.println("bench: " + line);
    System.out.flush();
  }
}
