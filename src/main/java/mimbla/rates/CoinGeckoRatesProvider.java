package mimbla.rates;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mimbla.chain.Crypto;

/**
 * Prices from CoinGecko's {@code /simple/price}, which quotes every crypto in every fiat Mimbla
 * supports in one call. The base URL is a setting so tests (and mirrors) can stand in for it.
 */
final class CoinGeckoRatesProvider implements RatesProvider {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  private static final int MAX_ANSWER_BYTES = 1 << 20;

  private final URI baseUrl;
  private final String apiKey;
  private final Clock clock;
  private final HttpClient http;

  CoinGeckoRatesProvider(URI baseUrl, String apiKey, Clock clock) {
    String base = baseUrl.toString();
    this.baseUrl = URI.create(base.endsWith("/") ? base : base + "/");
    this.apiKey = apiKey;
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public String name() {
    return "coingecko";
  }

  @Override
  public RateSnapshot fetch(List<Crypto> cryptos) throws RatesFetchException {
    HttpResponse<byte[]> response = send(request(cryptos));
    if (response.statusCode() != 200) {
      throw new RatesFetchException("answered HTTP " + response.statusCode());
    }
    if (response.body().length > MAX_ANSWER_BYTES) {
      throw new RatesFetchException("answer is larger than " + MAX_ANSWER_BYTES + " bytes");
    }
    return parse(response.body(), cryptos);
  }

  private HttpRequest request(List<Crypto> cryptos) {
    String ids = cryptos.stream().map(Crypto::coinName).collect(Collectors.joining(","));
    String fiats =
        Stream.of(Fiat.values())
            .map(fiat -> fiat.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(","));
    URI uri =
        baseUrl.resolve("simple/price?ids=" + ids + "&vs_currencies=" + fiats + "&precision=full");

    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(20))
            .header("Accept", "application/json");
    if (!apiKey.isEmpty()) {
      // The paid plans live on pro-api.coingecko.com and read a different header.
      String header =
          uri.getHost().startsWith("pro-api.") ? "x-cg-pro-api-key" : "x-cg-demo-api-key";
      request.header(header, apiKey);
    }
    return request.GET().build();
  }

  private HttpResponse<byte[]> send(HttpRequest request) throws RatesFetchException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new RatesFetchException("cannot reach " + baseUrl.getHost() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RatesFetchException("interrupted", e);
    }
  }

  private RateSnapshot parse(byte[] body, List<Crypto> cryptos) throws RatesFetchException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new RatesFetchException("answer is not JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new RatesFetchException("answer is not a JSON object");
    }

    Map<Crypto, Map<Fiat, BigDecimal>> prices = new EnumMap<>(Crypto.class);
    for (Crypto crypto : cryptos) {
      Map<Fiat, BigDecimal> byFiat = pricesOf(root.path(crypto.coinName()));
      if (byFiat.containsKey(Fiat.USD)) {
        prices.put(crypto, byFiat);
      }
    }
    if (prices.isEmpty()) {
      throw new RatesFetchException("answer has no USD price for any of " + cryptos);
    }
    return new RateSnapshot(prices, clock.instant());
  }

  private static Map<Fiat, BigDecimal> pricesOf(JsonNode coin) {
    Map<Fiat, BigDecimal> byFiat = new EnumMap<>(Fiat.class);
    for (Fiat fiat : Fiat.values()) {
      JsonNode price = coin.path(fiat.name().toLowerCase(Locale.ROOT));
      if (price.isNumber() && price.decimalValue().signum() > 0) {
        byFiat.put(fiat, price.decimalValue());
      }
    }
    return byFiat;
  }
}
