package mimbla.invoice;

import java.util.List;
import java.util.Optional;

/**
 * A decided state change, applied in one transaction: the invoice and payment as they become, the
 * history lines to add and the money to credit to the business.
 *
 * @param paid true when this change makes the invoice paid, the moment a notification is due
 */
record Transition(
    Invoice invoice,
    Optional<Payment> payment,
    List<InvoiceEvent> events,
    long creditAtomic,
    String creditKind,
    boolean paid) {

  static Transition of(Invoice invoice, Optional<Payment> payment, List<InvoiceEvent> events) {
    return new Transition(invoice, payment, List.copyOf(events), 0, "", false);
  }
}
