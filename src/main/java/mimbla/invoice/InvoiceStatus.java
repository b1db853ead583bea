package mimbla.invoice;

import java.util.Locale;

/** An invoice is unpaid until it is paid in full or canceled (deleted, or past its due date). */
public enum InvoiceStatus {
  UNPAID,
  PAID,
  CANCELED;

  /** The lower-case word the API shows. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
