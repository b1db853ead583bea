package mimbla.net;

import java.time.Duration;
import java.util.Optional;

/**
 * How webhooks may use Tor: the mode, the Tor to use (absent only when the mode is off), and the
 * timeouts of a Tor-routed attempt, longer than the clearnet's because circuits take seconds.
 */
public record TorAccess(
    TorMode mode, Optional<TorLink> link, Duration connectTimeout, Duration timeout) {

  public TorAccess {
    if (mode != TorMode.OFF && link.isEmpty()) {
      throw new IllegalArgumentException("Tor mode " + mode + " needs a Tor to talk to");
    }
  }

  /** No Tor at all. */
  public static TorAccess off() {
    return new TorAccess(TorMode.OFF, Optional.empty(), Duration.ZERO, Duration.ZERO);
  }
}
