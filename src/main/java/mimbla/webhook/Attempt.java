package mimbla.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One attempt to send a delivery: when, how long, which route, and the HTTP status or why there was
 * none. {@code reclaimed} marks an attempt made after a lease ran out (a node died or stalled
 * mid-send), when the receiver may already have seen the notification.
 */
public record Attempt(
    int number,
    Instant startedAt,
    Duration duration,
    String route,
    OptionalInt httpStatus,
    Optional<String> errorKind,
    Optional<String> errorMessage,
    boolean reclaimed,
    String node) {}
