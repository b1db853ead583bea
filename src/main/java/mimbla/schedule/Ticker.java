package mimbla.schedule;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task on its own virtual thread now, then every interval, or sooner when woken. One run at
 * a time; wake-ups during a run fold into one more run. A task that throws is logged and run again
 * at the next tick: a background job must not die on one bad turn.
 */
public final class Ticker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Ticker.class);

  private final String name;
  private final Duration interval;
  private final Runnable task;
  private final BlockingQueue<Boolean> wakeups = new ArrayBlockingQueue<>(1);
  private final Thread thread;
  private volatile boolean running = true;

  private Ticker(String name, Duration interval, Runnable task) {
    this.name = name;
    this.interval = interval;
    this.task = task;
    this.thread = Thread.ofVirtual().name(name).unstarted(this::loop);
  }

  public static Ticker start(String name, Duration interval, Runnable task) {
    Ticker ticker = new Ticker(name, interval, task);
    ticker.thread.start();
    return ticker;
  }

  /** Asks for a run as soon as the current one (if any) ends. */
  public void wake() {
    wakeups.offer(Boolean.TRUE);
  }

  private void loop() {
    while (running) {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("{}: run failed, trying again in {}", name, interval, e);
      }
      try {
        wakeups.poll(interval.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /**
   * Stops after the current run; waits for it to end. The run is not interrupted unless it
   * overstays: an interrupt in the middle of a JDBC call breaks the connection it was using.
   */
  @Override
  public void close() {
    running = false;
    wakeups.offer(Boolean.TRUE);
    try {
      thread.join(Duration.ofSeconds(10));
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
