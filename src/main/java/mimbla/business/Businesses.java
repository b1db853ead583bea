package mimbla.business;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import mimbla.chain.Crypto;
import mimbla.ids.RandomText;
import mimbla.store.Store;
import mimbla.store.Timestamps;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Businesses and their API keys. A key is 40 random base62 characters; its first 8 are a public
 * prefix used to find it and to name it when revoking, and only a SHA-256 hash of the whole key is
 * stored. The key has about 238 bits of entropy, so a fast hash is safe.
 */
public final class Businesses {
  private static final Logger log = LoggerFactory.getLogger(Businesses.class);

  public static final int KEY_LENGTH = 40;
  public static final int PREFIX_LENGTH = 8;
  private static final int MAX_NAME_LENGTH = 100;
  private static final String COLUMNS = "id, name, client_id, cryptos, created_at";

  /** A business with a key shown to its owner this once. */
  public record Issued(Business business, String apiKey) {
    public String keyPrefix() {
      return apiKey.substring(0, PREFIX_LENGTH);
    }
  }

  private final Store store;
  private final Clock clock;

  public Businesses(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Creates a business with its first API key. */
  public Issued create(String name, Set<Crypto> cryptos) {
    String cleanName = validName(name);
    Business business =
        new Business(
            UUID.randomUUID().toString(),
            cleanName,
            RandomText.base62(24),
            cryptos,
            clock.instant());
    try {
      return store.inTransaction(
          handle -> {
            insertBusiness(handle, business);
            return new Issued(business, insertKey(handle, business));
          });
    } catch (RuntimeException e) {
      if (store.isUniqueViolation(e)) {
        throw new BusinessException("A business named \"" + cleanName + "\" already exists");
      }
      throw e;
    }
  }

  /** Issues another API key for a business; earlier keys stay valid. */
  public Issued issueKey(String name) {
    return store.inTransaction(
        handle -> {
          Business business =
              byName(handle, name)
                  .orElseThrow(() -> new BusinessException("No business named \"" + name + "\""));
          return new Issued(business, insertKey(handle, business));
        });
  }

  /** Revokes the key that starts with the given prefix (the first 8 characters or more). */
  public Business revoke(String keyOrPrefix) {
    if (keyOrPrefix == null || keyOrPrefix.length() < PREFIX_LENGTH) {
      throw new BusinessException(
          "Give at least the first " + PREFIX_LENGTH + " characters of the key to revoke");
    }
    String prefix = keyOrPrefix.substring(0, PREFIX_LENGTH);
    return store.inTransaction(
        handle -> {
          int revoked =
              handle
                  .createUpdate(
                      "UPDATE api_key SET revoked_at = :now"
                          + " WHERE prefix = :prefix AND revoked_at IS NULL")
                  .bind("now", Timestamps.micros(clock.instant()))
                  .bind("prefix", prefix)
                  .execute();
          if (revoked == 0) {
            throw new BusinessException("No active API key starts with " + prefix);
          }
          Business business =
              handle
                  .createQuery(
                      "SELECT b.id, b.name, b.client_id, b.cryptos, b.created_at FROM business b"
                          + " JOIN api_key k ON k.business_id = b.id WHERE k.prefix = :prefix")
                  .bind("prefix", prefix)
                  .map(Businesses::business)
                  .one();
          log.info("business={} key={} revoked", business.id(), prefix);
          return business;
        });
  }

  /** The business an API key belongs to, if the key is known and not revoked. */
  public Optional<Business> authenticate(String apiKey) {
    if (apiKey == null || apiKey.length() != KEY_LENGTH) {
      return Optional.empty();
    }
    byte[] offered = sha256(apiKey);
    return store.read(
        handle ->
            handle
                .createQuery(
                    "SELECT k.hash, b.id, b.name, b.client_id, b.cryptos, b.created_at"
                        + " FROM api_key k JOIN business b ON b.id = k.business_id"
                        + " WHERE k.prefix = :prefix AND k.revoked_at IS NULL")
                .bind("prefix", apiKey.substring(0, PREFIX_LENGTH))
                .map(
                    (row, context) -> {
                      byte[] stored = HexFormat.of().parseHex(row.getString("hash"));
                      return MessageDigest.isEqual(stored, offered)
                          ? Optional.of(business(row, context))
                          : Optional.<Business>empty();
                    })
                .findOne()
                .flatMap(match -> match));
  }

  /** The business with this id: for parts that hold an id, such as the pay page's invoice. */
  public Optional<Business> byId(String id) {
    return store.read(
        handle ->
            handle
                .createQuery("SELECT " + COLUMNS + " FROM business WHERE id = :id")
                .bind("id", id)
                .map(Businesses::business)
                .findOne());
  }

  /** Whether the API key with this prefix exists and is not revoked. */
  public boolean keyActive(String prefix) {
    return store.read(
        handle ->
            handle
                    .createQuery(
                        "SELECT COUNT(*) FROM api_key WHERE prefix = :prefix AND revoked_at IS NULL")
                    .bind("prefix", prefix)
                    .mapTo(Integer.class)
                    .one()
                > 0);
  }

  /** The business a browser SDK client id names. */
  public Optional<Business> byClientId(String clientId) {
    if (clientId == null || clientId.isBlank() || clientId.length() > 40) {
      return Optional.empty();
    }
    return store.read(
        handle ->
            handle
                .createQuery("SELECT " + COLUMNS + " FROM business WHERE client_id = :clientId")
                .bind("clientId", clientId)
                .map(Businesses::business)
                .findOne());
  }

  /**
   * Replaces the web origins allowed to use the business's client id with the SDK API; an empty
   * list turns the SDK API off for it. Returns the origins as stored.
   */
  public List<String> allowOrigins(String name, List<String> origins) {
    List<String> normalized = origins.stream().map(Origins::normalize).distinct().toList();
    store.useTransaction(
        handle -> {
          Business business =
              byName(handle, name)
                  .orElseThrow(() -> new BusinessException("No business named \"" + name + "\""));
          handle
              .createUpdate("DELETE FROM sdk_origin WHERE business_id = :id")
              .bind("id", business.id())
              .execute();
          for (String origin : normalized) {
            handle
                .createUpdate("INSERT INTO sdk_origin (business_id, origin) VALUES (:id, :origin)")
                .bind("id", business.id())
                .bind("origin", origin)
                .execute();
          }
          log.info("business={} sdk origins set: {}", business.id(), normalized.size());
        });
    return normalized;
  }

  /** The web origins allowed to use the business's client id, sorted. */
  public List<String> origins(String businessId) {
    return store.read(
        handle ->
            handle
                .createQuery(
                    "SELECT origin FROM sdk_origin WHERE business_id = :id ORDER BY origin")
                .bind("id", businessId)
                .mapTo(String.class)
                .list());
  }

  /**
   * Whether any business allows this origin: what a CORS preflight, which has no client id, can
   * ask.
   */
  public boolean anyAllows(String origin) {
    return store.read(
        handle ->
            handle
                    .createQuery("SELECT COUNT(*) FROM sdk_origin WHERE origin = :origin")
                    .bind("origin", origin)
                    .mapTo(Integer.class)
                    .one()
                > 0);
  }

  public Optional<Business> byName(String name) {
    return store.read(handle -> byName(handle, name));
  }

  public List<Business> list() {
    return store.read(
        handle ->
            handle
                .createQuery("SELECT " + COLUMNS + " FROM business ORDER BY created_at, name")
                .map(Businesses::business)
                .list());
  }

  private static Optional<Business> byName(Handle handle, String name) {
    return handle
        .createQuery("SELECT " + COLUMNS + " FROM business WHERE name = :name")
        .bind("name", name)
        .map(Businesses::business)
        .findOne();
  }

  private void insertBusiness(Handle handle, Business business) {
    handle
        .createUpdate(
            "INSERT INTO business (id, name, client_id, cryptos, created_at)"
                + " VALUES (:id, :name, :clientId, :cryptos, :createdAt)")
        .bind("id", business.id())
        .bind("name", business.name())
        .bind("clientId", business.clientId())
        .bind(
            "cryptos",
            business.cryptos().isEmpty()
                ? null
                : EnumSet.copyOf(business.cryptos()).stream()
                    .map(Crypto::name)
                    .collect(Collectors.joining(",")))
        .bind("createdAt", Timestamps.micros(business.createdAt()))
        .execute();
  }

  private String insertKey(Handle handle, Business business) {
    String key = RandomText.base62(KEY_LENGTH);
    handle
        .createUpdate(
            "INSERT INTO api_key (id, business_id, prefix, hash, created_at)"
                + " VALUES (:id, :businessId, :prefix, :hash, :now)")
        .bind("id", UUID.randomUUID().toString())
        .bind("businessId", business.id())
        .bind("prefix", key.substring(0, PREFIX_LENGTH))
        .bind("hash", HexFormat.of().formatHex(sha256(key)))
        .bind("now", Timestamps.micros(clock.instant()))
        .execute();
    log.info("business={} key={} issued", business.id(), key.substring(0, PREFIX_LENGTH));
    return key;
  }

  private static Business business(ResultSet row, StatementContext context) throws SQLException {
    String cryptos = row.getString("cryptos");
    Set<Crypto> accepted = EnumSet.noneOf(Crypto.class);
    if (cryptos != null) {
      Arrays.stream(cryptos.split(","))
          .flatMap(s -> Crypto.bySymbol(s).stream())
          .forEach(accepted::add);
    }
    return new Business(
        row.getString("id"),
        row.getString("name"),
        row.getString("client_id"),
        accepted,
        Timestamps.instant(row.getLong("created_at")));
  }

  private static String validName(String name) {
    String trimmed = name == null ? "" : name.strip();
    if (trimmed.isEmpty() || trimmed.length() > MAX_NAME_LENGTH) {
      throw new BusinessException(
          "A business name must have 1 to " + MAX_NAME_LENGTH + " characters");
    }
    if (trimmed.codePoints().anyMatch(Character::isISOControl)) {
      throw new BusinessException("A business name cannot contain control characters");
    }
    return trimmed;
  }

  private static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
