package mimbla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mimbla.business.BusinessException;
import mimbla.business.Businesses;
import mimbla.chain.Crypto;
import mimbla.testing.Http;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The browser SDK API: a public client id that works only from the web origins its business allows,
 * CORS answered for those alone, and the merchant API's invoice rules behind it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkApiTest {
  static final String SHOP = "https://shop.example";
  static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  TestServer server;
  Businesses.Issued open;

  @BeforeAll
  void start() {
    server = TestServer.start(StoreKind.SQLITE);
    open = server.newBusiness("sdk shop", Set.of(Crypto.BTC, Crypto.XMR));
    server.mimbla.businesses().allowOrigins("sdk shop", List.of(SHOP, "http://127.0.0.1:8081"));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  record Answer(int status, HttpResponse<String> response) {
    JsonNode json() {
      return Http.parse(response.body());
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }
  }

  Answer send(String method, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.mimbla.port() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach(request::header);
    try {
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Answer sdk(String method, String path, String body) {
    return send(
        method,
        "/api/v1/sdk" + path,
        body,
        Map.of("MB-CLIENT-ID", open.business().clientId(), "Origin", SHOP));
  }

  @Test
  void anAllowedOriginCreatesReadsAndPaysAnInvoice() {
    Answer created = sdk("POST", "/invoice", "{\"amount\": 30, \"crypto\": \"ALL\"}");
    assertThat(created.status()).as(created.response().body()).isEqualTo(201);
    assertThat(created.header("Access-Control-Allow-Origin")).isEqualTo(SHOP);
    assertThat(created.header("Vary")).contains("Origin");
    String slug = created.json().get("id").asText();
    assertThat(created.json().get("invoice_url").asText()).endsWith("/pay/" + slug);

    Answer requested = sdk("POST", "/invoice/rp/" + slug, "{\"crypto\": \"XMR\"}");
    assertThat(requested.status()).isEqualTo(201);
    assertThat(requested.json().get("crypto").asText()).isEqualTo("XMR");
    assertThat(
            sdk("POST", "/invoice/rp/" + slug, "{\"crypto\": \"XMR\"}")
                .json()
                .get("error")
                .asText())
        .isEqualTo("payment.requested");

    Answer read = sdk("GET", "/invoice/" + slug, null);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().get("payment").get("address").asText())
        .isEqualTo(requested.json().get("address").asText());

    Answer status = sdk("GET", "/invoice/" + slug + "/status", null);
    assertThat(status.json().get("status").asText()).isEqualTo("unpaid");
    assertThat(status.json().get("payment_status").asText()).isEqualTo("pending");
    assertThat(status.json().get("confirmations").asInt()).isZero();
  }

  @Test
  void theWebhookUrlIsNotShownThroughAPublicClientId() {
    String slug =
        server.unpaidInvoice(
            server.as(open), "\"webhook_url\": \"https://hooks.example/h?token=secret\"");
    Answer read = sdk("GET", "/invoice/" + slug, null);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.response().body()).doesNotContain("secret");
    assertThat(read.json().get("webhook_url").isNull()).isTrue();
  }

  @Test
  void cryptosAndRatesAreThoseTheBusinessAccepts() {
    Answer cryptos = sdk("GET", "/cryptos", null);
    assertThat(cryptos.json().toString()).isEqualTo("{\"cryptos\":[\"BTC\",\"XMR\"]}");
    Answer rates = sdk("GET", "/rates", null);
    assertThat(rates.status()).isEqualTo(200);
    assertThat(rates.json().get("BTC").get("usd").asText()).isEqualTo("65000.00");
    assertThat(rates.json().has("LTC")).isFalse();
  }

  @Test
  void preflightIsAnsweredForAllowedOriginsOnly() {
    Answer allowed =
        send(
            "OPTIONS",
            "/api/v1/sdk/invoice",
            null,
            Map.of(
                "Origin", SHOP,
                "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "content-type, mb-client-id"));
    assertThat(allowed.status()).isEqualTo(204);
    assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo(SHOP);
    assertThat(allowed.header("Access-Control-Allow-Headers")).contains("MB-CLIENT-ID");

    Answer other =
        send(
            "OPTIONS",
            "/api/v1/sdk/invoice",
            null,
            Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "POST"));
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.header("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void otherOriginsMissingOnesAndBadClientIdsAreRefused() {
    String id = open.business().clientId();
    Map<Map<String, String>, String> refusals =
        Map.of(
            Map.of("MB-CLIENT-ID", id, "Origin", "https://evil.example"), "sdk.origin_refused",
            Map.of("MB-CLIENT-ID", id, "Origin", "https://shop.example:444"), "sdk.origin_refused",
            Map.of("MB-CLIENT-ID", id, "Origin", "http://shop.example"), "sdk.origin_refused",
            Map.of("MB-CLIENT-ID", id, "Origin", "null"), "sdk.origin_refused",
            Map.of("MB-CLIENT-ID", id), "sdk.origin_refused");
    refusals.forEach(
        (headers, code) -> {
          Answer refused = send("GET", "/api/v1/sdk/cryptos", null, headers);
          assertThat(refused.status()).as(headers.toString()).isEqualTo(403);
          assertThat(refused.json().get("error").asText()).isEqualTo(code);
          assertThat(refused.header("Access-Control-Allow-Origin")).isNull();
        });

    Answer noId = send("GET", "/api/v1/sdk/cryptos", null, Map.of("Origin", SHOP));
    assertThat(noId.status()).isEqualTo(401);
    assertThat(noId.response().body()).isEqualTo("{\"message\":\"Client ID not provided\"}");
    for (String bad :
        new String[] {"nope", "x".repeat(5000), "' OR 1=1 --", server.shop.apiKey()}) {
      Answer refused =
          send("GET", "/api/v1/sdk/cryptos", null, Map.of("Origin", SHOP, "MB-CLIENT-ID", bad));
      assertThat(refused.status()).as(bad).isEqualTo(401);
      assertThat(refused.response().body()).isEqualTo("{\"message\":\"Invalid client ID\"}");
    }
  }

  @Test
  void aBusinessWithoutOriginsCannotUseTheSdkApi() {
    Answer refused =
        send(
            "GET",
            "/api/v1/sdk/cryptos",
            null,
            Map.of("MB-CLIENT-ID", server.shop.business().clientId(), "Origin", SHOP));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("error").asText()).isEqualTo("sdk.no_origins");
  }

  @Test
  void anotherBusinesssInvoiceIsNotFoundThroughTheSdk() {
    String slug = server.unpaidInvoice(server.merchant, "");
    Answer missing = sdk("GET", "/invoice/" + slug, null);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.response().body()).isEqualTo("{\"error\":\"Invoice not found\"}");
    assertThat(sdk("GET", "/invoice/" + slug + "/status", null).status()).isEqualTo(404);
    assertThat(sdk("POST", "/invoice/rp/" + slug, "{\"crypto\": \"BTC\"}").status()).isEqualTo(404);
  }

  @Test
  void hostileBodiesGetTheMerchantApisErrors() {
    assertThat(sdk("POST", "/invoice", "{\"amount\": \"ten\"}").json().get("error").asText())
        .isEqualTo("invoice.amount_invalid");
    assertThat(sdk("POST", "/invoice", "not json").json().get("error").asText())
        .isEqualTo("request.malformed_json");
    assertThat(sdk("POST", "/invoice", "{\"amount\": 30, \"crypto\": \"LTC\"}").status())
        .isEqualTo(400);
    Answer large = sdk("POST", "/invoice", "{\"a\":\"" + "x".repeat(70_000) + "\"}");
    assertThat(large.status()).isEqualTo(413);
  }

  @Test
  void originsAreStoredAsBrowsersSendThemAndAnythingElseIsRefused() {
    server.newBusiness("origins", Set.of());
    assertThat(
            server
                .mimbla
                .businesses()
                .allowOrigins(
                    "origins",
                    List.of(
                        "HTTPS://Shop.Example:443/",
                        "http://127.0.0.1:80",
                        "http://a.example:8080")))
        .containsExactly("https://shop.example", "http://127.0.0.1", "http://a.example:8080");
    for (String bad :
        new String[] {
          "*",
          "null",
          "",
          "shop.example",
          "ftp://shop.example",
          "https://shop.example/path",
          "https://user@shop.example",
          "https://shop.example?x=1",
          "javascript:alert(1)",
          "https://" + "a".repeat(400) + ".example"
        }) {
      assertThatThrownBy(() -> server.mimbla.businesses().allowOrigins("origins", List.of(bad)))
          .as(bad)
          .isInstanceOf(BusinessException.class)
          .hasMessageContaining("Not an origin");
    }
    assertThat(server.mimbla.businesses().allowOrigins("origins", List.of())).isEmpty();
  }
}
