package mimbla.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import mimbla.business.Business;
import mimbla.business.Businesses;
import mimbla.ids.RandomText;
import mimbla.store.Store;
import mimbla.store.Timestamps;

/**
 * Dashboard sign-ins, kept in the database so that every node behind a load balancer knows them.
 * The browser holds a random token in an HttpOnly cookie, never the API key; the database holds the
 * token's SHA-256. A session ends when it expires, when its merchant signs out, or when the key it
 * was opened with is revoked.
 */
final class Sessions {
  static final Duration LIFETIME = Duration.ofHours(12);
  private static final int TOKEN_LENGTH = 40;

  private final Store store;
  private final Businesses businesses;
  private final Clock clock;

  Sessions(Store store, Businesses businesses, Clock clock) {
    this.store = store;
    this.businesses = businesses;
    this.clock = clock;
  }

  /** A signed-in merchant, and the token each of their forms must carry. */
  record Session(Business business, String csrf) {}

  /** A new session: the token for the cookie, shown once. */
  record Opened(String token, Session session) {}

  Opened open(Business business, String keyPrefix) {
    String token = RandomText.base62(TOKEN_LENGTH);
    String csrf = RandomText.base62(TOKEN_LENGTH);
    Instant now = clock.instant();
    store.useTransaction(
        handle -> {
          // Expired rows go as new ones come: the table holds live sessions and few others.
          handle
              .createUpdate("DELETE FROM dashboard_session WHERE expires_at < :now")
              .bind("now", Timestamps.micros(now))
              .execute();
          handle
              .createUpdate(
                  "INSERT INTO dashboard_session"
                      + " (id, business_id, key_prefix, csrf, created_at, expires_at)"
                      + " VALUES (:id, :businessId, :prefix, :csrf, :now, :expires)")
              .bind("id", hash(token))
              .bind("businessId", business.id())
              .bind("prefix", keyPrefix)
              .bind("csrf", csrf)
              .bind("now", Timestamps.micros(now))
              .bind("expires", Timestamps.micros(now.plus(LIFETIME)))
              .execute();
        });
    return new Opened(token, new Session(business, csrf));
  }

  /** The live session a cookie names, if any. */
  Optional<Session> find(String token) {
    if (token == null || token.length() != TOKEN_LENGTH) {
      return Optional.empty();
    }
    record Row(String businessId, String keyPrefix, String csrf) {}
    Optional<Row> row =
        store.read(
            handle ->
                handle
                    .createQuery(
                        "SELECT business_id, key_prefix, csrf FROM dashboard_session"
                            + " WHERE id = :id AND expires_at > :now")
                    .bind("id", hash(token))
                    .bind("now", Timestamps.micros(clock.instant()))
                    .map(
                        (r, context) ->
                            new Row(
                                r.getString("business_id"),
                                r.getString("key_prefix"),
                                r.getString("csrf")))
                    .findOne());
    return row.filter(found -> businesses.keyActive(found.keyPrefix()))
        .flatMap(
            found -> businesses.byId(found.businessId()).map(b -> new Session(b, found.csrf())));
  }

  void close(String token) {
    if (token == null) {
      return;
    }
    store.useTransaction(
        handle ->
            handle
                .createUpdate("DELETE FROM dashboard_session WHERE id = :id")
                .bind("id", hash(token))
                .execute());
  }

  /** Compares a form's token with the expected one in constant time. */
  static boolean sameToken(String expected, String offered) {
    return offered != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), offered.getBytes(StandardCharsets.UTF_8));
  }

  private static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
