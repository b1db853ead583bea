package mimbla.net;

import java.util.Locale;
import java.util.Optional;

/** Which webhooks go through Tor: none, only {@code .onion} ones, or all of them. */
public enum TorMode {
  /** No Tor: {@code .onion} webhook URLs are refused when an invoice is created. */
  OFF,
  /** {@code .onion} hosts through Tor, every other host directly. */
  ONION,
  /** Every webhook through Tor, as Mimbla does: merchants never see the server's address. */
  ALL;

  /** The mode a setting names ({@code off}, {@code onion}, {@code all}), if it names one. */
  public static Optional<TorMode> named(String text) {
    for (TorMode mode : values()) {
      if (mode.name().toLowerCase(Locale.ROOT).equals(text)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }

  /** Whether a request to this host goes through Tor. */
  boolean routesThroughTor(String host) {
    return this == ALL || (this == ONION && OnionAddress.isOnion(host));
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
