package mimbla.invoice;

import java.util.Optional;

/** An invoice with its payment, if one was requested. */
public record InvoiceView(Invoice invoice, Optional<Payment> payment) {}
