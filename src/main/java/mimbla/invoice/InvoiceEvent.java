package mimbla.invoice;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import mimbla.chain.Crypto;

/** One line of an invoice's history, with the money it concerns when it concerns money. */
public record InvoiceEvent(
    Instant at, Kind kind, Optional<Crypto> crypto, Optional<Long> amountAtomic, String note) {

  /** What happened; the lower-case name is what the API shows. */
  public enum Kind {
    CREATED,
    PAYMENT_REQUESTED,
    FUNDS_SEEN,
    FUNDS_CONFIRMED,
    PAID,
    UNDERPAID,
    OVERPAID,
    LATE_PAYMENT,
    EXPIRED,
    CANCELED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static InvoiceEvent of(Instant at, Kind kind, String note) {
    return new InvoiceEvent(at, kind, Optional.empty(), Optional.empty(), note);
  }

  static InvoiceEvent money(Instant at, Kind kind, Crypto crypto, long atomic, String note) {
    return new InvoiceEvent(at, kind, Optional.of(crypto), Optional.of(atomic), note);
  }
}
