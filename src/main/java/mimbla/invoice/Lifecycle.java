package mimbla.invoice;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mimbla.chain.Crypto;
import mimbla.chain.Observation;
import mimbla.invoice.InvoiceEvent.Kind;

/**
 * The one place that decides how invoices and payments change state. Every method is pure: it reads
 * the current rows and returns a {@link Transition} (or refuses), and the caller applies it in the
 * same transaction that read the rows under lock.
 *
 * <pre>
 * invoice  unpaid ──paid in full, confirmed──▶ paid
 *          unpaid ──deleted, or due date passed──▶ canceled
 * payment  pending ──paid in full, confirmed──▶ paid
 *          pending ──due date passed──▶ overdue
 * </pre>
 *
 * Money is never dropped: every confirmed increase at an address is credited to the business,
 * whatever the state, and recorded in the history as payment, overpayment or late payment.
 */
final class Lifecycle {
  private Lifecycle() {}

  /** DELETE: unpaid invoices without a pending payment become canceled; canceled stay so. */
  static Optional<Transition> cancel(Invoice invoice, Optional<Payment> payment, Instant now) {
    if (invoice.status() == InvoiceStatus.PAID) {
      throw new InvoiceException(
          InvoiceException.Reason.ALREADY_PAID,
          "invoice.paid",
          "Invoice is paid, cannot be deleted");
    }
    if (payment.filter(p -> p.status() == PaymentStatus.PENDING).isPresent()) {
      throw new InvoiceException(
          InvoiceException.Reason.PENDING_PAYMENT,
          "invoice.pending_payment",
          "Invoice has a pending payment, cannot be deleted at this time");
    }
    if (invoice.status() == InvoiceStatus.CANCELED) {
      return Optional.empty();
    }
    Invoice canceled = invoice.withStatus(InvoiceStatus.CANCELED, now);
    return Optional.of(
        Transition.of(
            canceled,
            payment,
            List.of(InvoiceEvent.of(now, Kind.CANCELED, "Deleted by the merchant"))));
  }

  /** Request payment: only for an unpaid invoice within its due date, and only once. */
  static void checkPaymentMayBeRequested(Invoice invoice, Optional<Payment> payment, Instant now) {
    if (invoice.status() != InvoiceStatus.UNPAID || now.isAfter(invoice.dueAt())) {
      throw new InvoiceException(
          InvoiceException.Reason.NOT_UNPAID, "invoice.not_unpaid", "Invoice is not unpaid");
    }
    if (payment.isPresent()) {
      throw new InvoiceException(
          InvoiceException.Reason.PAYMENT_REQUESTED,
          "payment.requested",
          "Payment already requested");
    }
  }

  /** A new payment starts pending and leaves the invoice as it is; only the history grows. */
  static InvoiceEvent paymentRequested(Payment payment, Instant now) {
    String note =
        "Pay %s %s to %s".formatted(payment.amountText(), payment.crypto(), payment.address());
    return InvoiceEvent.of(now, Kind.PAYMENT_REQUESTED, note);
  }

  /**
   * What an address has received. A pending payment becomes paid (and its invoice paid) once the
   * confirmed amount covers it; anything confirmed beyond what was credited is credited.
   */
  static Optional<Transition> observe(
      Invoice invoice, Payment payment, Observation observation, int required, Instant now) {
    Tally tally = Tally.of(payment, observation, required);
    if (tally.seen() == payment.seenAtomic()
        && tally.confirmed() == payment.confirmedAtomic()
        && tally.confirmations() == payment.confirmations()) {
      return Optional.empty();
    }

    List<InvoiceEvent> events = fundsEvents(payment, tally, required, now);
    return Optional.of(
        switch (payment.status()) {
          case PENDING -> pendingObserved(invoice, payment, events, tally, now);
          case PAID -> settledObserved(invoice, payment, events, Kind.OVERPAID, tally, now);
          case OVERDUE -> settledObserved(invoice, payment, events, Kind.LATE_PAYMENT, tally, now);
        });
  }

  /**
   * An observation measured against a payment. Confirmed funds can drop in a reorganisation; what
   * was credited stays credited and is not credited again when the funds confirm again.
   */
  private record Tally(long seen, long confirmed, long credit, long credited, int confirmations) {
    static Tally of(Payment payment, Observation observation, int required) {
      long confirmed = observation.confirmedAtomic(required);
      long credit = Math.max(0, confirmed - payment.creditedAtomic());
      return new Tally(
          observation.seenAtomic(),
          confirmed,
          credit,
          payment.creditedAtomic() + credit,
          observation.confirmations());
    }

    Payment applyTo(Payment payment, PaymentStatus status, Instant now) {
      return payment.observed(seen, confirmed, credited, confirmations, status, now);
    }
  }

  private static List<InvoiceEvent> fundsEvents(
      Payment payment, Tally tally, int required, Instant now) {
    Crypto crypto = payment.crypto();
    List<InvoiceEvent> events = new ArrayList<>();
    if (tally.seen() > payment.seenAtomic()) {
      long fresh = tally.seen() - payment.seenAtomic();
      String note =
          "%s %s seen, %d confirmations"
              .formatted(crypto.format(fresh), crypto, tally.confirmations());
      events.add(InvoiceEvent.money(now, Kind.FUNDS_SEEN, crypto, fresh, note));
    }
    if (tally.confirmed() > payment.confirmedAtomic()) {
      long fresh = tally.confirmed() - payment.confirmedAtomic();
      String note = "%s %s has %d confirmations".formatted(crypto.format(fresh), crypto, required);
      events.add(InvoiceEvent.money(now, Kind.FUNDS_CONFIRMED, crypto, fresh, note));
    }
    return events;
  }

  private static Transition pendingObserved(
      Invoice invoice, Payment payment, List<InvoiceEvent> events, Tally tally, Instant now) {
    if (tally.confirmed() < payment.amountAtomic()) {
      Payment still = tally.applyTo(payment, PaymentStatus.PENDING, now);
      return new Transition(
          invoice, Optional.of(still), events, tally.credit(), "partial_payment", false);
    }

    Crypto crypto = payment.crypto();
    long confirmed = tally.confirmed();
    events.add(
        InvoiceEvent.money(
            now,
            Kind.PAID,
            crypto,
            confirmed,
            "Paid in full with %s %s".formatted(crypto.format(confirmed), crypto)));
    if (confirmed > payment.amountAtomic()) {
      long extra = confirmed - payment.amountAtomic();
      String note = "%s %s more than due, credited".formatted(crypto.format(extra), crypto);
      events.add(InvoiceEvent.money(now, Kind.OVERPAID, crypto, extra, note));
    }

    Payment paid = tally.applyTo(payment, PaymentStatus.PAID, now);
    Invoice paidInvoice = invoice.withStatus(InvoiceStatus.PAID, now);
    return new Transition(paidInvoice, Optional.of(paid), events, tally.credit(), "payment", true);
  }

  /** Money reaching a paid or overdue payment: credited and recorded, the states unchanged. */
  private static Transition settledObserved(
      Invoice invoice,
      Payment payment,
      List<InvoiceEvent> events,
      Kind kind,
      Tally tally,
      Instant now) {
    Crypto crypto = payment.crypto();
    if (tally.credit() > 0) {
      String when = kind == Kind.LATE_PAYMENT ? "after the due date" : "after the invoice was paid";
      String note =
          "%s %s arrived %s, credited".formatted(crypto.format(tally.credit()), crypto, when);
      events.add(InvoiceEvent.money(now, kind, crypto, tally.credit(), note));
    }
    Payment observed = tally.applyTo(payment, payment.status(), now);
    return new Transition(
        invoice, Optional.of(observed), events, tally.credit(), kind.wire(), false);
  }

  /**
   * The due date has passed: an unpaid invoice becomes canceled and its pending payment overdue. A
   * payment whose full amount is already seen waits up to {@code grace} for confirmations, so a
   * payer who paid in time is not turned away by a slow block.
   */
  static Optional<Transition> expire(
      Invoice invoice, Optional<Payment> payment, Instant now, Duration grace) {
    if (invoice.status() != InvoiceStatus.UNPAID || !now.isAfter(invoice.dueAt())) {
      return Optional.empty();
    }
    Optional<Payment> pending = payment.filter(p -> p.status() == PaymentStatus.PENDING);
    boolean fullySeen = pending.filter(p -> p.seenAtomic() >= p.amountAtomic()).isPresent();
    if (fullySeen && !now.isAfter(invoice.dueAt().plus(grace))) {
      return Optional.empty();
    }

    List<InvoiceEvent> events = new ArrayList<>();
    Optional<Payment> after = pending.map(p -> p.withStatus(PaymentStatus.OVERDUE, now));
    pending
        .filter(p -> p.seenAtomic() > 0)
        .ifPresent(
            p ->
                events.add(
                    InvoiceEvent.money(
                        now,
                        Kind.UNDERPAID,
                        p.crypto(),
                        p.confirmedAtomic(),
                        "%s of %s %s confirmed by the due date, credited"
                            .formatted(
                                p.crypto().format(p.confirmedAtomic()),
                                p.amountText(),
                                p.crypto()))));
    events.add(InvoiceEvent.of(now, Kind.EXPIRED, "Due date passed without full payment"));

    Invoice canceled = invoice.withStatus(InvoiceStatus.CANCELED, now);
    return Optional.of(Transition.of(canceled, after.or(() -> payment), events));
  }
}
