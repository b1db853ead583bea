package mimbla.invoice;

import org.jdbi.v3.core.Handle;

/**
 * Told when an invoice becomes paid, inside the transaction that marks it paid: whatever the hook
 * writes commits or rolls back with the payment. This is where a webhook notification is recorded,
 * so a paid invoice can never lack its notification.
 */
public interface InvoicePaidHook {
  void invoicePaid(Handle transaction, Invoice invoice);
}
