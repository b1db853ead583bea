package mimbla.rates;

/** No fresh enough price for what a request needs; answered as 503, never with a stale price. */
public final class RatesUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;

  RatesUnavailableException(String code, String message) {
    super(message);
    this.code = code;
  }

  /** {@code rates.stale} or {@code rates.unavailable}. */
  public String code() {
    return code;
  }
}
