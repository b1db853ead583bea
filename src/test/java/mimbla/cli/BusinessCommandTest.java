package mimbla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import mimbla.Mimbla;
import mimbla.config.RawSettings;
import mimbla.config.Settings;
import mimbla.testing.Http;
import mimbla.testing.StoreKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mimbla business …} on the database a configuration file names, checked against a running
 * server on that same database: a created key works, a revoked key gets 401 at once.
 */
class BusinessCommandTest {
  @TempDir Path folder;
  Path config;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void writeConfig() throws IOException {
    config = folder.resolve("mimbla.properties");
    Map<String, String> database = StoreKind.SQLITE.freshDatabase(folder);
    Files.writeString(
        config,
        "data.dir = "
            + folder
            + "\n"
            + "database.url = "
            + database.get("database.url")
            + "\n"
            + "sandbox.enabled = true\nrates.provider = fixed\nserver.port = 0\n");
  }

  Run mimbla(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] withConfig = new String[args.length + 2];
    System.arraycopy(args, 0, withConfig, 0, args.length);
    withConfig[args.length] = "--config";
    withConfig[args.length + 1] = config.toString();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), withConfig);
    return new Run(code, out.toString(), err.toString());
  }

  Mimbla server() {
    return Mimbla.start(Settings.from(RawSettings.defaults().withFile(config)), Clock.systemUTC());
  }

  @Test
  void createPrintsIdKeyAndClientIdAndTheKeyWorks() {
    Run created = mimbla("business", "create", "Corner Shop", "--json");

    assertThat(created.code()).as(created.err()).isZero();
    JsonNode json = Http.parse(created.out());
    assertThat(json.get("name").asText()).isEqualTo("Corner Shop");
    assertThat(json.get("id").asText()).matches("[0-9a-f-]{36}");
    assertThat(json.get("client_id").asText()).matches("[A-Za-z0-9]{24}");
    String key = json.get("api_key").asText();
    assertThat(key).matches("[A-Za-z0-9]{40}");
    assertThat(json.get("key_prefix").asText()).isEqualTo(key.substring(0, 8));

    try (Mimbla server = server()) {
      Http api = new Http("http://127.0.0.1:" + server.port()).with("MB-API-KEY", key);
      assertThat(api.post("/api/v1/merchant/invoice", "{\"amount\": 10}").status()).isEqualTo(201);

      List<String> stored =
          server
              .store()
              .read(h -> h.createQuery("SELECT hash FROM api_key").mapTo(String.class).list());
      assertThat(stored).singleElement().asString().doesNotContain(key).matches("[0-9a-f]{64}");
    }
  }

  @Test
  void textOutputShowsTheKeyOnceWithHowToRevokeIt() {
    Run created = mimbla("business", "create", "plain", "--cryptos", "BTC,XMR");

    assertThat(created.code()).isZero();
    assertThat(created.out())
        .contains(
            "Business \"plain\" created.", "client id:", "API key:", "./mimbla business revoke");
  }

  @Test
  void anotherKeyCanBeIssuedAndARevokedKeyIsRefusedAtOnce() {
    String first =
        Http.parse(mimbla("business", "create", "shop", "--json").out()).get("api_key").asText();
    Run issued = mimbla("business", "key", "shop", "--json");
    assertThat(issued.code()).isZero();
    String second = Http.parse(issued.out()).get("api_key").asText();
    assertThat(second).isNotEqualTo(first);

    try (Mimbla server = server()) {
      Http http = new Http("http://127.0.0.1:" + server.port());
      assertThat(http.with("MB-API-KEY", first).get("/api/v1/merchant/rates/BTC").status())
          .isEqualTo(200);

      Run revoked = mimbla("business", "revoke", first.substring(0, 8));
      assertThat(revoked.code()).as(revoked.err()).isZero();
      assertThat(revoked.out()).contains("Revoked key " + first.substring(0, 8), "shop");

      var refused = http.with("MB-API-KEY", first).get("/api/v1/merchant/rates/BTC");
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.json()).isEqualTo(Http.parse("{\"message\":\"Invalid API key\"}"));
      assertThat(http.with("MB-API-KEY", second).get("/api/v1/merchant/rates/BTC").status())
          .isEqualTo(200);
    }
  }

  @Test
  void originsAreSetShownAndClearedAndTheSdkApiFollowsThem() {
    JsonNode created = Http.parse(mimbla("business", "create", "web shop", "--json").out());
    String clientId = created.get("client_id").asText();

    Run set =
        mimbla("business", "origins", "web shop", "https://Shop.Example", "http://127.0.0.1:3000");
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(set.out()).contains("https://shop.example", "http://127.0.0.1:3000");
    assertThat(mimbla("business", "origins", "web shop").out())
        .contains("https://shop.example", "http://127.0.0.1:3000");

    try (Mimbla server = server()) {
      Http sdk =
          new Http("http://127.0.0.1:" + server.port())
              .with("MB-CLIENT-ID", clientId)
              .with("Origin", "https://shop.example");
      assertThat(sdk.get("/api/v1/sdk/cryptos").status()).isEqualTo(200);

      assertThat(mimbla("business", "origins", "web shop", "--clear").code()).isZero();
      assertThat(sdk.get("/api/v1/sdk/cryptos").status()).isEqualTo(403);
    }
    assertThat(mimbla("business", "origins", "web shop").out()).contains("allows no origin");

    Run bad = mimbla("business", "origins", "web shop", "https://shop.example/checkout");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("Not an origin").doesNotContain("\tat ");
    Run nobody = mimbla("business", "origins", "nobody", "https://shop.example");
    assertThat(nobody.code()).isEqualTo(1);
    assertThat(nobody.err()).contains("No business named \"nobody\"");
  }

  @Test
  void mistakesAreExplainedWithoutAStackTrace() {
    mimbla("business", "create", "shop");

    Run duplicate = mimbla("business", "create", "shop");
    assertThat(duplicate.code()).isEqualTo(1);
    assertThat(duplicate.err()).contains("already exists").doesNotContain("Exception", "\tat ");

    Run unknown = mimbla("business", "key", "nobody");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("No business named \"nobody\"");

    Run shortPrefix = mimbla("business", "revoke", "abc");
    assertThat(shortPrefix.code()).isEqualTo(1);
    assertThat(shortPrefix.err()).contains("first 8 characters");

    Run noSuchKey = mimbla("business", "revoke", "ZZZZZZZZ");
    assertThat(noSuchKey.code()).isEqualTo(1);
    assertThat(noSuchKey.err()).contains("No active API key starts with ZZZZZZZZ");

    Run badCrypto = mimbla("business", "create", "other", "--cryptos", "DOGE");
    assertThat(badCrypto.code()).isEqualTo(2);
    assertThat(badCrypto.err()).contains("--cryptos", "DOGE");

    Run emptyName = mimbla("business", "create", "  ");
    assertThat(emptyName.code()).isEqualTo(1);
    assertThat(emptyName.err()).contains("1 to 100 characters");
  }

  @Test
  void aBadSettingStopsTheCommandNamingIt() throws IOException {
    Files.writeString(config, "database.url = mysql://nope\n");

    Run run = mimbla("business", "list");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("database.url", "mysql://nope");
  }

  @Test
  void hostileNamesAndArgumentsAreRefusedWithAReason() {
    Run control = mimbla("business", "create", "evil\u0000name");
    assertThat(control.code()).isEqualTo(1);
    assertThat(control.err()).contains("control characters");

    Run tooLong = mimbla("business", "create", "n".repeat(101));
    assertThat(tooLong.code()).isEqualTo(1);
    assertThat(tooLong.err()).contains("1 to 100 characters");

    Run amount = mimbla("sandbox", "pay", "bcsandbox1qx", "lots");
    assertThat(amount.code()).isEqualTo(2);
    assertThat(amount.err()).contains("AMOUNT", "lots");

    Run notUrl = mimbla("sandbox", "pay", "bcsandbox1qx", "1", "--server", "not a url");
    assertThat(notUrl.code()).isEqualTo(2);
    assertThat(notUrl.err()).contains("--server", "not a url");

    Run noScheme = mimbla("sandbox", "pay", "bcsandbox1qx", "1", "--server", "localhost:8080");
    assertThat(noScheme.code()).isEqualTo(2);
    assertThat(noScheme.err()).contains("--server must be an http:// or https:// URL");

    Run blocks = mimbla("sandbox", "mine", "many");
    assertThat(blocks.code()).isEqualTo(2);
    assertThat(blocks.err()).contains("BLOCKS");

    Run unknown = mimbla("business", "frobnicate");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("frobnicate");
  }
}
