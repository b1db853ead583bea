package mimbla.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import mimbla.store.Dialect;
import mimbla.store.Timestamps;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The SQL of deliveries and attempts; every method runs on the caller's handle. */
final class DeliveryRepository {
  private static final String DELIVERY_COLUMNS =
      "id, invoice_id, business_id, kind, url, host, state, due_at, lease_owner, attempts,"
          + " outcome, created_at, updated_at";

  private final Dialect dialect;

  DeliveryRepository(Dialect dialect) {
    this.dialect = dialect;
  }

  /** A row a dispatcher holds: what it needs to send it and to record the attempt. */
  record Claimed(
      String id,
      String businessId,
      String url,
      String host,
      int attempts,
      boolean reclaimed,
      Instant dueAt) {}

  /** What one finished attempt changes: the attempt row, and the delivery's next state. */
  record Finished(
      Claimed delivery, Attempt attempt, Delivery.State next, Instant nextDueAt, Instant at) {}

  void insert(
      Handle handle,
      String invoiceId,
      String businessId,
      Delivery.Kind kind,
      String url,
      String host,
      Instant now) {
    handle
        .createUpdate(
            "INSERT INTO delivery ("
                + DELIVERY_COLUMNS
                + ") VALUES (:id, :invoiceId, :businessId, :kind, :url, :host, 'due', :now, NULL,"
                + " 0, NULL, :now, :now)")
        .bind("id", UUID.randomUUID().toString())
        .bind("invoiceId", invoiceId)
        .bind("businessId", businessId)
        .bind("kind", kind.wire())
        .bind("url", url)
        .bind("host", host)
        .bind("now", Timestamps.micros(now))
        .execute();
  }

  /** What one claim query found: how many due rows it looked at, and those it leased. */
  record Claims(int considered, List<Claimed> claimed) {}

  /**
   * Looks at up to {@code limit} due rows, oldest due first, leaving out hosts that already have as
   * many deliveries in flight as they may, and leases to this node those that {@code fit} keeps
   * (the rows whose host still has room): a row its host has no room for is left due, untouched,
   * instead of being leased and given back. A claimed row's due time becomes the end of its lease.
   * On PostgreSQL, rows another node is claiming are skipped, not waited for.
   */
  Claims claim(
      Handle handle,
      Instant now,
      Instant leaseEnd,
      String node,
      int limit,
      Collection<String> saturatedHosts,
      UnaryOperator<List<Claimed>> fit) {
    String hosts =
        saturatedHosts.isEmpty()
            ? ""
            : " AND host NOT IN ("
                + saturatedHosts.stream().map(host -> "?").collect(Collectors.joining(","))
                + ")";
    var query =
        handle.createQuery(
            "SELECT id, business_id, url, host, state, attempts, due_at FROM delivery"
                + " WHERE state <> 'done' AND due_at <= ?"
                + hosts
                + " ORDER BY due_at LIMIT ?"
                + dialect.forUpdateSkipLocked());
    int position = 0;
    query.bind(position++, Timestamps.micros(now));
    for (String host : saturatedHosts) {
      query.bind(position++, host);
    }
    query.bind(position, limit);
    List<Claimed> due =
        query
            .map(
                (row, context) ->
                    new Claimed(
                        row.getString("id"),
                        row.getString("business_id"),
                        row.getString("url"),
                        row.getString("host"),
                        row.getInt("attempts"),
                        row.getString("state").equals("sending"),
                        Timestamps.instant(row.getLong("due_at"))))
            .list();

    List<Claimed> claimed = fit.apply(due);
    if (!claimed.isEmpty()) {
      PreparedBatch lease =
          handle.prepareBatch(
              "UPDATE delivery SET state = 'sending', due_at = :leaseEnd, lease_owner = :node,"
                  + " updated_at = :now WHERE id = :id");
      for (Claimed row : claimed) {
        lease
            .bind("leaseEnd", Timestamps.micros(leaseEnd))
            .bind("node", node)
            .bind("now", Timestamps.micros(now))
            .bind("id", row.id())
            .add();
      }
      lease.execute();
    }
    return new Claims(due.size(), claimed);
  }

  /**
   * Gives claimed rows back, due at once, for another turn (their host had no room). A row that was
   * claimed after its lease ran out goes back as it was found, 'sending' with its lease over, so
   * the claim that finally sends it still marks the attempt reclaimed: the receiver may have seen
   * that notification already.
   */
  void release(Handle handle, Collection<Claimed> rows, String node, Instant now) {
    PreparedBatch release =
        handle.prepareBatch(
            "UPDATE delivery SET state = :state, due_at = :now, lease_owner = NULL,"
                + " updated_at = :now WHERE id = :id AND lease_owner = :node AND state = 'sending'");
    for (Claimed row : rows) {
      release
          .bind("state", row.reclaimed() ? "sending" : "due")
          .bind("now", Timestamps.micros(now))
          .bind("id", row.id())
          .bind("node", node)
          .add();
    }
    release.execute();
  }

  /**
   * Records finished attempts and moves their deliveries on. A delivery whose lease this node lost
   * (another node claimed it after the lease ran out) keeps the state the other node gives it, but
   * the attempt is recorded all the same: it happened.
   */
  void finish(Handle handle, List<Finished> finished, String node) {
    PreparedBatch attempts =
        handle.prepareBatch(
            "INSERT INTO delivery_attempt (id, delivery_id, number, started_at, duration_micros,"
                + " route, http_status, error_kind, error_message, reclaimed, node) VALUES (:id,"
                + " :deliveryId, :number, :startedAt, :duration, :route, :status, :errorKind,"
                + " :errorMessage, :reclaimed, :node)");
    PreparedBatch deliveries =
        handle.prepareBatch(
            "UPDATE delivery SET state = :state, due_at = :dueAt, lease_owner = NULL,"
                + " attempts = attempts + 1, outcome = :outcome, updated_at = :now"
                + " WHERE id = :id AND lease_owner = :node AND state = 'sending'");
    for (Finished each : finished) {
      Attempt attempt = each.attempt();
      attempts
          .bind("id", UUID.randomUUID().toString())
          .bind("deliveryId", each.delivery().id())
          .bind("number", attempt.number())
          .bind("startedAt", Timestamps.micros(attempt.startedAt()))
          .bind("duration", attempt.duration().toNanos() / 1000)
          .bind("route", attempt.route())
          .bind("status", attempt.httpStatus().isPresent() ? attempt.httpStatus().getAsInt() : null)
          .bind("errorKind", attempt.errorKind().orElse(null))
          .bind("errorMessage", attempt.errorMessage().orElse(null))
          .bind("reclaimed", attempt.reclaimed())
          .bind("node", attempt.node())
          .add();
      deliveries
          .bind("state", each.next().wire())
          .bind("dueAt", Timestamps.micros(each.nextDueAt()))
          .bind("outcome", summary(attempt))
          .bind("now", Timestamps.micros(each.at()))
          .bind("id", each.delivery().id())
          .bind("node", node)
          .add();
    }
    attempts.execute();
    deliveries.execute();
  }

  private static String summary(Attempt attempt) {
    if (attempt.httpStatus().isPresent()) {
      return Integer.toString(attempt.httpStatus().getAsInt());
    }
    return attempt.errorKind().orElse("unknown");
  }

  /**
   * Makes every row this store shows as in flight due now. Only for a store that one process owns
   * (SQLite): whatever was in flight there was in flight in a process that is gone.
   */
  int reclaimAll(Handle handle, Instant now) {
    return handle
        .createUpdate("UPDATE delivery SET due_at = :now WHERE state = 'sending'")
        .bind("now", Timestamps.micros(now))
        .execute();
  }

  /** Deliveries not yet done: due, or in flight. */
  long pending(Handle handle) {
    return handle
        .createQuery("SELECT COUNT(*) FROM delivery WHERE state <> 'done'")
        .mapTo(Long.class)
        .one();
  }

  boolean hasPending(Handle handle, String invoiceId) {
    return handle
            .createQuery(
                "SELECT COUNT(*) FROM delivery WHERE invoice_id = :invoiceId AND state <> 'done'")
            .bind("invoiceId", invoiceId)
            .mapTo(Integer.class)
            .one()
        > 0;
  }

  /** An invoice's deliveries, oldest first, each with its attempts in order. */
  List<Delivery> forInvoice(Handle handle, String invoiceId) {
    Map<String, List<Attempt>> attempts =
        handle
            .createQuery(
                "SELECT a.delivery_id, a.number, a.started_at, a.duration_micros, a.route,"
                    + " a.http_status, a.error_kind, a.error_message, a.reclaimed, a.node"
                    + " FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id"
                    + " WHERE d.invoice_id = :invoiceId ORDER BY a.number, a.started_at")
            .bind("invoiceId", invoiceId)
            .map((row, context) -> Map.entry(row.getString("delivery_id"), attempt(row)))
            .list()
            .stream()
            .collect(
                Collectors.groupingBy(
                    Map.Entry::getKey,
                    Collectors.mapping(Map.Entry::getValue, Collectors.toList())));

    List<Delivery> deliveries = new ArrayList<>();
    handle
        .createQuery(
            "SELECT "
                + DELIVERY_COLUMNS
                + " FROM delivery WHERE invoice_id = :invoiceId ORDER BY created_at, id")
        .bind("invoiceId", invoiceId)
        .map((row, context) -> delivery(row, attempts))
        .forEach(deliveries::add);
    return deliveries;
  }

  private static Delivery delivery(ResultSet row, Map<String, List<Attempt>> attempts)
      throws SQLException {
    String id = row.getString("id");
    return new Delivery(
        id,
        row.getString("invoice_id"),
        Delivery.Kind.valueOf(row.getString("kind").toUpperCase(Locale.ROOT)),
        row.getString("url"),
        Delivery.State.valueOf(row.getString("state").toUpperCase(Locale.ROOT)),
        Timestamps.instant(row.getLong("due_at")),
        row.getInt("attempts"),
        Optional.ofNullable(row.getString("outcome")),
        Timestamps.instant(row.getLong("created_at")),
        Timestamps.instant(row.getLong("updated_at")),
        attempts.getOrDefault(id, List.of()));
  }

  private static Attempt attempt(ResultSet row) throws SQLException {
    int status = row.getInt("http_status");
    OptionalInt httpStatus = row.wasNull() ? OptionalInt.empty() : OptionalInt.of(status);
    return new Attempt(
        row.getInt("number"),
        Timestamps.instant(row.getLong("started_at")),
        Duration.ofNanos(row.getLong("duration_micros") * 1000),
        row.getString("route"),
        httpStatus,
        Optional.ofNullable(row.getString("error_kind")),
        Optional.ofNullable(row.getString("error_message")),
        row.getBoolean("reclaimed"),
        row.getString("node"));
  }
}
