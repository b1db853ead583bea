package mimbla.chain;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The payment source of each crypto the server offers; a crypto without one is not offered. */
public final class PaymentSources {
  private final Map<Crypto, PaymentSource> sources;
  private final Map<Crypto, Integer> confirmations;

  public PaymentSources(List<PaymentSource> sources, Map<Crypto, Integer> confirmations) {
    this.sources = new EnumMap<>(Crypto.class);
    sources.forEach(source -> this.sources.put(source.crypto(), source));
    this.confirmations = new EnumMap<>(Crypto.class);
    this.confirmations.putAll(confirmations);
  }

  /** Offered cryptos in the canonical order BTC, BCH, LTC, XMR. */
  public List<Crypto> offered() {
    return List.copyOf(sources.keySet());
  }

  /** Every source, one per offered crypto, in the canonical order. */
  public List<PaymentSource> all() {
    return List.copyOf(sources.values());
  }

  public boolean offers(Crypto crypto) {
    return sources.containsKey(crypto);
  }

  public Optional<PaymentSource> source(Crypto crypto) {
    return Optional.ofNullable(sources.get(crypto));
  }

  /** Confirmations a payment in this crypto needs before it counts as paid. */
  public int requiredConfirmations(Crypto crypto) {
    return confirmations.getOrDefault(crypto, 1);
  }
}
