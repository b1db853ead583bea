package mimbla.invoice;

import java.time.Instant;
import java.util.Optional;
import mimbla.chain.Crypto;

/**
 * The one payment of an invoice: an address and the crypto amount due there. It tracks what the
 * address has seen, what is confirmed and what has been credited to the business.
 */
public record Payment(
    String id,
    String invoiceId,
    Crypto crypto,
    String address,
    long amountAtomic,
    String rates,
    PaymentStatus status,
    long seenAtomic,
    long confirmedAtomic,
    long creditedAtomic,
    int confirmations,
    Instant createdAt,
    Instant updatedAt,
    Optional<Instant> settledAt) {

  public String amountText() {
    return crypto.format(amountAtomic);
  }

  public String seenText() {
    return crypto.format(seenAtomic);
  }

  Payment observed(
      long seen,
      long confirmed,
      long credited,
      int confirmationCount,
      PaymentStatus newStatus,
      Instant now) {
    Optional<Instant> settled =
        newStatus != status && newStatus != PaymentStatus.PENDING ? Optional.of(now) : settledAt;
    return new Payment(
        id,
        invoiceId,
        crypto,
        address,
        amountAtomic,
        rates,
        newStatus,
        seen,
        confirmed,
        credited,
        confirmationCount,
        createdAt,
        now,
        settled);
  }

  Payment withStatus(PaymentStatus newStatus, Instant now) {
    return observed(seenAtomic, confirmedAtomic, creditedAtomic, confirmations, newStatus, now);
  }
}
