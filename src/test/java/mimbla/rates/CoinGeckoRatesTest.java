package mimbla.rates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import mimbla.chain.Crypto;
import mimbla.testing.Http;
import mimbla.testing.Http.Answer;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CoinGecko provider against a local HTTP server that serves a recorded answer of {@code
 * /simple/price}, then fails on purpose: prices flow through, stale ones are refused.
 */
class CoinGeckoRatesTest {
  static final String API = "/api/v1/merchant";

  HttpServer coinGecko;
  final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<String> apiKeys = new ConcurrentLinkedQueue<>();
  volatile int status = 200;
  volatile byte[] answer;

  @BeforeEach
  void startCoinGecko() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/coingecko/simple-price.json")) {
      answer = in.readAllBytes();
    }
    coinGecko = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    coinGecko.createContext(
        "/api/v3/",
        exchange -> {
          requests.add(exchange.getRequestURI().toString());
          String key = exchange.getRequestHeaders().getFirst("x-cg-demo-api-key");
          apiKeys.add(key == null ? "" : key);
          byte[] body =
              status == 200
                  ? answer
                  : "{\"status\":{\"error_code\":429}}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    coinGecko.start();
  }

  @AfterEach
  void stopCoinGecko() {
    coinGecko.stop(0);
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + coinGecko.getAddress().getPort() + "/api/v3");
  }

  @Test
  void fetchesEveryFiatForTheOfferedCryptosInOneCall() throws Exception {
    var provider = new CoinGeckoRatesProvider(base(), "demo-key", Clock.systemUTC());

    RateSnapshot snapshot = provider.fetch(List.of(Crypto.BTC, Crypto.XMR));

    assertThat(requests)
        .containsExactly(
            "/api/v3/simple/price?ids=bitcoin,monero&vs_currencies=ars,brl,chf,clp,cny,eur,gbp,gel,hkd,huf,idr,ils,inr,jpy,krw,mxn,php,rub,usd&precision=full");
    assertThat(apiKeys).containsExactly("demo-key");
    assertThat(snapshot.price(Crypto.BTC, Fiat.USD))
        .hasValueSatisfying(p -> assertThat(p).isEqualByComparingTo("65670.91"));
    assertThat(snapshot.price(Crypto.XMR, Fiat.JPY)).isPresent();
    assertThat(snapshot.has(Crypto.LTC)).isFalse();
    // Derived from BTC's USD and EUR prices, which the recorded answer rounds to the cent.
    assertThat(snapshot.fiatPerUsd(Fiat.EUR).orElseThrow())
        .isCloseTo(new BigDecimal("0.9184"), within(new BigDecimal("0.000001")));
  }

  @Test
  void badAnswersAreFailuresNotPrices() {
    var provider = new CoinGeckoRatesProvider(base(), "", Clock.systemUTC());

    status = 429;
    assertThatThrownBy(() -> provider.fetch(List.of(Crypto.BTC))).hasMessageContaining("HTTP 429");

    status = 200;
    answer = "<html>maintenance</html>".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> provider.fetch(List.of(Crypto.BTC))).hasMessageContaining("not JSON");

    answer = "{\"bitcoin\":{\"usd\":-1,\"eur\":\"65000\"}}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> provider.fetch(List.of(Crypto.BTC)))
        .hasMessageContaining("no USD price");

    answer = "[]".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> provider.fetch(List.of(Crypto.BTC)))
        .hasMessageContaining("not a JSON object");

    coinGecko.stop(0);
    assertThatThrownBy(() -> provider.fetch(List.of(Crypto.BTC)))
        .hasMessageContaining("cannot reach");
  }

  @Test
  void aServerUsesFreshPricesAndRefusesStaleOnesWith503() {
    Map<String, String> settings =
        Map.of(
            "rates.provider", "coingecko",
            "rates.coingecko.url", base().toString(),
            "rates.refresh", "1s",
            "rates.max-age", "10m");
    try (TestServer server = TestServer.start(StoreKind.SQLITE, settings)) {
      Http merchant = server.merchant;
      assertThat(merchant.get(API + "/rates/BTC").json())
          .isEqualTo(
              Http.parse("{\"usd\":\"65670.91\",\"eur\":\"60312.16\",\"gbp\":\"51630.47\"}"));
      String slug =
          merchant.post(API + "/invoice", "{\"amount\": 50, \"currency\": \"EUR\"}").text("id");

      status = 500;
      server.clock.advance(Duration.ofMinutes(11));

      Answer rates = merchant.get(API + "/rates/BTC");
      assertThat(rates.status()).isEqualTo(503);
      assertThat(rates.text("error")).isEqualTo("rates.stale");
      assertThat(rates.text("message")).contains("stale", "try again");
      assertThat(merchant.post(API + "/invoice/rp/" + slug, "{\"crypto\":\"BTC\"}").status())
          .isEqualTo(503);
      assertThat(
              merchant.post(API + "/invoice", "{\"amount\": 50, \"currency\": \"EUR\"}").status())
          .isEqualTo(503);
      assertThat(merchant.post(API + "/invoice", "{\"amount\": 50}").status())
          .as("a USD amount needs no rate to be created")
          .isEqualTo(201);
      assertThat(server.http.get("/health").json().at("/rates/fresh").booleanValue()).isFalse();
      assertThat(server.count("SELECT COUNT(*) FROM payment")).isZero();

      status = 200;
      server.await("rates to recover", () -> merchant.get(API + "/rates/BTC").status() == 200);
      Answer payment = merchant.post(API + "/invoice/rp/" + slug, "{\"crypto\":\"BTC\"}");
      assertThat(payment.status()).isEqualTo(201);
      // 50 EUR at 60312.16 EUR/BTC, rounded up to the satoshi.
      assertThat(payment.text("amount")).isEqualTo("0.00082903");
      assertThat(payment.text("rates")).isEqualTo("{\"usd\":65670.91,\"eur\":60312.16}");
    }
  }
}
