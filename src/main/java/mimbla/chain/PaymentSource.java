package mimbla.chain;

/**
 * Where one crypto's payments arrive: a wallet that hands out addresses and reports what reached
 * them. Implementations know addresses and amounts, never invoices.
 *
 * <p>Called from request threads ({@link #newAddress}, {@link #health}) and the payment watcher
 * ({@link #scan}, {@link #observe}); implementations must be safe for concurrent use.
 */
public interface PaymentSource {
  Crypto crypto();

  /** The kind of source, as {@code /health} and the settings name it: {@code sandbox}, … */
  String kind();

  /**
   * A fresh address for one payment; the label names the invoice in the wallet's records.
   *
   * @throws SourceUnavailableException when the wallet cannot hand out an address that will be
   *     watched (unreachable, or its daemon still syncing)
   */
  String newAddress(String label);

  /**
   * Reads what arrived since the last scan and keeps it for {@link #observe}. The payment watcher
   * calls it once per poll before observing this source's addresses.
   *
   * @throws SourceUnavailableException when the wallet cannot be read now; the next scan resumes
   *     where the last good one stopped
   */
  default void scan() {}

  /** Everything received at an address this source issued, with confirmations so far. */
  Observation observe(String address);

  /** What the last call to the wallet showed. */
  default SourceHealth health() {
    return SourceHealth.ok();
  }
}
