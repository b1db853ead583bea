package mimbla.chain;

/**
 * Where one crypto's payments arrive: a wallet that hands out addresses and reports what reached
 * them. Implementations know addresses and amounts, never invoices.
 *
 * <p>Called from request threads ({@link #newAddress}) and the payment watcher ({@link #observe});
 * implementations must be safe for concurrent use.
 */
public interface PaymentSource {
  Crypto crypto();

  /** A fresh address for one payment; the label names the invoice in the wallet's records. */
  String newAddress(String label);

  /** Everything received at an address this source issued, with confirmations so far. */
  Observation observe(String address);
}
