package mimbla.business;

/** A business or key operation that cannot be done; the message says why. */
public final class BusinessException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BusinessException(String message) {
    super(message);
  }
}
