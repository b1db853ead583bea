package mimbla.net;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one attempt to send a webhook came to: an HTTP status (any status ends the attempt) or a
 * failure with its kind, plus when it started, how long it took and which route it took.
 */
public record Outcome(
    String route,
    Instant startedAt,
    Duration duration,
    OptionalInt httpStatus,
    Optional<Failure> failure) {

  /** Why no HTTP answer arrived. The kind is a stable word; the message is for people. */
  public record Failure(String kind, String message) {}

  static Outcome answered(String route, Instant startedAt, Duration duration, int status) {
    return new Outcome(route, startedAt, duration, OptionalInt.of(status), Optional.empty());
  }

  static Outcome failed(
      String route, Instant startedAt, Duration duration, String kind, String message) {
    return new Outcome(
        route, startedAt, duration, OptionalInt.empty(), Optional.of(new Failure(kind, message)));
  }

  /** The status, or the failure kind: what a listing or a metric shows in one word. */
  public String summary() {
    if (httpStatus.isPresent()) {
      return Integer.toString(httpStatus.getAsInt());
    }
    return failure.map(Failure::kind).orElse("unknown");
  }

  /**
   * Whether an automatic retry could help: no answer at all, or an answer that says "later" (408,
   * 429, 5xx). A refused address or a URL that cannot be sent stays refused, so it is final.
   */
  public boolean retryable() {
    if (httpStatus.isPresent()) {
      int status = httpStatus.getAsInt();
      return status == 408 || status == 429 || status >= 500;
    }
    String kind = failure.map(Failure::kind).orElse("");
    return !List.of(Failures.BLOCKED, Failures.URL, Failures.TOR_OFF, Failures.ONION_BAD_ADDRESS)
        .contains(kind);
  }
}
