package mimbla.chain;

import java.time.Clock;
import mimbla.config.Settings;
import mimbla.store.Store;

/** Builds the payment source on a real chain that a crypto's settings name. */
public final class ChainSources {
  private ChainSources() {}

  /**
   * The crypto's {@code bitcoin-rpc} or {@code monero-rpc} source. Nothing is called yet: a daemon
   * that is down at start makes the source unavailable, not the server.
   */
  public static PaymentSource create(
      Crypto crypto, Settings.CryptoSettings settings, Store store, Clock clock) {
    Settings.Rpc rpc =
        settings
            .rpc()
            .orElseThrow(() -> new IllegalArgumentException(crypto + " has no RPC settings"));
    return switch (settings.source()) {
      case "bitcoin-rpc" ->
          new BitcoinRpcSource(crypto, rpc, settings.confirmations(), store, clock);
      case "monero-rpc" -> new MoneroRpcSource(rpc, settings.confirmations(), store, clock);
      default -> throw new IllegalArgumentException("not a chain source: " + settings.source());
    };
  }
}
