package mimbla.invoice;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import mimbla.chain.Crypto;
import mimbla.rates.Fiat;

/**
 * A bill in fiat that a payer settles in crypto. {@code crypto} is empty for {@code ALL}: the payer
 * chooses among the cryptos the business accepts.
 */
public record Invoice(
    String id,
    String slug,
    String businessId,
    long amountMinor,
    Fiat currency,
    Optional<Crypto> crypto,
    InvoiceStatus status,
    Instant dueAt,
    Optional<String> closeUrl,
    Optional<String> redirectUrl,
    Optional<String> webhookUrl,
    boolean automaticRedirect,
    Instant createdAt,
    Instant updatedAt) {

  /** The symbol as the API shows it: {@code BTC} or {@code ALL}. */
  public static final String ANY_CRYPTO = "ALL";

  public BigDecimal amount() {
    return BigDecimal.valueOf(amountMinor, currency.decimals());
  }

  /** The amount as Mimbla writes it: no trailing zeros, {@code "10"} or {@code "10.5"}. */
  public String amountText() {
    return amount().stripTrailingZeros().toPlainString();
  }

  public String cryptoText() {
    return crypto.map(Crypto::name).orElse(ANY_CRYPTO);
  }

  Invoice withSlug(String newSlug) {
    return copy(newSlug, status, updatedAt);
  }

  Invoice withStatus(InvoiceStatus newStatus, Instant now) {
    return copy(slug, newStatus, now);
  }

  private Invoice copy(String newSlug, InvoiceStatus newStatus, Instant newUpdatedAt) {
    return new Invoice(
        id,
        newSlug,
        businessId,
        amountMinor,
        currency,
        crypto,
        newStatus,
        dueAt,
        closeUrl,
        redirectUrl,
        webhookUrl,
        automaticRedirect,
        createdAt,
        newUpdatedAt);
  }
}
