package mimbla.rates;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import mimbla.chain.Crypto;
import mimbla.config.Settings;
import mimbla.schedule.Ticker;
import mimbla.store.Timestamps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Current fiat prices, refreshed in the background on a schedule. Requests read the last snapshot
 * and never wait on the provider; a snapshot older than the allowed age is refused.
 */
public final class Rates implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Rates.class);

  /** After a failed fetch, try again this soon rather than a whole refresh interval later. */
  private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

  private final RatesProvider provider;
  private final List<Crypto> cryptos;
  private final Duration refresh;
  private final Duration maxAge;
  private final Clock clock;
  private final AtomicReference<RateSnapshot> current = new AtomicReference<>();
  private volatile Instant nextFetch = Instant.MIN;
  private volatile String lastFailure = "";
  private Ticker ticker;

  Rates(RatesProvider provider, List<Crypto> cryptos, Settings.Rates settings, Clock clock) {
    this.provider = provider;
    this.cryptos = List.copyOf(cryptos);
    this.refresh = settings.refresh();
    this.maxAge = settings.maxAge();
    this.clock = clock;
  }

  /** Builds the configured provider, fetches once before returning, then keeps refreshing. */
  public static Rates start(Settings.Rates settings, List<Crypto> cryptos, Clock clock) {
    RatesProvider provider =
        switch (settings.provider()) {
          case "fixed" ->
              new FixedRatesProvider(settings.fixedUsd(), settings.fixedFiatPerUsd(), clock);
          default ->
              new CoinGeckoRatesProvider(
                  settings.coinGeckoUrl(), settings.coinGeckoApiKey(), clock);
        };
    Rates rates = new Rates(provider, cryptos, settings, clock);
    rates.refreshIfDue();
    Duration tick =
        settings.refresh().compareTo(RETRY_AFTER_FAILURE) < 0
            ? settings.refresh()
            : RETRY_AFTER_FAILURE;
    rates.ticker = Ticker.start("rates-refresh", tick, rates::refreshIfDue);
    return rates;
  }

  /** Fetches when the refresh interval has passed; safe to call at any time. */
  void refreshIfDue() {
    Instant now = clock.instant();
    if (now.isBefore(nextFetch)) {
      return;
    }
    try {
      RateSnapshot snapshot = provider.fetch(cryptos);
      current.set(snapshot);
      nextFetch = now.plus(refresh);
      if (!lastFailure.isEmpty()) {
        log.info(
            "rates: provider={} recovered, prices for {}",
            provider.name(),
            snapshot.prices().keySet());
        lastFailure = "";
      }
    } catch (RatesFetchException e) {
      nextFetch = now.plus(RETRY_AFTER_FAILURE);
      // Log a failure once, not on every retry, until it changes or recovers.
      if (!e.getMessage().equals(lastFailure)) {
        log.warn("rates: provider={} fetch failed: {}", provider.name(), e.getMessage());
        lastFailure = e.getMessage();
      }
    }
  }

  /** The latest snapshot if it is fresh enough to price an invoice, else a 503-worthy reason. */
  public RateSnapshot fresh() {
    RateSnapshot snapshot = current.get();
    if (snapshot == null) {
      throw new RatesUnavailableException(
          "rates.unavailable", "Rates are not available yet; try again shortly");
    }
    Instant now = clock.instant();
    if (snapshot.fetchedAt().plus(maxAge).isBefore(now)) {
      throw new RatesUnavailableException(
          "rates.stale",
          "Rates are stale (fetched %s, older than %s); try again later"
              .formatted(Timestamps.wire(snapshot.fetchedAt()), maxAge));
    }
    return snapshot;
  }

  /** The US dollar value of a fiat amount at fresh rates. */
  public BigDecimal usdValue(BigDecimal amount, Fiat currency) {
    if (currency == Fiat.USD) {
      return amount;
    }
    BigDecimal perUsd =
        fresh()
            .fiatPerUsd(currency)
            .orElseThrow(
                () ->
                    new RatesUnavailableException(
                        "rates.unavailable", "No " + currency + " exchange rate is available"));
    return amount.divide(perUsd, Prices.MATH);
  }

  /** The last snapshot whatever its age, for health reports. */
  public Optional<RateSnapshot> last() {
    return Optional.ofNullable(current.get());
  }

  public String providerName() {
    return provider.name();
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.close();
    }
  }
}
