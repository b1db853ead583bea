package mimbla.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import mimbla.config.Settings;
import mimbla.net.Outcome;
import mimbla.net.WebhookClient;
import mimbla.schedule.Ticker;
import mimbla.store.Store;
import mimbla.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends due deliveries: claims them from the outbox with a lease, sends each on its own virtual
 * thread, and hands the outcome to the {@link AttemptRecorder}.
 *
 * <p>The claim loop runs on a {@link Ticker}: at once when woken (a commit on this node, a NOTIFY
 * from another, a finished send freeing room), and every poll interval as a backstop that also
 * finds retries coming due and leases that ran out. It only claims as many rows as there is room
 * for, and never rows for a host that already has its share in flight, so a merchant whose endpoint
 * hangs holds at most its own share of senders and never a row of anyone else.
 */
public final class Dispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  /** Rows claimed per query; the loop claims again while rows and room remain. */
  private static final int CLAIM_BATCH = 64;

  /** How long a stopping server lets deliveries in flight finish before abandoning them. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** How often the queue depth metric is counted, at most. */
  private static final Duration DEPTH_EVERY = Duration.ofSeconds(1);

  private final Store store;
  private final DeliveryRepository repository;
  private final WebhookClient client;
  private final Clock clock;
  private final Settings.Webhooks settings;
  private final RetryPolicy retries;
  private final String node;
  private final DeliveryMetrics metrics;
  private final AttemptRecorder recorder;
  private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();

  private final ReentrantLock room = new ReentrantLock();
  private final Map<String, Integer> inFlightByHost = new HashMap<>();
  private int inFlight;

  private final Optional<FileLock> ownership;
  private Ticker ticker;
  private Optional<DeliveryWakeups> wakeups = Optional.empty();
  private volatile boolean stopping;
  private volatile boolean abandoning;
  private volatile long depthCountedAtNanos;

  private Dispatcher(
      Store store,
      WebhookClient client,
      Clock clock,
      Settings.Webhooks settings,
      MeterRegistry registry,
      String node,
      Optional<FileLock> ownership) {
    this.store = store;
    this.repository = new DeliveryRepository(store.dialect());
    this.client = client;
    this.clock = clock;
    this.settings = settings;
    this.retries = new RetryPolicy(settings.retries());
    this.node = node;
    this.metrics = new DeliveryMetrics(registry, this::inFlight);
    this.recorder = AttemptRecorder.start(store, repository, node);
    this.ownership = ownership;
  }

  /**
   * Starts dispatching for this node. On SQLite the server is the store's only dispatcher (a lock
   * file next to the database makes sure), so rows left in flight by a process that died are due
   * again at once; on PostgreSQL they wait for their lease to run out, since their node may live.
   */
  public static Dispatcher start(
      Store store,
      WebhookClient client,
      Clock clock,
      Settings.Webhooks settings,
      MeterRegistry registry,
      String node) {
    Optional<FileLock> ownership = store.file().map(Dispatcher::own);
    Dispatcher dispatcher =
        new Dispatcher(store, client, clock, settings, registry, node, ownership);
    if (ownership.isPresent()) {
      int reclaimed =
          store.inTransaction(h -> dispatcher.repository.reclaimAll(h, clock.instant()));
      if (reclaimed > 0) {
        log.info(
            "webhooks: {} deliveries were in flight when the server stopped; due again", reclaimed);
      }
    }

    dispatcher.ticker =
        Ticker.start("webhook-dispatcher", settings.pollInterval(), dispatcher::dispatchDue);
    if (store.dialect().listensForNotifications()) {
      dispatcher.wakeups = Optional.of(DeliveryWakeups.start(store, dispatcher::wake));
    }
    log.info(
        "webhooks: node {} sending, at most {} at once and {} per host{}",
        node,
        settings.maxConcurrent(),
        settings.perHost(),
        settings.retries().isEmpty() ? ", no retries" : ", retries after " + settings.retries());
    return dispatcher;
  }

  private static FileLock own(Path database) {
    Path lockFile = database.resolveSibling(database.getFileName() + ".dispatcher-lock");
    try {
      FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new StoreException(
            "Another mimbla server is sending webhooks from "
                + database
                + "; a SQLite database serves one server. Use PostgreSQL for several.",
            null);
      }
      return lock;
    } catch (IOException e) {
      throw new StoreException("Cannot lock " + lockFile + ": " + e.getMessage(), e);
    }
  }

  /** Looks for due deliveries now. */
  public void wake() {
    if (ticker != null) {
      ticker.wake();
    }
  }

  public String node() {
    return node;
  }

  private int inFlight() {
    room.lock();
    try {
      return inFlight;
    } finally {
      room.unlock();
    }
  }

  /** One turn of the claim loop: claims and starts due deliveries while there is room. */
  private void dispatchDue() {
    countDepthNowAndThen();
    while (!stopping) {
      Room free = freeRoom();
      if (free.slots() == 0) {
        return;
      }
      int limit = Math.min(free.slots(), CLAIM_BATCH);
      Instant now = clock.instant();
      // A lost lease only makes the row due again: the claim need not wait for the disk.
      DeliveryRepository.Claims claims =
          store.inRedoableTransaction(
              h ->
                  repository.claim(
                      h,
                      now,
                      now.plus(settings.lease()),
                      node,
                      limit,
                      free.saturatedHosts(),
                      free::fit));

      List<DeliveryRepository.Claimed> overflow = startAll(claims.claimed());
      if (!overflow.isEmpty()) {
        store.useTransaction(h -> repository.release(h, overflow, node, now));
      }
      if (claims.considered() < limit || claims.claimed().isEmpty()) {
        return;
      }
    }
  }

  /**
   * The room there was when a claim began: free slots in all, the hosts that have none, and how
   * many each host with deliveries in flight still may have. Only this loop takes slots, and
   * senders only give them back, so the room can only have grown by the time rows are started.
   */
  private record Room(
      int slots, Set<String> saturatedHosts, Map<String, Integer> inFlightByHost, int perHost) {
    /** The rows, oldest due first, that the room has space for. */
    List<DeliveryRepository.Claimed> fit(List<DeliveryRepository.Claimed> due) {
      Map<String, Integer> added = new HashMap<>();
      List<DeliveryRepository.Claimed> fitting = new ArrayList<>();
      for (DeliveryRepository.Claimed row : due) {
        if (fitting.size() == slots) {
          break;
        }
        int more = added.getOrDefault(row.host(), 0);
        if (inFlightByHost.getOrDefault(row.host(), 0) + more < perHost) {
          added.put(row.host(), more + 1);
          fitting.add(row);
        }
      }
      return fitting;
    }
  }

  private Room freeRoom() {
    room.lock();
    try {
      Set<String> saturated =
          inFlightByHost.entrySet().stream()
              .filter(entry -> entry.getValue() >= settings.perHost())
              .map(Map.Entry::getKey)
              .collect(Collectors.toSet());
      return new Room(
          Math.max(0, settings.maxConcurrent() - inFlight),
          saturated,
          Map.copyOf(inFlightByHost),
          settings.perHost());
    } finally {
      room.unlock();
    }
  }

  /** Starts a sender for each row its host has room for; returns the rows it had none for. */
  private List<DeliveryRepository.Claimed> startAll(List<DeliveryRepository.Claimed> claimed) {
    List<DeliveryRepository.Claimed> overflow = new ArrayList<>();
    for (DeliveryRepository.Claimed row : claimed) {
      if (takeSlot(row.host())) {
        senders.execute(() -> send(row));
      } else {
        overflow.add(row);
      }
    }
    return overflow;
  }

  private boolean takeSlot(String host) {
    room.lock();
    try {
      int forHost = inFlightByHost.getOrDefault(host, 0);
      if (forHost >= settings.perHost() || inFlight >= settings.maxConcurrent()) {
        return false;
      }
      inFlightByHost.put(host, forHost + 1);
      inFlight++;
      return true;
    } finally {
      room.unlock();
    }
  }

  private void giveSlot(String host) {
    room.lock();
    try {
      inFlightByHost.computeIfPresent(host, (key, count) -> count > 1 ? count - 1 : null);
      inFlight--;
    } finally {
      room.unlock();
    }
  }

  /** Runs on the delivery's own virtual thread. */
  private void send(DeliveryRepository.Claimed row) {
    Outcome outcome;
    try {
      outcome = client.send(row.url(), row.businessId());
    } catch (RuntimeException e) {
      // A bug, not an endpoint's failure: the row stays claimed and is tried again after its lease.
      log.error("delivery={} host={} sending failed unexpectedly", row.id(), row.host(), e);
      return;
    } finally {
      giveSlot(row.host());
      wake();
    }
    if (abandoning) {
      // Interrupted by a stop: the row stays claimed and is sent again, not recorded as failed.
      return;
    }

    int number = row.attempts() + 1;
    Instant now = clock.instant();
    Optional<Duration> retryAfter = retries.next(number, outcome);
    Attempt attempt =
        new Attempt(
            number,
            outcome.startedAt(),
            outcome.duration(),
            outcome.route(),
            outcome.httpStatus(),
            outcome.failure().map(Outcome.Failure::kind),
            outcome.failure().map(Outcome.Failure::message),
            row.reclaimed(),
            node);
    recorder.record(
        new DeliveryRepository.Finished(
            row,
            attempt,
            retryAfter.isPresent() ? Delivery.State.DUE : Delivery.State.DONE,
            retryAfter.map(now::plus).orElse(now),
            now));
    metrics.attempted(outcome, Duration.between(row.dueAt(), outcome.startedAt()));
    logAttempt(row, number, outcome, retryAfter);
  }

  private static void logAttempt(
      DeliveryRepository.Claimed row, int number, Outcome outcome, Optional<Duration> retryAfter) {
    log.info(
        "delivery={} host={} attempt={} route={} outcome={}{} in {} ms{}{}",
        row.id(),
        row.host(),
        number,
        outcome.route(),
        outcome.summary(),
        outcome.failure().map(failure -> " (" + failure.message() + ")").orElse(""),
        outcome.duration().toMillis(),
        row.reclaimed() ? ", sent again after a lease ran out" : "",
        retryAfter.map(after -> ", retry in " + after).orElse(""));
  }

  private void countDepthNowAndThen() {
    long now = System.nanoTime();
    if (now - depthCountedAtNanos < DEPTH_EVERY.toNanos() && depthCountedAtNanos != 0) {
      return;
    }
    depthCountedAtNanos = now;
    metrics.queueDepth(store.read(repository::pending));
  }

  /**
   * Stops claiming, lets deliveries in flight finish for a while, and records their outcomes.
   * Deliveries still in flight after that are abandoned unrecorded: their rows stay claimed and are
   * sent again after the restart, so a receiver may see them twice but never not at all.
   */
  @Override
  public void close() {
    stopping = true;
    wakeups.ifPresent(DeliveryWakeups::close);
    if (ticker != null) {
      ticker.close();
    }

    senders.shutdown();
    try {
      if (!senders.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        abandoning = true;
        log.info("webhooks: {} deliveries still in flight, sent again after restart", inFlight());
        senders.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }

    recorder.close();
    ownership.ifPresent(Dispatcher::release);
  }

  private static void release(FileLock lock) {
    try {
      lock.release();
      lock.channel().close();
    } catch (IOException e) {
      log.debug("webhooks: releasing the dispatcher lock failed: {}", e.toString());
    }
  }
}
