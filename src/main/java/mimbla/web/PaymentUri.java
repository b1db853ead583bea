package mimbla.web;

import mimbla.chain.Crypto;
import mimbla.invoice.Payment;

/**
 * The URI a wallet opens from the QR code: the coin's scheme, the address and the amount, as BIP 21
 * writes it for Bitcoin, Litecoin and Bitcoin Cash and Monero's URI scheme writes it for Monero.
 */
final class PaymentUri {
  private PaymentUri() {}

  static String of(Payment payment) {
    String amount = payment.amountText();
    return switch (payment.crypto()) {
      case BTC -> "bitcoin:" + payment.address() + "?amount=" + amount;
      case LTC -> "litecoin:" + payment.address() + "?amount=" + amount;
      // CashAddr addresses carry their scheme already; legacy ones get it added.
      case BCH ->
          (payment.address().startsWith("bitcoincash:")
                  ? payment.address()
                  : "bitcoincash:" + payment.address())
              + "?amount="
              + amount;
      case XMR -> "monero:" + payment.address() + "?tx_amount=" + amount;
    };
  }

  /** The coin's name for people, capitalised: "Bitcoin Cash". */
  static String coinName(Crypto crypto) {
    return switch (crypto) {
      case BTC -> "Bitcoin";
      case BCH -> "Bitcoin Cash";
      case LTC -> "Litecoin";
      case XMR -> "Monero";
    };
  }
}
