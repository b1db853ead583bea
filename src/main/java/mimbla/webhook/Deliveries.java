package mimbla.webhook;

import java.time.Clock;
import java.util.List;
import mimbla.invoice.Invoice;
import mimbla.invoice.InvoiceStatus;
import mimbla.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What merchants may do with deliveries: read an invoice's log, and ask for a redelivery. */
public final class Deliveries {
  private static final Logger log = LoggerFactory.getLogger(Deliveries.class);

  private final Store store;
  private final DeliveryRepository repository;
  private final Clock clock;
  private final Runnable wake;

  public Deliveries(Store store, Clock clock, Runnable wake) {
    this.store = store;
    this.repository = new DeliveryRepository(store.dialect());
    this.clock = clock;
    this.wake = wake;
  }

  /** The invoice's deliveries, oldest first, each with every attempt made. */
  public List<Delivery> of(Invoice invoice) {
    return store.read(handle -> repository.forInvoice(handle, invoice.id()));
  }

  /**
   * Queues a new attempt of a paid invoice's notification, sent like the first one and recorded the
   * same way. Refused while one is still waiting, so pressing the button twice sends once.
   */
  public Delivery redeliver(Invoice invoice) {
    if (invoice.status() != InvoiceStatus.PAID) {
      throw new DeliveryException(
          "delivery.not_paid", "Only a paid invoice has a notification to deliver again");
    }
    String url =
        invoice
            .webhookUrl()
            .orElseThrow(
                () ->
                    new DeliveryException(
                        "delivery.no_webhook", "The invoice has no webhook_url to deliver to"));

    try {
      store.useTransaction(
          handle -> {
            if (repository.hasPending(handle, invoice.id())) {
              throw pending();
            }
            repository.insert(
                handle,
                invoice.id(),
                invoice.businessId(),
                Delivery.Kind.REDELIVERY,
                url,
                Outbox.host(url),
                clock.instant());
            Outbox.announce(handle, store.dialect(), wake);
          });
    } catch (RuntimeException e) {
      if (store.isUniqueViolation(e)) {
        throw pending();
      }
      throw e;
    }

    log.info("invoice={} redelivery asked for by its business", invoice.slug());
    List<Delivery> all = of(invoice);
    return all.get(all.size() - 1);
  }

  private static DeliveryException pending() {
    return new DeliveryException(
        "delivery.pending", "A delivery of this invoice is still waiting to be sent");
  }
}
