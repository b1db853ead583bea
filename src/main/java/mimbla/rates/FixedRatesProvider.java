package mimbla.rates;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import mimbla.chain.Crypto;

/** Prices from configuration: a USD price per crypto and units of each fiat per dollar. */
final class FixedRatesProvider implements RatesProvider {
  private final Map<Crypto, BigDecimal> usdPrices;
  private final Map<Fiat, BigDecimal> fiatPerUsd;
  private final Clock clock;

  FixedRatesProvider(
      Map<Crypto, BigDecimal> usdPrices, Map<Fiat, BigDecimal> fiatPerUsd, Clock clock) {
    this.usdPrices = Map.copyOf(usdPrices);
    this.fiatPerUsd = Map.copyOf(fiatPerUsd);
    this.clock = clock;
  }

  @Override
  public RateSnapshot fetch(List<Crypto> cryptos) {
    Map<Crypto, Map<Fiat, BigDecimal>> prices = new EnumMap<>(Crypto.class);
    for (Crypto crypto : cryptos) {
      BigDecimal usd = usdPrices.get(crypto);
      if (usd == null) {
        continue;
      }
      Map<Fiat, BigDecimal> byFiat = new EnumMap<>(Fiat.class);
      fiatPerUsd.forEach((fiat, perUsd) -> byFiat.put(fiat, usd.multiply(perUsd)));
      prices.put(crypto, byFiat);
    }
    return new RateSnapshot(prices, clock.instant());
  }

  @Override
  public String name() {
    return "fixed";
  }
}
