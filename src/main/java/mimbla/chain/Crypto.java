package mimbla.chain;

import java.math.BigDecimal;
import java.util.Optional;

/** The coins an invoice can be paid in, with the decimals of their smallest shown unit. */
public enum Crypto {
  BTC(8, "bitcoin"),
  BCH(8, "bitcoin-cash"),
  LTC(8, "litecoin"),
  XMR(12, "monero");

  private final int decimals;
  private final String coinName;

  Crypto(int decimals, String coinName) {
    this.decimals = decimals;
    this.coinName = coinName;
  }

  /** Digits after the point of the smallest unit: satoshi for BTC, piconero for XMR. */
  public int decimals() {
    return decimals;
  }

  /** The coin's lower-case name, as price APIs and payment URIs spell it. */
  public String coinName() {
    return coinName;
  }

  /** Case-sensitive lookup: symbols are upper-case, {@code btc} is not a crypto. */
  public static Optional<Crypto> bySymbol(String symbol) {
    for (Crypto crypto : values()) {
      if (crypto.name().equals(symbol)) {
        return Optional.of(crypto);
      }
    }
    return Optional.empty();
  }

  /** Whole coins as atomic units, or empty when the amount has more decimals than the coin. */
  public Optional<Long> atomic(BigDecimal coins) {
    try {
      return Optional.of(coins.movePointRight(decimals).longValueExact());
    } catch (ArithmeticException notWholeOrTooLarge) {
      return Optional.empty();
    }
  }

  /** Atomic units as coins with every decimal shown, the way payment amounts are written. */
  public String format(long atomic) {
    return BigDecimal.valueOf(atomic, decimals).toPlainString();
  }
}
