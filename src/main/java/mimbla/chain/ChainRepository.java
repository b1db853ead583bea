package mimbla.chain;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import mimbla.store.Store;
import mimbla.store.Timestamps;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The SQL of the chain sources: issued addresses, transfers read from wallets, scan cursors. */
final class ChainRepository {
  private static final Logger log = LoggerFactory.getLogger(ChainRepository.class);

  private ChainRepository() {}

  /** One incoming transfer as a wallet reported it. */
  record Seen(String transferId, String address, long amountAtomic, int confirmations) {}

  /**
   * Records an address a wallet handed out for a payment. Two payments on one address could not be
   * told apart, and a wallet hands one out twice only when it is shared with another server or
   * restored from an old backup: that is refused, not mixed.
   *
   * @throws SourceUnavailableException when the address was handed out before
   */
  static void issue(
      Store store,
      Crypto crypto,
      String address,
      Optional<Long> walletIndex,
      String label,
      Instant now) {
    try {
      store.useTransaction(
          handle -> insertAddress(handle, crypto, address, walletIndex, label, now));
    } catch (RuntimeException e) {
      if (!store.isUniqueViolation(e)) {
        throw e;
      }
      log.warn("chain: crypto={} wallet handed out address {} a second time", crypto, address);
      throw new SourceUnavailableException(
          crypto, crypto + " payments are unavailable right now: the wallet reuses addresses");
    }
  }

  private static void insertAddress(
      Handle handle,
      Crypto crypto,
      String address,
      Optional<Long> walletIndex,
      String label,
      Instant now) {
    handle
        .createUpdate(
            "INSERT INTO chain_address (crypto, address, wallet_index, label, created_at)"
                + " VALUES (:crypto, :address, :index, :label, :now)")
        .bind("crypto", crypto.name())
        .bind("address", address)
        .bind("index", walletIndex.orElse(null))
        .bind("label", label)
        .bind("now", Timestamps.micros(now))
        .execute();
  }

  /** Of these addresses, those this server issued for the crypto. */
  static Set<String> issued(Handle handle, Crypto crypto, Collection<String> addresses) {
    if (addresses.isEmpty()) {
      return Set.of();
    }
    return handle
        .createQuery(
            "SELECT address FROM chain_address WHERE crypto = :crypto AND address IN (<addresses>)")
        .bind("crypto", crypto.name())
        .bindList("addresses", List.copyOf(addresses))
        .mapTo(String.class)
        .collect(Collectors.toSet());
  }

  /** Issued addresses by wallet index (Monero subaddress index). */
  static Map<Long, String> byWalletIndex(Handle handle, Crypto crypto, Collection<Long> indexes) {
    if (indexes.isEmpty()) {
      return Map.of();
    }
    return handle
        .createQuery(
            "SELECT wallet_index, address FROM chain_address"
                + " WHERE crypto = :crypto AND wallet_index IN (<indexes>)")
        .bind("crypto", crypto.name())
        .bindList("indexes", List.copyOf(indexes))
        .map((row, context) -> Map.entry(row.getLong("wallet_index"), row.getString("address")))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  /** Records or refreshes a transfer; the same transfer reported again replaces the old row. */
  static void upsert(Handle handle, Crypto crypto, Seen seen, Instant now) {
    handle
        .createUpdate(
            "INSERT INTO chain_transfer"
                + " (crypto, transfer_id, address, amount_atomic, confirmations, updated_at)"
                + " VALUES (:crypto, :id, :address, :amount, :confirmations, :now)"
                + " ON CONFLICT (crypto, transfer_id) DO UPDATE SET"
                + " address = excluded.address, amount_atomic = excluded.amount_atomic,"
                + " confirmations = excluded.confirmations, updated_at = excluded.updated_at")
        .bind("crypto", crypto.name())
        .bind("id", seen.transferId())
        .bind("address", seen.address())
        .bind("amount", seen.amountAtomic())
        .bind("confirmations", seen.confirmations())
        .bind("now", Timestamps.micros(now))
        .execute();
  }

  /** A transfer the chain no longer holds (conflicted, double-spent): it will not arrive. */
  static void forget(Handle handle, Crypto crypto, String transferId) {
    handle
        .createUpdate("DELETE FROM chain_transfer WHERE crypto = :crypto AND transfer_id = :id")
        .bind("crypto", crypto.name())
        .bind("id", transferId)
        .execute();
  }

  /** Sets the confirmations of a known transfer, e.g. to 0 when its block was reorganised away. */
  static void setConfirmations(
      Handle handle, Crypto crypto, String transferId, int confirmations, Instant now) {
    handle
        .createUpdate(
            "UPDATE chain_transfer SET confirmations = :confirmations, updated_at = :now"
                + " WHERE crypto = :crypto AND transfer_id = :id")
        .bind("crypto", crypto.name())
        .bind("id", transferId)
        .bind("confirmations", confirmations)
        .bind("now", Timestamps.micros(now))
        .execute();
  }

  static List<Transfer> transfers(Handle handle, Crypto crypto, String address) {
    return handle
        .createQuery(
            "SELECT transfer_id, amount_atomic, confirmations FROM chain_transfer"
                + " WHERE crypto = :crypto AND address = :address ORDER BY transfer_id")
        .bind("crypto", crypto.name())
        .bind("address", address)
        .map(
            (row, context) ->
                new Transfer(
                    row.getString("transfer_id"),
                    row.getLong("amount_atomic"),
                    row.getInt("confirmations")))
        .list();
  }

  static Optional<String> cursor(Handle handle, Crypto crypto) {
    return handle
        .createQuery("SELECT position FROM chain_cursor WHERE crypto = :crypto")
        .bind("crypto", crypto.name())
        .mapTo(String.class)
        .findOne();
  }

  static void moveCursor(Handle handle, Crypto crypto, String position, Instant now) {
    handle
        .createUpdate(
            "INSERT INTO chain_cursor (crypto, position, updated_at) VALUES (:crypto, :position,"
                + " :now) ON CONFLICT (crypto) DO UPDATE SET position = excluded.position,"
                + " updated_at = excluded.updated_at")
        .bind("crypto", crypto.name())
        .bind("position", position)
        .bind("now", Timestamps.micros(now))
        .execute();
  }
}
