package mimbla.business;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import mimbla.chain.Crypto;

/**
 * A merchant account: it owns invoices and API keys. {@code cryptos} lists what it accepts; an
 * empty set means every crypto the server offers.
 */
public record Business(
    String id, String name, String clientId, Set<Crypto> cryptos, Instant createdAt) {
  public Business {
    cryptos = Set.copyOf(cryptos);
  }

  /** The cryptos this business accepts among those offered, in the offered order. */
  public List<Crypto> accepted(List<Crypto> offered) {
    return offered.stream()
        .filter(crypto -> cryptos.isEmpty() || cryptos.contains(crypto))
        .toList();
  }
}
