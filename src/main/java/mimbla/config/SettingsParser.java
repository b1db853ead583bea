package mimbla.config;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mimbla.chain.Crypto;
import mimbla.config.RawSettings.Value;
import mimbla.config.Settings.CryptoSettings;
import mimbla.config.Settings.Database;
import mimbla.net.IpRange;
import mimbla.net.TorMode;
import mimbla.rates.Fiat;

/**
 * Turns text values into a {@link Settings}, one setting at a time, failing on the first bad one.
 */
final class SettingsParser {
  static final String BITCOIN_RPC = "bitcoin-rpc";
  static final String MONERO_RPC = "monero-rpc";

  /** What getnewaddress accepts; MWEB addresses are left out on purpose (see the README). */
  static final Set<String> ADDRESS_TYPES = Set.of("legacy", "p2sh-segwit", "bech32", "bech32m");

  static final Set<String> SOURCES = Set.of("sandbox", BITCOIN_RPC, MONERO_RPC);
  static final Set<String> RATE_PROVIDERS = Set.of("fixed", "coingecko");

  private static final Pattern HOST_PORT =
      Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)\\]|([A-Za-z0-9.-]+)):(\\d{1,5})");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  private static final Pattern POSTGRES_URL =
      Pattern.compile("postgres(?:ql)?://(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]+)(/[^?]*)?(\\?.*)?");

  private final RawSettings raw;

  SettingsParser(RawSettings raw) {
    this.raw = raw;
  }

  Settings parse() {
    Path dataDir = path("data.dir");
    boolean sandbox = bool("sandbox.enabled");
    List<Crypto> cryptos = cryptos("cryptos");

    Map<Crypto, CryptoSettings> crypto = new EnumMap<>(Crypto.class);
    for (Crypto each : cryptos) {
      crypto.put(each, cryptoSettings(each, sandbox));
    }

    return new Settings(
        text("server.host"),
        integer("server.port", 0, 65535),
        publicUrl("server.public-url"),
        dataDir,
        database(dataDir),
        List.copyOf(cryptos),
        Map.copyOf(crypto),
        sandbox,
        rates(cryptos),
        decimal("invoice.minimum-usd", true),
        duration("payments.poll-interval"),
        duration("payments.watch-after"),
        duration("payments.confirmation-grace"),
        duration("invoices.expiry-interval"),
        webhooks(),
        bool("metrics.enabled"));
  }

  private Settings.Webhooks webhooks() {
    Duration connectTimeout = duration("webhooks.connect-timeout");
    Duration timeout = duration("webhooks.timeout");
    Value lease = raw.value("webhooks.lease");
    Duration leaseLength = duration(lease);
    if (leaseLength.compareTo(timeout.plus(connectTimeout)) <= 0) {
      // A lease that ends while its delivery is still in flight lets another node send it too.
      throw SettingException.bad(
          lease, "a duration longer than webhooks.timeout plus webhooks.connect-timeout");
    }
    return new Settings.Webhooks(
        connectTimeout,
        timeout,
        leaseLength,
        duration("webhooks.poll-interval"),
        integer("webhooks.max-concurrent", 1, 100_000),
        integer("webhooks.per-host", 1, 10_000),
        durations("webhooks.retries"),
        ipRanges("webhooks.allow-ranges"),
        tor(leaseLength));
  }

  private Settings.Tor tor(Duration lease) {
    Optional<InetSocketAddress> socks = hostPort("tor.socks");
    boolean launch = bool("tor.launch");
    Value modeValue = raw.value("tor");
    TorMode mode =
        modeValue.text().isEmpty()
            ? (socks.isPresent() || launch ? TorMode.ONION : TorMode.OFF)
            : TorMode.named(modeValue.text().toLowerCase(Locale.ROOT))
                .orElseThrow(() -> SettingException.bad(modeValue, "off, onion or all"));
    if (mode != TorMode.OFF && socks.isEmpty() && !launch) {
      throw SettingException.bad(
          modeValue, "off, unless tor.socks names a Tor SOCKS port or tor.launch is true");
    }

    Duration connectTimeout = duration("webhooks.tor-connect-timeout");
    Value timeout = raw.value("webhooks.tor-timeout");
    Duration timeoutLength = duration(timeout);
    if (mode != TorMode.OFF && lease.compareTo(timeoutLength.plus(connectTimeout)) <= 0) {
      throw SettingException.bad(
          raw.value("webhooks.lease"),
          "a duration longer than webhooks.tor-timeout plus webhooks.tor-connect-timeout");
    }
    return new Settings.Tor(
        mode,
        socks,
        hostPort("tor.control"),
        launch,
        text("tor.binary"),
        raw.value("tor.config-file").text().isEmpty()
            ? Optional.empty()
            : Optional.of(path("tor.config-file")),
        path("data.dir").resolve("tor"),
        duration("tor.bootstrap-timeout"),
        connectTimeout,
        timeoutLength);
  }

  /** {@code host:port} or {@code [v6]:port}, or nothing. */
  private Optional<InetSocketAddress> hostPort(String key) {
    Value value = raw.value(key);
    if (value.text().isEmpty()) {
      return Optional.empty();
    }
    Matcher matcher = HOST_PORT.matcher(value.text());
    if (matcher.matches()) {
      String host = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
      int port = Integer.parseInt(matcher.group(3));
      if (port >= 1 && port <= 65535) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
          throw SettingException.bad(value, "host:port with a host this machine can resolve");
        }
        return Optional.of(address);
      }
    }
    throw SettingException.bad(value, "host:port such as 127.0.0.1:9050, or nothing");
  }

  private List<Duration> durations(String key) {
    Value value = raw.value(key);
    List<Duration> durations = new ArrayList<>();
    for (String part : value.text().split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        durations.add(duration(new Value(key, part.trim(), value.origin())));
      } catch (SettingException e) {
        throw SettingException.bad(
            value, "comma-separated durations above zero such as 1m,10m,1h, or nothing");
      }
    }
    if (durations.size() > 20) {
      throw SettingException.bad(value, "at most 20 retry delays");
    }
    return List.copyOf(durations);
  }

  private List<IpRange> ipRanges(String key) {
    Value value = raw.value(key);
    try {
      return List.copyOf(IpRange.parseList(value.text()));
    } catch (IllegalArgumentException e) {
      throw SettingException.bad(
          value,
          "comma-separated address ranges such as 10.0.0.0/8, fd00::/8 (" + e.getMessage() + ")");
    }
  }

  URI localUrl() {
    String host = text("server.host");
    int port = integer("server.port", 1, 65535);
    String reachable =
        host.equals("0.0.0.0") || host.equals("::")
            ? "localhost"
            : host.contains(":") ? "[" + host + "]" : host;
    return URI.create("http://" + reachable + ":" + port);
  }

  Settings.Webhooks webhooksOnly() {
    return webhooks();
  }

  Database databaseOnly() {
    return database(path("data.dir"));
  }

  private CryptoSettings cryptoSettings(Crypto crypto, boolean sandbox) {
    String prefix = "crypto." + crypto + ".";
    Value source = raw.value(prefix + "source");
    if (!SOURCES.contains(source.text())) {
      throw SettingException.bad(source, "a payment source, one of " + SOURCES);
    }
    if (source.text().equals("sandbox") && !sandbox) {
      throw SettingException.bad(
          source,
          "the sandbox source pays invoices with play money, so it needs sandbox.enabled = true;"
              + " for real payments use "
              + (crypto == Crypto.XMR ? MONERO_RPC : BITCOIN_RPC));
    }
    if (source.text().equals(BITCOIN_RPC) && crypto == Crypto.XMR) {
      throw SettingException.bad(source, "monero-rpc or sandbox: XMR has no Bitcoin-style wallet");
    }
    if (source.text().equals(MONERO_RPC) && crypto != Crypto.XMR) {
      throw SettingException.bad(source, "bitcoin-rpc or sandbox: monero-rpc serves XMR only");
    }

    int confirmations = integer(prefix + "confirmations", 0, 1000);
    Optional<Settings.Rpc> rpc =
        source.text().equals("sandbox") ? Optional.empty() : Optional.of(rpc(crypto, prefix));
    return new CryptoSettings(source.text(), confirmations, rpc);
  }

  private Settings.Rpc rpc(Crypto crypto, String prefix) {
    Value url = raw.value(prefix + "rpc-url");
    URI uri = rpcUrl(url);
    String user = raw.value(prefix + "rpc-user").text();
    String password = raw.value(prefix + "rpc-password").text();

    if (crypto == Crypto.XMR) {
      int account = integer(prefix + "account", 0, Integer.MAX_VALUE);
      return new Settings.Rpc(uri, user, password, Optional.empty(), "", "", account);
    }

    Optional<Path> cookie =
        raw.optional(prefix + "rpc-cookie-file").map(value -> pathOf(value, value.text()));
    if (cookie.isPresent() && !(user.isEmpty() && password.isEmpty())) {
      throw SettingException.bad(
          raw.value(prefix + "rpc-cookie-file"),
          "either a cookie file or " + prefix + "rpc-user and rpc-password, not both");
    }
    Value addressType = raw.value(prefix + "address-type");
    if (!addressType.text().isEmpty() && !ADDRESS_TYPES.contains(addressType.text())) {
      throw SettingException.bad(
          addressType,
          "empty (the wallet's default) or one of "
              + ADDRESS_TYPES
              + "; MWEB addresses are never handed out");
    }
    return new Settings.Rpc(
        uri, user, password, cookie, raw.value(prefix + "wallet").text(), addressType.text(), 0);
  }

  private static URI rpcUrl(Value value) {
    if (value.text().contains("@")) {
      // The value is not echoed: it would put the password in the error message.
      throw new SettingException(
          "Bad setting %s (%s): a URL without user name or password (the value is not shown);"
                  .formatted(value.key(), value.origin())
              + " put credentials in the rpc-user and rpc-password settings");
    }
    try {
      URI uri = new URI(value.text());
      boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
      if (http
          && uri.getHost() != null
          && uri.getPort() > 0
          && uri.getRawUserInfo() == null
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // Reported below.
    }
    throw SettingException.bad(
        value,
        "an http:// URL with host and port, such as http://127.0.0.1:8332, credentials in the"
            + " rpc-user and rpc-password settings");
  }

  private Settings.Rates rates(List<Crypto> cryptos) {
    Value provider = raw.value("rates.provider");
    if (!RATE_PROVIDERS.contains(provider.text())) {
      throw SettingException.bad(provider, "a rates provider, one of " + RATE_PROVIDERS);
    }

    Map<Crypto, BigDecimal> fixedUsd = new EnumMap<>(Crypto.class);
    for (Crypto crypto : Crypto.values()) {
      optionalDecimal("rates.fixed." + crypto).ifPresent(price -> fixedUsd.put(crypto, price));
    }
    if (provider.text().equals("fixed")) {
      for (Crypto crypto : cryptos) {
        if (!fixedUsd.containsKey(crypto)) {
          throw SettingException.bad(
              raw.value("rates.fixed." + crypto),
              "rates.provider = fixed needs a USD price for every crypto in cryptos");
        }
      }
    }

    Map<Fiat, BigDecimal> fixedFiat = new EnumMap<>(Fiat.class);
    fixedFiat.put(Fiat.USD, BigDecimal.ONE);
    for (Fiat fiat : Fiat.values()) {
      if (fiat != Fiat.USD) {
        optionalDecimal("rates.fixed.fiat." + fiat).ifPresent(rate -> fixedFiat.put(fiat, rate));
      }
    }

    return new Settings.Rates(
        provider.text(),
        duration("rates.refresh"),
        duration("rates.max-age"),
        httpUrl("rates.coingecko.url"),
        raw.value("rates.coingecko.api-key").text(),
        Map.copyOf(fixedUsd),
        Map.copyOf(fixedFiat));
  }

  private Database database(Path dataDir) {
    Value url = raw.value("database.url");
    String user = raw.value("database.user").text();
    String password = raw.value("database.password").text();
    int poolSize = integer("database.pool-size", 1, 200);
    String text = url.text();

    if (text.isEmpty()) {
      return sqlite(dataDir.resolve("mimbla.db"), poolSize);
    }
    if (text.startsWith("jdbc:postgresql://")) {
      return new Database(Database.Kind.POSTGRESQL, text, user, password, poolSize);
    }
    if (text.startsWith("postgres://") || text.startsWith("postgresql://")) {
      return postgresFromUri(url, user, password, poolSize);
    }
    if (text.startsWith("jdbc:sqlite:")) {
      return sqlite(pathOf(url, text.substring("jdbc:sqlite:".length())), poolSize);
    }
    if (text.startsWith("sqlite:")) {
      return sqlite(pathOf(url, text.substring("sqlite:".length())), poolSize);
    }
    if (text.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !text.matches("[a-zA-Z]:[\\\\/].*")) {
      throw SettingException.bad(
          url, "a SQLite file path, sqlite:PATH, postgresql://… or jdbc:postgresql://…");
    }
    return sqlite(pathOf(url, text), poolSize);
  }

  private static Database sqlite(Path file, int poolSize) {
    // SQLite takes one writer at a time; a few connections serve concurrent readers.
    return new Database(Database.Kind.SQLITE, "jdbc:sqlite:" + file, "", "", Math.min(poolSize, 8));
  }

  private static Database postgresFromUri(Value url, String user, String password, int poolSize) {
    Matcher matcher = POSTGRES_URL.matcher(url.text());
    if (!matcher.matches() || matcher.group(4) == null || matcher.group(4).length() < 2) {
      throw SettingException.bad(url, "postgresql://[user[:password]@]host[:port]/database");
    }
    String uriUser = decode(matcher.group(1));
    String uriPassword = decode(matcher.group(2));
    String query = matcher.group(5) == null ? "" : matcher.group(5);
    String jdbc = "jdbc:postgresql://" + matcher.group(3) + matcher.group(4) + query;
    return new Database(
        Database.Kind.POSTGRESQL,
        jdbc,
        user.isEmpty() ? uriUser : user,
        password.isEmpty() ? uriPassword : password,
        poolSize);
  }

  private static String decode(String part) {
    return part == null ? "" : URLDecoder.decode(part, StandardCharsets.UTF_8);
  }

  private List<Crypto> cryptos(String key) {
    Value value = raw.value(key);
    List<Crypto> cryptos = new ArrayList<>();
    for (String symbol : value.text().split(",")) {
      String trimmed = symbol.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      Crypto crypto =
          Crypto.bySymbol(trimmed)
              .orElseThrow(
                  () ->
                      SettingException.bad(
                          value, "a comma-separated list of BTC, BCH, LTC, XMR (upper-case)"));
      if (cryptos.contains(crypto)) {
        throw SettingException.bad(value, trimmed + " is listed twice");
      }
      cryptos.add(crypto);
    }
    if (cryptos.isEmpty()) {
      throw SettingException.bad(value, "at least one of BTC, BCH, LTC, XMR");
    }
    return cryptos;
  }

  private String text(String key) {
    Value value = raw.value(key);
    if (value.text().isEmpty()) {
      throw SettingException.bad(value, "a value");
    }
    return value.text();
  }

  private int integer(String key, int min, int max) {
    Value value = raw.value(key);
    try {
      int number = Integer.parseInt(value.text());
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // Reported below with the range that was wanted.
    }
    throw SettingException.bad(value, "a whole number from %d to %d".formatted(min, max));
  }

  private boolean bool(String key) {
    Value value = raw.value(key);
    return switch (value.text().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw SettingException.bad(value, "true or false");
    };
  }

  private BigDecimal decimal(String key, boolean zeroAllowed) {
    Value value = raw.value(key);
    return parseDecimal(value, zeroAllowed);
  }

  private Optional<BigDecimal> optionalDecimal(String key) {
    return raw.optional(key).map(value -> parseDecimal(value, false));
  }

  private static BigDecimal parseDecimal(Value value, boolean zeroAllowed) {
    try {
      BigDecimal number = new BigDecimal(value.text());
      int sign = number.signum();
      if (sign > 0 || (zeroAllowed && sign == 0)) {
        return number;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw SettingException.bad(
        value, zeroAllowed ? "a number, zero or more" : "a number greater than zero");
  }

  private Duration duration(String key) {
    return duration(raw.value(key));
  }

  private static Duration duration(Value value) {
    String text = value.text();
    Matcher matcher = DURATION.matcher(text);
    Duration duration = null;
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      duration =
          switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          };
    } else if (text.startsWith("P") || text.startsWith("p")) {
      try {
        duration = Duration.parse(text);
      } catch (DateTimeParseException e) {
        duration = null;
      }
    }
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw SettingException.bad(value, "a duration above zero such as 500ms, 30s, 5m, 2h, 7d");
    }
    return duration;
  }

  private Path path(String key) {
    Value value = raw.value(key);
    if (value.text().isEmpty()) {
      throw SettingException.bad(value, "a folder path");
    }
    return pathOf(value, value.text());
  }

  private static Path pathOf(Value value, String text) {
    try {
      if (text.isBlank()) {
        throw new InvalidPathException(text, "empty");
      }
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw SettingException.bad(value, "a file path");
    }
  }

  private URI publicUrl(String key) {
    URI uri = httpUrl(key);
    Value value = raw.value(key);
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw SettingException.bad(value, "a base URL without query or fragment");
    }
    String text = uri.toString();
    return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
  }

  private URI httpUrl(String key) {
    Value value = raw.value(key);
    try {
      URI uri = new URI(value.text());
      String scheme = uri.getScheme();
      if (scheme != null
          && (scheme.equals("http") || scheme.equals("https"))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // Reported below.
    }
    throw SettingException.bad(value, "an http:// or https:// URL with a host");
  }
}
