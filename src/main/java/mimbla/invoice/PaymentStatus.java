package mimbla.invoice;

import java.util.Locale;

/**
 * A payment is pending until paid in full with enough confirmations, or overdue at the due date.
 */
public enum PaymentStatus {
  PENDING,
  PAID,
  OVERDUE;

  /** The lower-case word the API shows. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
