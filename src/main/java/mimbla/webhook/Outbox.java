package mimbla.webhook;

import java.time.Clock;
import java.util.Locale;
import mimbla.invoice.Invoice;
import mimbla.invoice.InvoicePaidHook;
import mimbla.store.Dialect;
import okhttp3.HttpUrl;
import org.jdbi.v3.core.Handle;

/**
 * Writes the notification a paid invoice is owed, in the transaction that marks it paid: the
 * payment and its notification commit together or not at all. Once the transaction commits, the
 * dispatcher of this node is woken, and on PostgreSQL every other node through NOTIFY.
 */
public final class Outbox implements InvoicePaidHook {
  static final String CHANNEL = "mimbla_deliveries";

  private final DeliveryRepository repository;
  private final Dialect dialect;
  private final Clock clock;
  private final Runnable wake;

  public Outbox(Dialect dialect, Clock clock, Runnable wake) {
    this.repository = new DeliveryRepository(dialect);
    this.dialect = dialect;
    this.clock = clock;
    this.wake = wake;
  }

  @Override
  public void invoicePaid(Handle transaction, Invoice invoice) {
    if (invoice.webhookUrl().isEmpty()) {
      return;
    }
    String url = invoice.webhookUrl().get();
    repository.insert(
        transaction,
        invoice.id(),
        invoice.businessId(),
        Delivery.Kind.NOTIFICATION,
        url,
        host(url),
        clock.instant());
    announce(transaction, dialect, wake);
  }

  /** Wakes dispatchers once the transaction that wrote a due row has committed. */
  static void announce(Handle transaction, Dialect dialect, Runnable wake) {
    if (dialect.listensForNotifications()) {
      // Delivered to listeners at commit, and dropped on rollback, like the row itself.
      transaction.execute("NOTIFY " + CHANNEL);
    }
    transaction.afterCommit(wake);
  }

  /** The host concurrency is counted by: the URL's host in lower case. */
  static String host(String url) {
    HttpUrl parsed = HttpUrl.parse(url);
    String host = parsed == null ? "" : parsed.host();
    return host.toLowerCase(Locale.ROOT);
  }
}
