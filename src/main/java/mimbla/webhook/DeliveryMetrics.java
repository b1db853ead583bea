package mimbla.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import mimbla.net.Outcome;

/**
 * What the dispatcher exposes at {@code /metrics}: attempts by outcome, how long attempts take, how
 * long due deliveries wait, and the queue. No label names a merchant or a host, so the metrics
 * reveal volume, not who is paid.
 */
final class DeliveryMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> byOutcome = new ConcurrentHashMap<>();
  private final Timer duration;
  private final Timer wait;
  private final AtomicLong queueDepth = new AtomicLong();

  DeliveryMetrics(MeterRegistry registry, IntSupplier inFlight) {
    this.registry = registry;
    this.duration =
        Timer.builder("mimbla.webhook.delivery.duration")
            .description("Time from the start of an attempt to the answer's status line")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(2))
            .register(registry);
    this.wait =
        Timer.builder("mimbla.webhook.delivery.wait")
            .description("Time a delivery waited between becoming due and its attempt starting")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(10))
            .register(registry);
    Gauge.builder("mimbla.webhook.queue.depth", queueDepth, AtomicLong::get)
        .description("Deliveries not yet done: due, waiting for a retry, or in flight")
        .register(registry);
    // Held strongly: the supplier is a lambda nothing else keeps, and a gauge holds its state
    // weakly by default, so it would read NaN after the first garbage collection.
    Gauge.builder("mimbla.webhook.in.flight", inFlight, IntSupplier::getAsInt)
        .description("Attempts this node has in flight now")
        .strongReference(true)
        .register(registry);
  }

  void attempted(Outcome outcome, Duration waited) {
    byOutcome.computeIfAbsent(outcomeClass(outcome), this::counter).increment();
    duration.record(outcome.duration());
    wait.record(waited.isNegative() ? Duration.ZERO : waited);
  }

  void queueDepth(long depth) {
    queueDepth.set(depth);
  }

  private Counter counter(String outcome) {
    return Counter.builder("mimbla.webhook.deliveries")
        .description("Delivery attempts by outcome: HTTP status class, or the failure kind")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** 2xx, 3xx, 4xx, 5xx, or the failure kind: few enough values to be a label. */
  private static String outcomeClass(Outcome outcome) {
    if (outcome.httpStatus().isPresent()) {
      return (outcome.httpStatus().getAsInt() / 100) + "xx";
    }
    return outcome.failure().map(Outcome.Failure::kind).orElse("unknown");
  }
}
