package mimbla.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Instants as the database keeps them (microseconds since the epoch in a BIGINT, the same on SQLite
 * and PostgreSQL) and as the API writes them (Laravel's {@code .000000Z} form).
 */
public final class Timestamps {
  private static final DateTimeFormatter WIRE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  public static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  public static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  /** UTC with six fraction digits and {@code Z}: {@code 2024-09-30T23:59:59.000000Z}. */
  public static String wire(Instant instant) {
    return WIRE.format(instant);
  }

  public static String wire(long micros) {
    return wire(instant(micros));
  }
}
