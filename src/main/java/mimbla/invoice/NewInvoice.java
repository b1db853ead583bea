package mimbla.invoice;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * A create-invoice request whose fields have the right JSON types; {@link Invoices#create} checks
 * their values. Empty optionals take the documented defaults.
 */
public record NewInvoice(
    BigDecimal amount,
    Optional<String> currency,
    Optional<String> crypto,
    Optional<String> dueDate,
    Optional<String> closeUrl,
    Optional<String> redirectUrl,
    Optional<String> webhookUrl,
    boolean automaticRedirect) {}
