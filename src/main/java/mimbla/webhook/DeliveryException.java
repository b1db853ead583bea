package mimbla.webhook;

/** A delivery request refused by the rules: the code is the API's stable name for it. */
public final class DeliveryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;

  DeliveryException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
