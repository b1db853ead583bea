package mimbla.rates;

/** A provider could not deliver prices this time; the message says why, without secrets. */
final class RatesFetchException extends Exception {
  private static final long serialVersionUID = 1L;

  RatesFetchException(String message) {
    super(message);
  }

  RatesFetchException(String message, Throwable cause) {
    super(message, cause);
  }
}
