package mimbla.api;

import mimbla.invoice.InvoiceException;

/** The documented answer to each refusal of the invoice rules. */
final class InvoiceErrors {
  private InvoiceErrors() {}

  static ApiError of(InvoiceException e) {
    return switch (e.reason()) {
      case NOT_FOUND -> ApiError.errorOnly(404, "Invoice not found");
      case PENDING_PAYMENT, ALREADY_PAID -> ApiError.errorOnly(400, e.getMessage());
      case CRYPTO_REQUIRED -> ApiError.messageOnly(400, e.getMessage());
      case NOT_UNPAID, PAYMENT_REQUESTED, INVALID -> ApiError.badRequest(e.code(), e.getMessage());
    };
  }
}
