package mimbla.rates;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import mimbla.chain.Crypto;

/** Prices of each crypto in each fiat currency, as fetched at one moment. */
public record RateSnapshot(Map<Crypto, Map<Fiat, BigDecimal>> prices, Instant fetchedAt) {
  public RateSnapshot {
    Map<Crypto, Map<Fiat, BigDecimal>> copy = new EnumMap<>(Crypto.class);
    prices.forEach((crypto, byFiat) -> copy.put(crypto, Map.copyOf(byFiat)));
    prices = Map.copyOf(copy);
  }

  /** The price of one coin in a fiat currency, if the provider gave one. */
  public Optional<BigDecimal> price(Crypto crypto, Fiat fiat) {
    return Optional.ofNullable(prices.getOrDefault(crypto, Map.of()).get(fiat));
  }

  /** The price of one coin in a fiat currency, or a 503-worthy reason when there is none. */
  public BigDecimal require(Crypto crypto, Fiat fiat) {
    return price(crypto, fiat)
        .orElseThrow(
            () ->
                new RatesUnavailableException(
                    "rates.unavailable",
                    "No %s price for %s is available".formatted(fiat, crypto)));
  }

  /** A price as the API shows it: two decimals, rounded half up. */
  public static String shown(BigDecimal price) {
    return price.setScale(2, RoundingMode.HALF_UP).toPlainString();
  }

  public boolean has(Crypto crypto) {
    return prices.containsKey(crypto);
  }

  /**
   * Units of a fiat currency per US dollar, derived from any crypto priced in both: the snapshot
   * carries no fiat-to-fiat rates of its own.
   */
  public Optional<BigDecimal> fiatPerUsd(Fiat fiat) {
    if (fiat == Fiat.USD) {
      return Optional.of(BigDecimal.ONE);
    }
    for (Crypto crypto : Crypto.values()) {
      Optional<BigDecimal> inFiat = price(crypto, fiat);
      Optional<BigDecimal> inUsd = price(crypto, Fiat.USD);
      if (inFiat.isPresent() && inUsd.isPresent()) {
        return Optional.of(inFiat.get().divide(inUsd.get(), Prices.MATH));
      }
    }
    return Optional.empty();
  }
}
