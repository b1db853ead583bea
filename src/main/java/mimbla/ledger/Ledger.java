package mimbla.ledger;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import mimbla.chain.Crypto;
import mimbla.store.Timestamps;
import org.jdbi.v3.core.Handle;

/**
 * The money each business holds, as an append-only list of entries. Credits are written inside the
 * transaction that observed the money, so a credit cannot be lost or made twice.
 */
public final class Ledger {
  private Ledger() {}

  /** Credits a business; called inside the caller's transaction. */
  public static void credit(
      Handle transaction,
      String businessId,
      Crypto crypto,
      long atomic,
      String kind,
      String paymentId,
      Instant now) {
    if (atomic <= 0) {
      throw new IllegalArgumentException("a credit must be positive, was " + atomic);
    }
    transaction
        .createUpdate(
            "INSERT INTO ledger_entry (id, business_id, crypto, amount_atomic, kind, payment_id,"
                + " created_at) VALUES (:id, :businessId, :crypto, :amount, :kind, :paymentId,"
                + " :now)")
        .bind("id", UUID.randomUUID().toString())
        .bind("businessId", businessId)
        .bind("crypto", crypto.name())
        .bind("amount", atomic)
        .bind("kind", kind)
        .bind("paymentId", paymentId)
        .bind("now", Timestamps.micros(now))
        .execute();
  }

  /** The balance of each crypto a business holds, in atomic units; zero balances included. */
  public static Map<Crypto, Long> balances(Handle handle, String businessId) {
    Map<Crypto, Long> balances = new EnumMap<>(Crypto.class);
    for (Crypto crypto : Crypto.values()) {
      balances.put(crypto, 0L);
    }
    handle
        .createQuery(
            "SELECT crypto, SUM(amount_atomic) AS total FROM ledger_entry"
                + " WHERE business_id = :businessId GROUP BY crypto")
        .bind("businessId", businessId)
        .map((row, context) -> Map.entry(row.getString("crypto"), row.getLong("total")))
        .forEach(
            entry ->
                Crypto.bySymbol(entry.getKey())
                    .ifPresent(crypto -> balances.put(crypto, entry.getValue())));
    return balances;
  }
}
