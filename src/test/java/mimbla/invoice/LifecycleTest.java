package mimbla.invoice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import mimbla.chain.Crypto;
import mimbla.chain.Observation;
import mimbla.chain.Transfer;
import mimbla.invoice.InvoiceEvent.Kind;
import mimbla.rates.Fiat;
import org.junit.jupiter.api.Test;

/** The transition rules on their own, without a database: each state and what moves it. */
class LifecycleTest {
  static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");
  static final Instant DUE = Instant.parse("2026-06-20T23:59:59Z");

  static Invoice invoice(InvoiceStatus status) {
    return new Invoice(
        "invoice-id",
        "AAAAAAAAAAAA",
        "business-id",
        2600,
        Fiat.USD,
        Optional.of(Crypto.BTC),
        status,
        DUE,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        NOW,
        NOW);
  }

  static Payment payment(PaymentStatus status, long seen, long confirmed, long credited) {
    return new Payment(
        "payment-id",
        "invoice-id",
        Crypto.BTC,
        "bcsandbox1qaddress",
        40_000,
        "{}",
        status,
        seen,
        confirmed,
        credited,
        0,
        NOW,
        NOW,
        Optional.empty());
  }

  static Observation received(long... amountsAndConfirmations) {
    List<Transfer> transfers = new java.util.ArrayList<>();
    for (int i = 0; i < amountsAndConfirmations.length; i += 2) {
      transfers.add(
          new Transfer("t" + i, amountsAndConfirmations[i], (int) amountsAndConfirmations[i + 1]));
    }
    return new Observation(transfers);
  }

  @Test
  void nothingNewChangesNothing() {
    assertThat(
            Lifecycle.observe(
                invoice(InvoiceStatus.UNPAID),
                payment(PaymentStatus.PENDING, 0, 0, 0),
                received(),
                2,
                NOW))
        .isEmpty();
  }

  @Test
  void unconfirmedFundsAreSeenButNotCredited() {
    Transition t =
        Lifecycle.observe(
                invoice(InvoiceStatus.UNPAID),
                payment(PaymentStatus.PENDING, 0, 0, 0),
                received(40_000, 1),
                2,
                NOW)
            .orElseThrow();

    assertThat(t.paid()).isFalse();
    assertThat(t.creditAtomic()).isZero();
    assertThat(t.payment().orElseThrow().seenAtomic()).isEqualTo(40_000);
    assertThat(t.payment().orElseThrow().confirmations()).isEqualTo(1);
    assertThat(t.events()).extracting(InvoiceEvent::kind).containsExactly(Kind.FUNDS_SEEN);
  }

  @Test
  void confirmedFullAmountPaysBothAndCreditsOnce() {
    Transition t =
        Lifecycle.observe(
                invoice(InvoiceStatus.UNPAID),
                payment(PaymentStatus.PENDING, 40_000, 0, 0),
                received(40_000, 2),
                2,
                NOW)
            .orElseThrow();

    assertThat(t.paid()).isTrue();
    assertThat(t.invoice().status()).isEqualTo(InvoiceStatus.PAID);
    assertThat(t.payment().orElseThrow().status()).isEqualTo(PaymentStatus.PAID);
    assertThat(t.payment().orElseThrow().settledAt()).contains(NOW);
    assertThat(t.creditAtomic()).isEqualTo(40_000);
    assertThat(t.creditKind()).isEqualTo("payment");
    assertThat(t.events())
        .extracting(InvoiceEvent::kind)
        .containsExactly(Kind.FUNDS_CONFIRMED, Kind.PAID);
  }

  @Test
  void confirmationsLostInAReorgAreNotCreditedTwice() {
    Payment credited = payment(PaymentStatus.PENDING, 20_000, 20_000, 20_000);

    Transition dropped =
        Lifecycle.observe(invoice(InvoiceStatus.UNPAID), credited, received(20_000, 1), 2, NOW)
            .orElseThrow();
    assertThat(dropped.creditAtomic()).isZero();
    assertThat(dropped.payment().orElseThrow().confirmedAtomic()).isZero();
    assertThat(dropped.payment().orElseThrow().creditedAtomic()).isEqualTo(20_000);

    Transition again =
        Lifecycle.observe(
                invoice(InvoiceStatus.UNPAID),
                dropped.payment().orElseThrow(),
                received(20_000, 2),
                2,
                NOW)
            .orElseThrow();
    assertThat(again.creditAtomic()).isZero();
  }

  @Test
  void moneyAfterSettlementIsCreditedAsLateOrOverpaid() {
    Transition late =
        Lifecycle.observe(
                invoice(InvoiceStatus.CANCELED),
                payment(PaymentStatus.OVERDUE, 0, 0, 0),
                received(5_000, 3),
                2,
                NOW)
            .orElseThrow();
    assertThat(late.invoice().status()).isEqualTo(InvoiceStatus.CANCELED);
    assertThat(late.payment().orElseThrow().status()).isEqualTo(PaymentStatus.OVERDUE);
    assertThat(late.creditAtomic()).isEqualTo(5_000);
    assertThat(late.creditKind()).isEqualTo("late_payment");
    assertThat(late.paid()).isFalse();

    Transition twice =
        Lifecycle.observe(
                invoice(InvoiceStatus.PAID),
                payment(PaymentStatus.PAID, 40_000, 40_000, 40_000),
                received(40_000, 9, 1_000, 2),
                2,
                NOW)
            .orElseThrow();
    assertThat(twice.creditAtomic()).isEqualTo(1_000);
    assertThat(twice.creditKind()).isEqualTo("overpaid");
    assertThat(twice.paid()).isFalse();
  }

  @Test
  void expiryCancelsTheInvoiceAndMakesThePaymentOverdue() {
    Instant after = DUE.plusSeconds(1);
    assertThat(
            Lifecycle.expire(
                invoice(InvoiceStatus.UNPAID), Optional.empty(), DUE, Duration.ofHours(1)))
        .isEmpty();

    Transition t =
        Lifecycle.expire(
                invoice(InvoiceStatus.UNPAID),
                Optional.of(payment(PaymentStatus.PENDING, 100, 100, 100)),
                after,
                Duration.ofHours(1))
            .orElseThrow();
    assertThat(t.invoice().status()).isEqualTo(InvoiceStatus.CANCELED);
    assertThat(t.payment().orElseThrow().status()).isEqualTo(PaymentStatus.OVERDUE);
    assertThat(t.events())
        .extracting(InvoiceEvent::kind)
        .containsExactly(Kind.UNDERPAID, Kind.EXPIRED);
    assertThat(t.creditAtomic()).isZero();
  }

  @Test
  void expiryWaitsOutTheGraceForAFullySeenPayment() {
    Optional<Payment> seen = Optional.of(payment(PaymentStatus.PENDING, 40_000, 0, 0));
    assertThat(
            Lifecycle.expire(
                invoice(InvoiceStatus.UNPAID),
                seen,
                DUE.plus(Duration.ofMinutes(59)),
                Duration.ofHours(1)))
        .isEmpty();
    assertThat(
            Lifecycle.expire(
                invoice(InvoiceStatus.UNPAID),
                seen,
                DUE.plus(Duration.ofMinutes(61)),
                Duration.ofHours(1)))
        .isPresent();
  }

  @Test
  void settledInvoicesNeverExpire() {
    for (InvoiceStatus status : new InvoiceStatus[] {InvoiceStatus.PAID, InvoiceStatus.CANCELED}) {
      assertThat(
              Lifecycle.expire(
                  invoice(status), Optional.empty(), DUE.plus(Duration.ofDays(9)), Duration.ZERO))
          .isEmpty();
    }
  }

  @Test
  void cancelRulesFollowTheDocumentation() {
    assertThat(
            Lifecycle.cancel(invoice(InvoiceStatus.UNPAID), Optional.empty(), NOW)
                .orElseThrow()
                .invoice()
                .status())
        .isEqualTo(InvoiceStatus.CANCELED);
    assertThat(Lifecycle.cancel(invoice(InvoiceStatus.CANCELED), Optional.empty(), NOW)).isEmpty();
    assertThatThrownBy(() -> Lifecycle.cancel(invoice(InvoiceStatus.PAID), Optional.empty(), NOW))
        .hasMessage("Invoice is paid, cannot be deleted");
    assertThatThrownBy(
            () ->
                Lifecycle.cancel(
                    invoice(InvoiceStatus.UNPAID),
                    Optional.of(payment(PaymentStatus.PENDING, 0, 0, 0)),
                    NOW))
        .hasMessage("Invoice has a pending payment, cannot be deleted at this time");
  }

  @Test
  void paymentIsRequestedOnlyForAnUnpaidInvoiceBeforeItsDueDate() {
    Lifecycle.checkPaymentMayBeRequested(invoice(InvoiceStatus.UNPAID), Optional.empty(), NOW);
    assertThatThrownBy(
            () ->
                Lifecycle.checkPaymentMayBeRequested(
                    invoice(InvoiceStatus.UNPAID), Optional.empty(), DUE.plusSeconds(1)))
        .hasMessage("Invoice is not unpaid");
    assertThatThrownBy(
            () ->
                Lifecycle.checkPaymentMayBeRequested(
                    invoice(InvoiceStatus.PAID), Optional.empty(), NOW))
        .hasMessage("Invoice is not unpaid");
    assertThatThrownBy(
            () ->
                Lifecycle.checkPaymentMayBeRequested(
                    invoice(InvoiceStatus.UNPAID),
                    Optional.of(payment(PaymentStatus.PENDING, 0, 0, 0)),
                    NOW))
        .hasMessage("Payment already requested");
  }
}
