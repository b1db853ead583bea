package mimbla.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import mimbla.net.Outcome;

/**
 * When to try a delivery again. Empty by default: Mimbla sends once, and so do we unless the
 * operator sets a schedule. A retry is a due time stored on the delivery row, never a sleeping
 * thread, so waiting retries cost nothing and hold nothing back.
 */
record RetryPolicy(List<Duration> schedule) {
  RetryPolicy {
    schedule = List.copyOf(schedule);
  }

  /** How long to wait before the next attempt, after {@code attemptsMade} attempts. */
  Optional<Duration> next(int attemptsMade, Outcome outcome) {
    if (!outcome.retryable() || attemptsMade > schedule.size()) {
      return Optional.empty();
    }
    return Optional.of(schedule.get(attemptsMade - 1));
  }
}
