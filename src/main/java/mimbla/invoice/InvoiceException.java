package mimbla.invoice;

/**
 * An invoice operation refused by the rules. The reason decides the HTTP answer; the code is the
 * stable dotted name the API shows, the message says what is wrong and names the field.
 */
public final class InvoiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why; each documented error body of the Mimbla API has its own reason. */
  public enum Reason {
    NOT_FOUND,
    PENDING_PAYMENT,
    ALREADY_PAID,
    NOT_UNPAID,
    PAYMENT_REQUESTED,
    CRYPTO_REQUIRED,
    INVALID
  }

  private final Reason reason;
  private final String code;

  InvoiceException(Reason reason, String code, String message) {
    super(message);
    this.reason = reason;
    this.code = code;
  }

  static InvoiceException invalid(String code, String message) {
    return new InvoiceException(Reason.INVALID, code, message);
  }

  static InvoiceException notFound() {
    return new InvoiceException(Reason.NOT_FOUND, "invoice.not_found", "Invoice not found");
  }

  public Reason reason() {
    return reason;
  }

  public String code() {
    return code;
  }
}
