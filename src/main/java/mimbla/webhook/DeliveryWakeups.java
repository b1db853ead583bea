package mimbla.webhook;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import mimbla.store.Store;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on PostgreSQL for the NOTIFY that every new due delivery sends, so a node's dispatcher
 * wakes when another node pays an invoice, instead of at its next poll. The poll stays as the
 * backstop: a lost connection only makes wake-ups late, never lost.
 *
 * <p>Runs on its own virtual thread, holding one connection of the pool for as long as it runs.
 */
final class DeliveryWakeups implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeliveryWakeups.class);

  private static final int WAIT_MILLIS = 250;
  private static final Duration RECONNECT_AFTER = Duration.ofSeconds(2);

  private final Store store;
  private final Runnable wake;
  private final Thread thread;
  private volatile boolean running = true;

  private DeliveryWakeups(Store store, Runnable wake) {
    this.store = store;
    this.wake = wake;
    this.thread = Thread.ofVirtual().name("webhook-wakeups").unstarted(this::loop);
  }

  static DeliveryWakeups start(Store store, Runnable wake) {
    DeliveryWakeups wakeups = new DeliveryWakeups(store, wake);
    wakeups.thread.start();
    return wakeups;
  }

  private void loop() {
    boolean failing = false;
    while (running) {
      try (Connection connection = store.connection()) {
        listen(connection);
        if (failing) {
          log.info("webhooks: listening for other nodes' deliveries again");
          failing = false;
        }
        PGConnection postgres = connection.unwrap(PGConnection.class);
        while (running) {
          PGNotification[] notifications = postgres.getNotifications(WAIT_MILLIS);
          if (notifications != null && notifications.length > 0) {
            wake.run();
          }
        }
        unlisten(connection);
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          return;
        }
        if (!failing) {
          log.warn(
              "webhooks: cannot listen for other nodes' deliveries ({}); polling until it works",
              e.getMessage());
          failing = true;
        }
        pause();
      }
    }
  }

  private static void listen(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("LISTEN " + Outbox.CHANNEL);
    }
  }

  /** The connection goes back to the pool; it must not keep collecting notifications there. */
  private static void unlisten(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("UNLISTEN *");
    }
  }

  private void pause() {
    try {
      Thread.sleep(RECONNECT_AFTER);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops within one wait for notifications. The thread is not interrupted: an interrupt inside the
   * driver's read breaks the connection instead of returning it to the pool.
   */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
