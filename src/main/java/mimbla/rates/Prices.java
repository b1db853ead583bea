package mimbla.rates;

import java.math.MathContext;
import java.math.RoundingMode;

/** Shared arithmetic precision for price conversions. */
final class Prices {
  /** Far more digits than any price or amount has, so division adds no visible error. */
  static final MathContext MATH = new MathContext(34, RoundingMode.HALF_EVEN);

  private Prices() {}
}
