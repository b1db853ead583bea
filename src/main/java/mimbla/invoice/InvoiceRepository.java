package mimbla.invoice;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import mimbla.chain.Crypto;
import mimbla.rates.Fiat;
import mimbla.store.Dialect;
import mimbla.store.Timestamps;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** The SQL of invoices, payments and their history; every method runs on the caller's handle. */
final class InvoiceRepository {
  private static final String INVOICE_COLUMNS =
      "id, slug, business_id, amount_minor, currency, crypto, status, due_at, close_url,"
          + " redirect_url, webhook_url, automatic_redirect, created_at, updated_at";
  private static final String PAYMENT_COLUMNS =
      "id, invoice_id, crypto, address, amount_atomic, rates, status, seen_atomic,"
          + " confirmed_atomic, credited_atomic, confirmations, created_at, updated_at,"
          + " settled_at";

  private final Dialect dialect;

  InvoiceRepository(Dialect dialect) {
    this.dialect = dialect;
  }

  void insert(Handle handle, Invoice invoice) {
    handle
        .createUpdate(
            "INSERT INTO invoice ("
                + INVOICE_COLUMNS
                + ") VALUES (:id, :slug, :businessId, :amountMinor, :currency, :crypto, :status,"
                + " :dueAt, :closeUrl, :redirectUrl, :webhookUrl, :automaticRedirect,"
                + " :createdAt, :updatedAt)")
        .bind("id", invoice.id())
        .bind("slug", invoice.slug())
        .bind("businessId", invoice.businessId())
        .bind("amountMinor", invoice.amountMinor())
        .bind("currency", invoice.currency().name())
        .bind("crypto", invoice.cryptoText())
        .bind("status", invoice.status().name())
        .bind("dueAt", Timestamps.micros(invoice.dueAt()))
        .bind("closeUrl", invoice.closeUrl().orElse(null))
        .bind("redirectUrl", invoice.redirectUrl().orElse(null))
        .bind("webhookUrl", invoice.webhookUrl().orElse(null))
        .bind("automaticRedirect", invoice.automaticRedirect())
        .bind("createdAt", Timestamps.micros(invoice.createdAt()))
        .bind("updatedAt", Timestamps.micros(invoice.updatedAt()))
        .execute();
  }

  /** The invoice with this slug if it belongs to the business; locked when asked. */
  Optional<Invoice> bySlug(Handle handle, String businessId, String slug, boolean lock) {
    return handle
        .createQuery(
            "SELECT "
                + INVOICE_COLUMNS
                + " FROM invoice WHERE slug = :slug AND business_id = :businessId"
                + (lock ? dialect.forUpdate() : ""))
        .bind("slug", slug)
        .bind("businessId", businessId)
        .map(InvoiceRepository::invoice)
        .findOne();
  }

  /** The invoice with this slug, whoever owns it: the pay page knows only the slug. */
  Optional<Invoice> bySlug(Handle handle, String slug) {
    return handle
        .createQuery("SELECT " + INVOICE_COLUMNS + " FROM invoice WHERE slug = :slug")
        .bind("slug", slug)
        .map(InvoiceRepository::invoice)
        .findOne();
  }

  /**
   * One page of a business's invoices, newest first, after the cursor. Keyset pagination on
   * (created_at, id) keeps every page as cheap as the first, however many invoices there are.
   */
  List<InvoiceListing.Row> page(
      Handle handle, String businessId, InvoiceListing.Query query, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT i.slug, i.amount_minor, i.currency, i.crypto, i.status, i.due_at,"
                + " i.created_at, i.id, p.crypto AS payment_crypto, p.status AS payment_status"
                + " FROM invoice i LEFT JOIN payment p ON p.invoice_id = i.id"
                + " WHERE i.business_id = :businessId");
    query.status().ifPresent(status -> sql.append(" AND i.status = :status"));
    query.slugPrefix().ifPresent(prefix -> sql.append(" AND i.slug LIKE :slugPrefix"));
    query
        .after()
        .ifPresent(
            after ->
                sql.append(
                    " AND (i.created_at < :afterCreated"
                        + " OR (i.created_at = :afterCreated AND i.id < :afterId))"));
    sql.append(" ORDER BY i.created_at DESC, i.id DESC LIMIT :limit");

    var statement = handle.createQuery(sql.toString()).bind("businessId", businessId);
    query.status().ifPresent(status -> statement.bind("status", status.name()));
    // Slugs are letters and digits only (checked by the query), so no LIKE wildcard slips in.
    query.slugPrefix().ifPresent(prefix -> statement.bind("slugPrefix", prefix + "%"));
    query
        .after()
        .ifPresent(
            after ->
                statement
                    .bind("afterCreated", after.createdAtMicros())
                    .bind("afterId", after.id()));
    return statement.bind("limit", limit).map(InvoiceRepository::listed).list();
  }

  private static InvoiceListing.Row listed(ResultSet row, StatementContext context)
      throws SQLException {
    Fiat currency = Fiat.valueOf(row.getString("currency"));
    String paymentStatus = row.getString("payment_status");
    return new InvoiceListing.Row(
        row.getString("slug"),
        BigDecimal.valueOf(row.getLong("amount_minor"), currency.decimals())
            .stripTrailingZeros()
            .toPlainString(),
        currency.name(),
        row.getString("crypto"),
        Optional.ofNullable(row.getString("payment_crypto")),
        InvoiceStatus.valueOf(row.getString("status")),
        Optional.ofNullable(paymentStatus).map(PaymentStatus::valueOf),
        Timestamps.instant(row.getLong("due_at")),
        new InvoiceListing.Cursor(row.getLong("created_at"), row.getString("id")));
  }

  Optional<Invoice> byId(Handle handle, String id, boolean lock) {
    return handle
        .createQuery(
            "SELECT "
                + INVOICE_COLUMNS
                + " FROM invoice WHERE id = :id"
                + (lock ? dialect.forUpdate() : ""))
        .bind("id", id)
        .map(InvoiceRepository::invoice)
        .findOne();
  }

  void updateStatus(Handle handle, Invoice invoice) {
    handle
        .createUpdate("UPDATE invoice SET status = :status, updated_at = :updatedAt WHERE id = :id")
        .bind("status", invoice.status().name())
        .bind("updatedAt", Timestamps.micros(invoice.updatedAt()))
        .bind("id", invoice.id())
        .execute();
  }

  Optional<Payment> paymentOf(Handle handle, String invoiceId, boolean lock) {
    return handle
        .createQuery(
            "SELECT "
                + PAYMENT_COLUMNS
                + " FROM payment WHERE invoice_id = :invoiceId"
                + (lock ? dialect.forUpdate() : ""))
        .bind("invoiceId", invoiceId)
        .map(InvoiceRepository::payment)
        .findOne();
  }

  void insertPayment(Handle handle, Payment payment) {
    handle
        .createUpdate(
            "INSERT INTO payment ("
                + PAYMENT_COLUMNS
                + ") VALUES (:id, :invoiceId, :crypto, :address, :amountAtomic, :rates, :status,"
                + " :seen, :confirmed, :credited, :confirmations, :createdAt, :updatedAt,"
                + " :settledAt)")
        .bind("id", payment.id())
        .bind("invoiceId", payment.invoiceId())
        .bind("crypto", payment.crypto().name())
        .bind("address", payment.address())
        .bind("amountAtomic", payment.amountAtomic())
        .bind("rates", payment.rates())
        .bind("status", payment.status().name())
        .bind("seen", payment.seenAtomic())
        .bind("confirmed", payment.confirmedAtomic())
        .bind("credited", payment.creditedAtomic())
        .bind("confirmations", payment.confirmations())
        .bind("createdAt", Timestamps.micros(payment.createdAt()))
        .bind("updatedAt", Timestamps.micros(payment.updatedAt()))
        .bind("settledAt", payment.settledAt().map(Timestamps::micros).orElse(null))
        .execute();
  }

  void updatePayment(Handle handle, Payment payment) {
    handle
        .createUpdate(
            "UPDATE payment SET status = :status, seen_atomic = :seen,"
                + " confirmed_atomic = :confirmed, credited_atomic = :credited,"
                + " confirmations = :confirmations, updated_at = :updatedAt,"
                + " settled_at = :settledAt WHERE id = :id")
        .bind("status", payment.status().name())
        .bind("seen", payment.seenAtomic())
        .bind("confirmed", payment.confirmedAtomic())
        .bind("credited", payment.creditedAtomic())
        .bind("confirmations", payment.confirmations())
        .bind("updatedAt", Timestamps.micros(payment.updatedAt()))
        .bind("settledAt", payment.settledAt().map(Timestamps::micros).orElse(null))
        .bind("id", payment.id())
        .execute();
  }

  /** Appends history lines after the invoice's last one; the invoice row must be locked. */
  void appendEvents(Handle handle, String invoiceId, List<InvoiceEvent> events) {
    int seq =
        handle
            .createQuery("SELECT COALESCE(MAX(seq), 0) FROM invoice_event WHERE invoice_id = :id")
            .bind("id", invoiceId)
            .mapTo(Integer.class)
            .one();
    for (InvoiceEvent event : events) {
      seq++;
      handle
          .createUpdate(
              "INSERT INTO invoice_event (invoice_id, seq, at, kind, crypto, amount_atomic, note)"
                  + " VALUES (:invoiceId, :seq, :at, :kind, :crypto, :amount, :note)")
          .bind("invoiceId", invoiceId)
          .bind("seq", seq)
          .bind("at", Timestamps.micros(event.at()))
          .bind("kind", event.kind().name())
          .bind("crypto", event.crypto().map(Crypto::name).orElse(null))
          .bind("amount", event.amountAtomic().orElse(null))
          .bind("note", event.note())
          .execute();
    }
  }

  List<InvoiceEvent> events(Handle handle, String invoiceId) {
    return handle
        .createQuery(
            "SELECT at, kind, crypto, amount_atomic, note FROM invoice_event"
                + " WHERE invoice_id = :id ORDER BY seq")
        .bind("id", invoiceId)
        .map(InvoiceRepository::event)
        .list();
  }

  /** Payments whose address may still receive money worth recording. */
  List<Payment> watched(Handle handle, Instant settledSince) {
    return handle
        .createQuery(
            "SELECT "
                + PAYMENT_COLUMNS
                + " FROM payment WHERE status = 'PENDING'"
                + " OR (settled_at IS NOT NULL AND settled_at >= :since)"
                + " ORDER BY created_at")
        .bind("since", Timestamps.micros(settledSince))
        .map(InvoiceRepository::payment)
        .list();
  }

  /** A place in the list of overdue invoices, ordered by due date then id. */
  record DueCursor(long dueAtMicros, String id) {
    static final DueCursor START = new DueCursor(Long.MIN_VALUE, "");
  }

  /** Unpaid invoices whose due date has passed, after the cursor, in cursor order. */
  List<DueCursor> overdue(Handle handle, Instant now, DueCursor after, int limit) {
    return handle
        .createQuery(
            "SELECT due_at, id FROM invoice WHERE status = 'UNPAID' AND due_at < :now"
                + " AND (due_at > :afterDue OR (due_at = :afterDue AND id > :afterId))"
                + " ORDER BY due_at, id LIMIT :limit")
        .bind("now", Timestamps.micros(now))
        .bind("afterDue", after.dueAtMicros())
        .bind("afterId", after.id())
        .bind("limit", limit)
        .map((row, context) -> new DueCursor(row.getLong("due_at"), row.getString("id")))
        .list();
  }

  private static Invoice invoice(ResultSet row, StatementContext context) throws SQLException {
    String crypto = row.getString("crypto");
    return new Invoice(
        row.getString("id"),
        row.getString("slug"),
        row.getString("business_id"),
        row.getLong("amount_minor"),
        Fiat.valueOf(row.getString("currency")),
        Crypto.bySymbol(crypto),
        InvoiceStatus.valueOf(row.getString("status")),
        Timestamps.instant(row.getLong("due_at")),
        Optional.ofNullable(row.getString("close_url")),
        Optional.ofNullable(row.getString("redirect_url")),
        Optional.ofNullable(row.getString("webhook_url")),
        row.getBoolean("automatic_redirect"),
        Timestamps.instant(row.getLong("created_at")),
        Timestamps.instant(row.getLong("updated_at")));
  }

  private static InvoiceEvent event(ResultSet row, StatementContext context) throws SQLException {
    long amount = row.getLong("amount_atomic");
    Optional<Long> amountAtomic = row.wasNull() ? Optional.empty() : Optional.of(amount);
    return new InvoiceEvent(
        Timestamps.instant(row.getLong("at")),
        InvoiceEvent.Kind.valueOf(row.getString("kind")),
        Optional.ofNullable(row.getString("crypto")).flatMap(Crypto::bySymbol),
        amountAtomic,
        row.getString("note"));
  }

  private static Payment payment(ResultSet row, StatementContext context) throws SQLException {
    long settledAt = row.getLong("settled_at");
    boolean settled = !row.wasNull();
    return new Payment(
        row.getString("id"),
        row.getString("invoice_id"),
        Crypto.valueOf(row.getString("crypto")),
        row.getString("address"),
        row.getLong("amount_atomic"),
        row.getString("rates"),
        PaymentStatus.valueOf(row.getString("status")),
        row.getLong("seen_atomic"),
        row.getLong("confirmed_atomic"),
        row.getLong("credited_atomic"),
        row.getInt("confirmations"),
        Timestamps.instant(row.getLong("created_at")),
        Timestamps.instant(row.getLong("updated_at")),
        settled ? Optional.of(Timestamps.instant(settledAt)) : Optional.empty());
  }
}
