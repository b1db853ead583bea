package mimbla.invoice;

import java.time.Duration;
import mimbla.schedule.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Enforces due dates: unpaid invoices past theirs become canceled, their payments overdue. */
public final class DueDateScheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DueDateScheduler.class);

  /** Overdue invoices read per query; each is then expired in a transaction of its own. */
  private static final int PAGE = 200;

  private final Ticker ticker;

  private DueDateScheduler(Invoices invoices, Duration interval, Duration grace) {
    this.ticker =
        Ticker.start(
            "due-dates",
            interval,
            () -> {
              int expired = invoices.expireOverdue(grace, PAGE);
              if (expired > 0) {
                log.info("due-dates: {} invoices passed their due date", expired);
              }
            });
  }

  public static DueDateScheduler start(Invoices invoices, Duration interval, Duration grace) {
    return new DueDateScheduler(invoices, interval, grace);
  }

  /** Runs the check now instead of at the next tick. */
  public void wake() {
    ticker.wake();
  }

  @Override
  public void close() {
    ticker.close();
  }
}
