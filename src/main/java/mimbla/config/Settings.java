package mimbla.config;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mimbla.chain.Crypto;
import mimbla.net.IpRange;
import mimbla.net.TorMode;
import mimbla.rates.Fiat;

/**
 * Everything the server reads from its configuration, validated. Built by {@link #from}; every
 * field is documented with its default in the README's configuration reference.
 */
public record Settings(
    String host,
    int port,
    URI publicUrl,
    Path dataDir,
    Database database,
    List<Crypto> cryptos,
    Map<Crypto, CryptoSettings> crypto,
    boolean sandbox,
    Rates rates,
    BigDecimal minimumUsd,
    Duration paymentPollInterval,
    Duration watchAfterSettled,
    Duration confirmationGrace,
    Duration expiryInterval,
    Webhooks webhooks,
    boolean metrics) {

  /** How to reach the database. */
  public record Database(Kind kind, String jdbcUrl, String user, String password, int poolSize) {
    public enum Kind {
      SQLITE,
      POSTGRESQL
    }

    @Override
    public String toString() {
      return "Database[" + kind + " " + jdbcUrl + "]";
    }
  }

  /**
   * One crypto's payment source, the confirmations a payment needs, and for a chain source how to
   * reach its wallet.
   */
  public record CryptoSettings(String source, int confirmations, Optional<Rpc> rpc) {
    public CryptoSettings(String source, int confirmations) {
      this(source, confirmations, Optional.empty());
    }
  }

  /**
   * A daemon's or wallet's JSON-RPC endpoint: its URL, HTTP credentials or a cookie file, the
   * wallet to use (Bitcoin Core family), the address type to ask for (empty: the wallet's default)
   * and the account (Monero). Only host and port are ever shown.
   */
  public record Rpc(
      URI url,
      String user,
      String password,
      Optional<Path> cookieFile,
      String wallet,
      String addressType,
      int account) {

    @Override
    public String toString() {
      return url.getHost() + ":" + url.getPort();
    }
  }

  /** Where fiat prices come from and how fresh they must be. */
  public record Rates(
      String provider,
      Duration refresh,
      Duration maxAge,
      URI coinGeckoUrl,
      String coinGeckoApiKey,
      Map<Crypto, BigDecimal> fixedUsd,
      Map<Fiat, BigDecimal> fixedFiatPerUsd) {

    @Override
    public String toString() {
      return "Rates[" + provider + ", refresh " + refresh + ", max age " + maxAge + "]";
    }
  }

  /**
   * How notifications are sent: timeouts of one attempt, the lease a claimed delivery carries, the
   * backstop poll, concurrency in all and per destination host, the retry schedule (empty: one
   * attempt, as Mimbla does) and the special-purpose address ranges a webhook may reach.
   */
  public record Webhooks(
      Duration connectTimeout,
      Duration timeout,
      Duration lease,
      Duration pollInterval,
      int maxConcurrent,
      int perHost,
      List<Duration> retries,
      List<IpRange> allowedRanges,
      Tor tor) {}

  /**
   * Which webhooks go through Tor and which Tor they use: one the operator runs ({@code socks},
   * optionally its {@code control} port) or one this server launches with a torrc of its own in
   * {@code folder}, adding the lines of {@code configFile}. A Tor-routed attempt has its own,
   * longer timeouts.
   */
  public record Tor(
      TorMode mode,
      Optional<InetSocketAddress> socks,
      Optional<InetSocketAddress> control,
      boolean launch,
      String binary,
      Optional<Path> configFile,
      Path folder,
      Duration bootstrapTimeout,
      Duration connectTimeout,
      Duration timeout) {

    /** The same Tor settings, with a launched tor kept in another folder. */
    public Tor inFolder(Path other) {
      return new Tor(
          mode,
          socks,
          control,
          launch,
          binary,
          configFile,
          other,
          bootstrapTimeout,
          connectTimeout,
          timeout);
    }

    @Override
    public String toString() {
      return "Tor["
          + mode
          + (launch ? ", launched" : socks.map(a -> ", socks " + a).orElse(""))
          + "]";
    }
  }

  /** Validates raw values; the first bad one stops start-up with its name and value. */
  public static Settings from(RawSettings raw) {
    return new SettingsParser(raw).parse();
  }

  /** Only the database settings, for commands that touch the store and nothing else. */
  public static Database database(RawSettings raw) {
    return new SettingsParser(raw).databaseOnly();
  }

  /** Only the webhook settings, for the reachability test, which needs nothing else. */
  public static Webhooks webhooks(RawSettings raw) {
    return new SettingsParser(raw).webhooksOnly();
  }

  /** Where a process on this machine reaches the server, from its host and port settings. */
  public static URI localUrl(RawSettings raw) {
    return new SettingsParser(raw).localUrl();
  }

  /** The base every merchant-facing URL is built on, without a trailing slash. */
  public String publicBase() {
    return publicUrl.toString();
  }
}
