package mimbla.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import mimbla.chain.Crypto;
import mimbla.config.Settings.Database;
import mimbla.net.TorMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Settings: embedded defaults, file and environment layers, and refusals that name the value. */
class SettingsTest {
  @TempDir Path folder;

  static RawSettings sandboxed() {
    return RawSettings.defaults().with("sandbox.enabled", "true", "test");
  }

  @Test
  void defaultsDescribeALocalServer() {
    Settings settings = Settings.from(sandboxed());

    assertThat(settings.host()).isEqualTo("127.0.0.1");
    assertThat(settings.port()).isEqualTo(8080);
    assertThat(settings.publicBase()).isEqualTo("http://localhost:8080");
    assertThat(settings.database().kind()).isEqualTo(Database.Kind.SQLITE);
    assertThat(settings.database().jdbcUrl()).isEqualTo("jdbc:sqlite:./data/mimbla.db");
    assertThat(settings.cryptos()).containsExactly(Crypto.BTC, Crypto.BCH, Crypto.LTC, Crypto.XMR);
    assertThat(settings.crypto().get(Crypto.XMR).confirmations()).isEqualTo(10);
    assertThat(settings.rates().provider()).isEqualTo("coingecko");
    assertThat(settings.rates().refresh()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.minimumUsd()).isEqualByComparingTo(BigDecimal.TEN);
  }

  @Test
  void withoutSandboxTheDefaultSourcesStopStartUpWithTheReason() {
    assertThatThrownBy(() -> Settings.from(RawSettings.defaults()))
        .isInstanceOf(SettingException.class)
        .hasMessageContaining("crypto.BTC.source = \"sandbox\" (default)")
        .hasMessageContaining("sandbox.enabled = true");
  }

  @Test
  void aFileOverridesDefaultsAndTheEnvironmentOverridesTheFile() throws IOException {
    Path file = folder.resolve("mimbla.properties");
    Files.writeString(file, "server.port = 9000\nsandbox.enabled = true\ncryptos = XMR, BTC\n");

    RawSettings raw =
        RawSettings.defaults()
            .withFile(file)
            .withEnvironment(
                Map.of(
                    "MIMBLA_SERVER_PORT",
                    "9100",
                    "MIMBLA_SERVER_PUBLIC_URL",
                    "https://pay.shop.example/",
                    "PATH",
                    "/bin"));
    Settings settings = Settings.from(raw);

    assertThat(settings.port()).isEqualTo(9100);
    assertThat(settings.publicBase()).isEqualTo("https://pay.shop.example");
    assertThat(settings.cryptos()).containsExactly(Crypto.XMR, Crypto.BTC);
    assertThat(settings.crypto()).containsOnlyKeys(Crypto.XMR, Crypto.BTC);
  }

  @Test
  void everySettingHasAnEnvironmentVariable() {
    assertThat(RawSettings.variableName("crypto.BTC.confirmations"))
        .isEqualTo("MIMBLA_CRYPTO_BTC_CONFIRMATIONS");
    assertThat(RawSettings.variableName("rates.max-age")).isEqualTo("MIMBLA_RATES_MAX_AGE");
    Settings settings =
        Settings.from(
            RawSettings.defaults()
                .withEnvironment(
                    Map.of("MIMBLA_SANDBOX_ENABLED", "yes", "MIMBLA_RATES_FIXED_FIAT_EUR", "0.5")));
    assertThat(settings.rates().fixedFiatPerUsd().get(mimbla.rates.Fiat.EUR))
        .isEqualByComparingTo("0.5");
  }

  @Test
  void anUnknownKeyInTheFileStopsStartUp() throws IOException {
    Path file = folder.resolve("typo.properties");
    Files.writeString(file, "server.prot = 9000\n");

    assertThatThrownBy(() -> RawSettings.defaults().withFile(file))
        .isInstanceOf(SettingException.class)
        .hasMessageContaining("Unknown setting \"server.prot\"");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> RawSettings.defaults().withFile(folder.resolve("absent.properties")))
        .isInstanceOf(SettingException.class)
        .hasMessageContaining("absent.properties");
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "server.port | eighty | a whole number from 0 to 65535",
        "server.port | 70000 | a whole number from 0 to 65535",
        "server.port | -1 | a whole number from 0 to 65535",
        "server.host | '' | a value",
        "server.public-url | localhost:8080 | an http:// or https:// URL",
        "server.public-url | ftp://x.example | an http:// or https:// URL",
        "server.public-url | https://x.example/?a=b | without query",
        "sandbox.enabled | maybe | true or false",
        "cryptos | BTC,DOGE | BTC, BCH, LTC, XMR",
        "cryptos | btc | BTC, BCH, LTC, XMR",
        "cryptos | BTC,BTC | listed twice",
        "cryptos | '' | at least one",
        "crypto.BTC.source | bitcoind | a payment source",
        "crypto.BTC.confirmations | 1001 | from 0 to 1000",
        "crypto.LTC.confirmations | six | from 0 to 1000",
        "rates.provider | coinmarketcap | a rates provider",
        "rates.refresh | 5 | a duration",
        "rates.refresh | 0s | a duration above zero",
        "rates.max-age | -5m | a duration",
        "rates.coingecko.url | api.coingecko.com | an http:// or https:// URL",
        "rates.fixed.BTC | -1 | a number greater than zero",
        "rates.fixed.fiat.EUR | zero | a number greater than zero",
        "invoice.minimum-usd | ten | zero or more",
        "payments.poll-interval | PTXM | a duration",
        "database.url | mysql://db/mimbla | postgresql://",
        "database.url | postgresql://host-without-database | postgresql://",
        "database.pool-size | 0 | from 1 to 200",
        "webhooks.timeout | forever | a duration",
        "webhooks.connect-timeout | 0ms | a duration above zero",
        "webhooks.lease | 30s | longer than webhooks.timeout plus webhooks.connect-timeout",
        "webhooks.per-host | 0 | from 1 to 10000",
        "webhooks.max-concurrent | lots | from 1 to 100000",
        "webhooks.retries | 1m,soon | comma-separated durations",
        "webhooks.retries | 1m,-5s | comma-separated durations",
        "webhooks.allow-ranges | 10.0.0.0/33 | address ranges",
        "webhooks.allow-ranges | localhost | address ranges",
        "webhooks.allow-ranges | 127.0.0.0/8;10.0.0.0/8 | address ranges",
        "metrics.enabled | sometimes | true or false",
        "tor | sometimes | off, onion or all",
        "tor | onion | unless tor.socks names a Tor SOCKS port or tor.launch is true",
        "tor | all | unless tor.socks names a Tor SOCKS port or tor.launch is true",
        "tor.socks | 127.0.0.1 | host:port such as 127.0.0.1:9050",
        "tor.socks | 127.0.0.1:0 | host:port such as 127.0.0.1:9050",
        "tor.socks | 127.0.0.1:99999 | host:port such as 127.0.0.1:9050",
        "tor.socks | socks5://127.0.0.1:9050 | host:port such as 127.0.0.1:9050",
        "tor.control | [::1 | host:port such as 127.0.0.1:9050",
        "tor.launch | maybe | true or false",
        "tor.bootstrap-timeout | 0s | a duration above zero",
        "webhooks.tor-timeout | never | a duration",
      })
  void aBadValueStopsStartUpNamingSettingValueAndOrigin(String key, String value, String expected) {
    RawSettings raw = sandboxed().with(key, value, "the test");

    assertThatThrownBy(() -> Settings.from(raw))
        .isInstanceOf(SettingException.class)
        .hasMessageContaining(key)
        .hasMessageContaining("\"" + value + "\"")
        .hasMessageContaining("the test")
        .hasMessageContaining(expected);
  }

  @Test
  void fixedRatesNeedAPriceForEveryOfferedCrypto() {
    RawSettings raw =
        sandboxed().with("rates.provider", "fixed", "t").with("rates.fixed.XMR", "", "t");

    assertThatThrownBy(() -> Settings.from(raw)).hasMessageContaining("rates.fixed.XMR");
    assertThat(Settings.from(raw.with("cryptos", "BTC", "t")).rates().fixedUsd())
        .containsKey(Crypto.BTC);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/var/lib/mimbla/db.sqlite | SQLITE | jdbc:sqlite:/var/lib/mimbla/db.sqlite | ''",
        "sqlite:shop.db | SQLITE | jdbc:sqlite:shop.db | ''",
        "jdbc:sqlite:/tmp/x.db | SQLITE | jdbc:sqlite:/tmp/x.db | ''",
        "postgresql://mimbla:s%40cret@db.local:5433/payments?sslmode=require | POSTGRESQL | jdbc:postgresql://db.local:5433/payments?sslmode=require | mimbla",
        "postgres://db.local/payments | POSTGRESQL | jdbc:postgresql://db.local/payments | ''",
        "jdbc:postgresql://127.0.0.1:5432/mimbla?user=postgres | POSTGRESQL | jdbc:postgresql://127.0.0.1:5432/mimbla?user=postgres | ''",
      })
  void databaseUrlsOfBothKindsAreUnderstood(
      String url, Database.Kind kind, String jdbc, String user) {
    Database database = Settings.database(sandboxed().with("database.url", url, "t"));

    assertThat(database.kind()).isEqualTo(kind);
    assertThat(database.jdbcUrl()).isEqualTo(jdbc);
    assertThat(database.user()).isEqualTo(user);
    assertThat(database.toString()).doesNotContain("s@cret", "s%40cret");
  }

  @Test
  void passwordsInPostgresUrlsAreDecodedAndKeptOutOfToString() {
    Database database =
        Settings.database(
            sandboxed()
                .with("database.url", "postgresql://mimbla:s%40cret@db.local/payments", "t"));
    assertThat(database.password()).isEqualTo("s@cret");
    assertThat(database.toString()).doesNotContain("s@cret");
  }

  @Test
  void durationsReadShortAndIsoForms() {
    for (var pair :
        List.of(
            List.of("500ms", "PT0.5S"),
            List.of("30s", "PT30S"),
            List.of("2h", "PT2H"),
            List.of("7d", "PT168H"),
            List.of("PT90S", "PT1M30S"))) {
      Settings settings =
          Settings.from(sandboxed().with("payments.poll-interval", pair.get(0), "t"));
      assertThat(settings.paymentPollInterval()).isEqualTo(Duration.parse(pair.get(1)));
    }
  }

  /** LTC and XMR on real chains, BTC and BCH left out: a server without the sandbox. */
  static RawSettings onChains() {
    return RawSettings.defaults()
        .with("cryptos", "LTC,XMR", "test")
        .with("crypto.LTC.source", "bitcoin-rpc", "test")
        .with("crypto.LTC.rpc-url", "http://127.0.0.1:9332", "test")
        .with("crypto.LTC.rpc-user", "mimbla", "test")
        .with("crypto.LTC.rpc-password", "hunter2", "test")
        .with("crypto.LTC.wallet", "shop", "test")
        .with("crypto.XMR.source", "monero-rpc", "test")
        .with("crypto.XMR.rpc-url", "http://127.0.0.1:18083", "test");
  }

  @Test
  void chainSourcesNeedNoSandboxAndKeepTheirPasswordOutOfToString() {
    Settings settings = Settings.from(onChains());

    Settings.Rpc ltc = settings.crypto().get(Crypto.LTC).rpc().orElseThrow();
    assertThat(ltc.url()).hasToString("http://127.0.0.1:9332");
    assertThat(ltc.wallet()).isEqualTo("shop");
    assertThat(ltc.password()).isEqualTo("hunter2");
    assertThat(settings.crypto().get(Crypto.XMR).rpc().orElseThrow().account()).isZero();
    assertThat(settings.sandbox()).isFalse();
    assertThat(settings.toString()).doesNotContain("hunter2").contains("127.0.0.1:9332");
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "crypto.LTC.rpc-url | '' | an http:// URL with host and port",
        "crypto.LTC.rpc-url | 127.0.0.1:9332 | an http:// URL with host and port",
        "crypto.LTC.rpc-url | ftp://127.0.0.1:9332 | an http:// URL with host and port",
        "crypto.LTC.rpc-url | http://127.0.0.1 | an http:// URL with host and port",
        "crypto.LTC.rpc-url | http://127.0.0.1:9332/?wallet=shop | an http:// URL with host",
        "crypto.LTC.address-type | mweb | MWEB addresses are never handed out",
        "crypto.LTC.address-type | BECH32 | one of",
        "crypto.LTC.rpc-cookie-file | /var/lib/litecoind/.cookie | not both",
        "crypto.XMR.source | bitcoin-rpc | monero-rpc or sandbox",
        "crypto.LTC.source | monero-rpc | bitcoin-rpc or sandbox",
        "crypto.XMR.account | -1 | a whole number from 0",
        "crypto.XMR.rpc-url | http://localhost | an http:// URL with host and port",
      })
  void aBadChainSettingStopsStartUpNamingIt(String key, String value, String expected) {
    RawSettings raw = onChains().with(key, value, "the test");

    assertThatThrownBy(() -> Settings.from(raw))
        .isInstanceOf(SettingException.class)
        .hasMessageContaining(key)
        .hasMessageContaining("\"" + value + "\"")
        .hasMessageContaining(expected)
        .message()
        .doesNotContain("hunter2");
  }

  @Test
  void anRpcUrlWithCredentialsIsRefusedWithoutEchoingThem() {
    RawSettings raw =
        onChains().with("crypto.LTC.rpc-url", "http://mimbla:s3cret@127.0.0.1:9332", "the test");

    assertThatThrownBy(() -> Settings.from(raw))
        .isInstanceOf(SettingException.class)
        .hasMessageContaining("crypto.LTC.rpc-url")
        .hasMessageContaining("rpc-user and rpc-password")
        .message()
        .doesNotContain("s3cret");
  }

  @Test
  void torIsOffUntilATorIsNamedThenOnionUnlessAllIsAsked() {
    assertThat(Settings.from(sandboxed()).webhooks().tor().mode()).isEqualTo(TorMode.OFF);

    Settings.Tor external =
        Settings.from(sandboxed().with("tor.socks", "127.0.0.1:9050", "t")).webhooks().tor();
    assertThat(external.mode()).isEqualTo(TorMode.ONION);
    assertThat(external.socks()).hasValue(new InetSocketAddress("127.0.0.1", 9050));
    assertThat(external.launch()).isFalse();

    Settings.Tor launched =
        Settings.from(
                sandboxed()
                    .with("tor.launch", "true", "t")
                    .with("tor", "all", "t")
                    .with("tor.control", "[::1]:9051", "t"))
            .webhooks()
            .tor();
    assertThat(launched.mode()).isEqualTo(TorMode.ALL);
    assertThat(launched.control()).hasValue(new InetSocketAddress("::1", 9051));
    assertThat(launched.folder().getFileName()).hasToString("tor");

    Settings.Tor off =
        Settings.from(sandboxed().with("tor.socks", "127.0.0.1:9050", "t").with("tor", "off", "t"))
            .webhooks()
            .tor();
    assertThat(off.mode()).isEqualTo(TorMode.OFF);
  }

  @Test
  void aLeaseShorterThanATorAttemptStopsStartUpOnlyWhenTorIsOn() {
    RawSettings shortLease = sandboxed().with("webhooks.lease", "90s", "t");
    assertThat(Settings.from(shortLease).webhooks().lease()).isEqualTo(Duration.ofSeconds(90));

    assertThatThrownBy(() -> Settings.from(shortLease.with("tor.socks", "127.0.0.1:9050", "t")))
        .isInstanceOf(SettingException.class)
        .hasMessageContaining("webhooks.lease")
        .hasMessageContaining("webhooks.tor-timeout plus webhooks.tor-connect-timeout");
  }

  @Test
  void theExampleConfigurationListsEverySettingAndStarts() throws IOException {
    Path example = Path.of("config/mimbla.example.properties");
    Properties listed = new Properties();
    try (var reader = Files.newBufferedReader(example)) {
      listed.load(reader);
    }

    assertThat(listed.stringPropertyNames()).isEqualTo(RawSettings.defaults().keys());
    Settings settings = Settings.from(RawSettings.defaults().withFile(example));
    assertThat(settings.sandbox()).isTrue();
  }

  @Test
  void theReadmeDocumentsEverySetting() throws IOException {
    String readme = Files.readString(Path.of("README.md"));

    for (String key : RawSettings.defaults().keys()) {
      // Families are documented once, by their first member: crypto.BTC.source … crypto.XMR.source.
      String documented =
          key.replaceAll(
                  "^crypto\\.(BCH|LTC|XMR)\\.(source|rpc-url|rpc-user|rpc-password)$",
                  "crypto.BTC.$2")
              .replaceAll(
                  "^crypto\\.(BCH|LTC)\\.(rpc-cookie-file|wallet|address-type)$", "crypto.BTC.$2")
              .replaceAll("^rates\\.fixed\\.(BCH|LTC|XMR)$", "rates.fixed.BTC")
              .replaceAll("^rates\\.fixed\\.fiat\\.[A-Z]{3}$", "rates.fixed.fiat.EUR");
      assertThat(readme).as("README documents " + key).contains("`" + documented + "`");
    }
  }
}
