package mimbla.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that starts at a chosen instant, runs at real speed, and can be moved forward, so tests
 * can pass due dates without waiting while every timestamp still differs.
 */
public final class ShiftableClock extends Clock {
  private final Instant start;
  private final long startNanos = System.nanoTime();
  private volatile Duration shift = Duration.ZERO;

  public ShiftableClock(Instant start) {
    this.start = start;
  }

  public void advance(Duration by) {
    shift = shift.plus(by);
  }

  @Override
  public Instant instant() {
    return start.plusNanos(System.nanoTime() - startNanos).plus(shift);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("tests run in UTC");
  }
}
