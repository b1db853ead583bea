package mimbla.rates;

import java.util.Optional;

/** The fiat currencies an invoice amount may be given in (Mimbla's supported list). */
public enum Fiat {
  ARS(2),
  BRL(2),
  CHF(2),
  CLP(0),
  CNY(2),
  EUR(2),
  GBP(2),
  GEL(2),
  HKD(2),
  HUF(0),
  IDR(0),
  ILS(2),
  INR(2),
  JPY(0),
  KRW(0),
  MXN(2),
  PHP(2),
  RUB(2),
  USD(2);

  private final int decimals;

  Fiat(int decimals) {
    this.decimals = decimals;
  }

  /** Decimal places an invoice amount in this currency may have. */
  public int decimals() {
    return decimals;
  }

  /** Case-sensitive lookup: codes are upper-case, {@code usd} is not a currency. */
  public static Optional<Fiat> byCode(String code) {
    for (Fiat fiat : values()) {
      if (fiat.name().equals(code)) {
        return Optional.of(fiat);
      }
    }
    return Optional.empty();
  }
}
