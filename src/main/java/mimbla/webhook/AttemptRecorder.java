package mimbla.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mimbla.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes finished attempts, many per transaction. Senders hand their outcome over and return at
 * once; one virtual thread commits whatever has gathered since its last commit. Under load this
 * turns hundreds of small commits (each a disk flush on SQLite) into a few large ones, and a sender
 * never waits for the database.
 *
 * <p>Until its attempt is committed a delivery stays claimed: if the process dies first, the
 * delivery is sent again after the restart, which the contract allows (a duplicate, never a
 * silence).
 */
final class AttemptRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AttemptRecorder.class);

  private static final int BATCH = 500;
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private static final int WRITES_TRIED_WHEN_STOPPING = 3;

  private final Store store;
  private final DeliveryRepository repository;
  private final String node;
  private final LinkedBlockingQueue<DeliveryRepository.Finished> finished =
      new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean stopping;

  private AttemptRecorder(Store store, DeliveryRepository repository, String node) {
    this.store = store;
    this.repository = repository;
    this.node = node;
    this.thread = Thread.ofVirtual().name("webhook-recorder").unstarted(this::loop);
  }

  static AttemptRecorder start(Store store, DeliveryRepository repository, String node) {
    AttemptRecorder recorder = new AttemptRecorder(store, repository, node);
    recorder.thread.start();
    return recorder;
  }

  void record(DeliveryRepository.Finished attempt) {
    finished.add(attempt);
  }

  private void loop() {
    while (!stopping || !finished.isEmpty()) {
      List<DeliveryRepository.Finished> batch = new ArrayList<>();
      try {
        DeliveryRepository.Finished first = finished.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
      } catch (InterruptedException e) {
        if (!stopping) {
          continue;
        }
      }
      finished.drainTo(batch, BATCH - batch.size());
      if (!batch.isEmpty()) {
        write(batch);
      }
    }
  }

  /**
   * Commits a batch, trying again while the database refuses. A stopping server gives up after a
   * few tries: the deliveries stay claimed and are sent again after the restart.
   */
  private void write(List<DeliveryRepository.Finished> batch) {
    for (int tries = 1; ; tries++) {
      try {
        store.inRedoableTransaction(
            handle -> {
              repository.finish(handle, batch, node);
              return null;
            });
        return;
      } catch (RuntimeException e) {
        if (stopping && tries >= WRITES_TRIED_WHEN_STOPPING) {
          log.error(
              "webhooks: could not record {} attempts before stopping; they will be sent again",
              batch.size(),
              e);
          return;
        }
        if (tries == 1) {
          log.error("webhooks: recording {} attempts failed, trying again", batch.size(), e);
        }
        sleep(RETRY_AFTER);
      }
    }
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes what is still queued, then stops. */
  @Override
  public void close() {
    stopping = true;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
