package mimbla.api;

import java.util.List;
import mimbla.invoice.Invoice;
import mimbla.invoice.InvoiceEvent;
import mimbla.invoice.InvoiceView;
import mimbla.invoice.Payment;
import mimbla.store.Timestamps;

/**
 * The JSON shapes of the merchant API. Field order and names follow the Mimbla documentation;
 * fields we add come after the documented ones, which never change shape.
 */
final class Views {
  private Views() {}

  record Created(
      String id,
      boolean success,
      String invoiceUrl,
      String dueDate,
      String amount,
      String crypto) {}

  record InvoiceDetails(
      String dueDate,
      String amount,
      String crypto,
      String urlSlug,
      String status,
      PaymentDetails payment,
      String currency,
      String invoiceUrl,
      String closeUrl,
      String redirectUrl,
      String webhookUrl,
      boolean automaticRedirect,
      String createdAt,
      String updatedAt) {}

  record PaymentDetails(
      String status,
      String address,
      String amount,
      String crypto,
      String received,
      int confirmations,
      String createdAt,
      String updatedAt) {}

  record PaymentRequested(
      String invoiceId,
      String address,
      String amount,
      String status,
      String crypto,
      String rates,
      String createdAt,
      String updatedAt) {}

  record Message(String message) {}

  record History(String urlSlug, List<HistoryLine> history) {}

  record HistoryLine(String at, String event, String crypto, String amount, String note) {}

  static Created created(Invoice invoice, String invoiceUrl) {
    return new Created(
        invoice.slug(),
        true,
        invoiceUrl,
        Timestamps.wire(invoice.dueAt()),
        invoice.amountText(),
        invoice.cryptoText());
  }

  static InvoiceDetails details(InvoiceView view, String invoiceUrl) {
    Invoice invoice = view.invoice();
    return new InvoiceDetails(
        Timestamps.wire(invoice.dueAt()),
        invoice.amountText(),
        invoice.cryptoText(),
        invoice.slug(),
        invoice.status().wire(),
        view.payment().map(Views::payment).orElse(null),
        invoice.currency().name(),
        invoiceUrl,
        invoice.closeUrl().orElse(null),
        invoice.redirectUrl().orElse(null),
        invoice.webhookUrl().orElse(null),
        invoice.automaticRedirect(),
        Timestamps.wire(invoice.createdAt()),
        Timestamps.wire(invoice.updatedAt()));
  }

  /**
   * The details a public client id may read: the webhook URL may carry a secret, so it is left out.
   */
  static InvoiceDetails forBrowser(InvoiceDetails details) {
    return new InvoiceDetails(
        details.dueDate(),
        details.amount(),
        details.crypto(),
        details.urlSlug(),
        details.status(),
        details.payment(),
        details.currency(),
        details.invoiceUrl(),
        details.closeUrl(),
        details.redirectUrl(),
        null,
        details.automaticRedirect(),
        details.createdAt(),
        details.updatedAt());
  }

  private static PaymentDetails payment(Payment payment) {
    return new PaymentDetails(
        payment.status().wire(),
        payment.address(),
        payment.amountText(),
        payment.crypto().name(),
        payment.seenText(),
        payment.confirmations(),
        Timestamps.wire(payment.createdAt()),
        Timestamps.wire(payment.updatedAt()));
  }

  static PaymentRequested requested(Invoice invoice, Payment payment) {
    return new PaymentRequested(
        invoice.id(),
        payment.address(),
        payment.amountText(),
        payment.status().wire(),
        payment.crypto().name(),
        payment.rates(),
        Timestamps.wire(payment.createdAt()),
        Timestamps.wire(payment.updatedAt()));
  }

  static History history(String slug, List<InvoiceEvent> events) {
    return new History(slug, events.stream().map(Views::line).toList());
  }

  private static HistoryLine line(InvoiceEvent event) {
    String amount =
        event.crypto().isPresent() && event.amountAtomic().isPresent()
            ? event.crypto().get().format(event.amountAtomic().get())
            : null;
    return new HistoryLine(
        Timestamps.wire(event.at()),
        event.kind().wire(),
        event.crypto().map(Enum::name).orElse(null),
        amount,
        event.note());
  }
}
