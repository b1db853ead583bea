package mimbla.chain;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import mimbla.ids.RandomText;
import mimbla.store.Store;
import mimbla.store.Timestamps;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A play-money chain kept in the database, so that demos and tests can pay invoices without a real
 * one. Its addresses look like the coin's but carry the word "sandbox" and a random tail, so no
 * real wallet accepts them: nobody can send real money to a sandbox invoice.
 *
 * <p>Payments are made with {@link #pay}; {@link #mine} adds confirmations to every transfer.
 */
public final class Sandbox {
  private static final Logger log = LoggerFactory.getLogger(Sandbox.class);

  private static final String BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  /** Confirmations one call may add or a transfer may start with; a play chain needs no more. */
  public static final int MAX_CONFIRMATIONS = 1_000_000;

  private final Store store;
  private final Clock clock;
  private final Map<Crypto, Integer> requiredConfirmations;

  public Sandbox(Store store, Clock clock, Map<Crypto, Integer> requiredConfirmations) {
    this.store = store;
    this.clock = clock;
    this.requiredConfirmations = Map.copyOf(requiredConfirmations);
  }

  /** The payment source for one crypto, backed by this sandbox. */
  public PaymentSource source(Crypto crypto) {
    return new Source(crypto);
  }

  /** The cryptos this sandbox pays. */
  public Set<Crypto> cryptos() {
    return requiredConfirmations.keySet();
  }

  /**
   * Sends play money to a sandbox address. Without a confirmation count the transfer arrives with
   * as many confirmations as the crypto needs, so one call pays an invoice.
   */
  public Transfer pay(String address, BigDecimal amount, Optional<Integer> confirmations) {
    Crypto crypto =
        store
            .read(handle -> cryptoOf(handle, address))
            .orElseThrow(
                () ->
                    new SandboxException(
                        "sandbox.unknown_address",
                        "address is not an address this sandbox issued",
                        true));

    long atomic = atomic(crypto, amount);
    int confirmationCount = confirmations.orElse(requiredConfirmations.getOrDefault(crypto, 1));
    if (confirmationCount < 0 || confirmationCount > MAX_CONFIRMATIONS) {
      throw new SandboxException(
          "sandbox.confirmations_invalid",
          "confirmations must be a whole number from 0 to " + MAX_CONFIRMATIONS,
          false);
    }

    Transfer transfer = new Transfer(UUID.randomUUID().toString(), atomic, confirmationCount);
    store.useTransaction(
        handle ->
            handle
                .createUpdate(
                    "INSERT INTO sandbox_transfer (id, address, amount_atomic, confirmations,"
                        + " created_at) VALUES (:id, :address, :amount, :confirmations, :now)")
                .bind("id", transfer.id())
                .bind("address", address)
                .bind("amount", atomic)
                .bind("confirmations", confirmationCount)
                .bind("now", Timestamps.micros(clock.instant()))
                .execute());
    log.info(
        "sandbox: transfer={} crypto={} amount={} confirmations={}",
        transfer.id(),
        crypto,
        crypto.format(atomic),
        confirmationCount);
    return transfer;
  }

  /** Adds confirmations to every sandbox transfer, as if blocks were mined. */
  public int mine(int blocks) {
    if (blocks < 1 || blocks > MAX_CONFIRMATIONS) {
      throw new SandboxException(
          "sandbox.blocks_invalid",
          "blocks must be a whole number from 1 to " + MAX_CONFIRMATIONS,
          false);
    }
    int transfers =
        store.inTransaction(
            handle ->
                handle
                    .createUpdate(
                        "UPDATE sandbox_transfer SET confirmations = confirmations + :blocks"
                            + " WHERE confirmations <= :ceiling")
                    .bind("blocks", blocks)
                    .bind("ceiling", MAX_CONFIRMATIONS - blocks)
                    .execute());
    log.info("sandbox: mined blocks={} transfers={}", blocks, transfers);
    return transfers;
  }

  private static long atomic(Crypto crypto, BigDecimal amount) {
    if (amount.signum() <= 0) {
      throw new SandboxException("sandbox.amount_invalid", "amount must be above zero", false);
    }
    if (amount.stripTrailingZeros().scale() > crypto.decimals()) {
      throw new SandboxException(
          "sandbox.amount_invalid",
          "amount has more than %d decimals, the smallest unit of %s"
              .formatted(crypto.decimals(), crypto),
          false);
    }
    return crypto
        .atomic(amount)
        .orElseThrow(
            () -> new SandboxException("sandbox.amount_invalid", "amount is too large", false));
  }

  private static Optional<Crypto> cryptoOf(Handle handle, String address) {
    return handle
        .createQuery("SELECT crypto FROM sandbox_address WHERE address = :address")
        .bind("address", address)
        .mapTo(String.class)
        .findOne()
        .flatMap(Crypto::bySymbol);
  }

  private static String newAddressText(Crypto crypto) {
    return switch (crypto) {
      case BTC -> "bcsandbox1q" + RandomText.of(38, BECH32);
      case LTC -> "ltcsandbox1q" + RandomText.of(38, BECH32);
      case BCH -> "bitcoincash:qsandbox" + RandomText.of(34, BECH32);
      case XMR -> "8Sandbox" + RandomText.of(87, BASE58);
    };
  }

  private final class Source implements PaymentSource {
    private final Crypto crypto;

    Source(Crypto crypto) {
      this.crypto = crypto;
    }

    @Override
    public Crypto crypto() {
      return crypto;
    }

    @Override
    public String kind() {
      return "sandbox";
    }

    @Override
    public String newAddress(String label) {
      String address = newAddressText(crypto);
      store.useTransaction(
          handle ->
              handle
                  .createUpdate(
                      "INSERT INTO sandbox_address (address, crypto, label, created_at)"
                          + " VALUES (:address, :crypto, :label, :now)")
                  .bind("address", address)
                  .bind("crypto", crypto.name())
                  .bind("label", label)
                  .bind("now", Timestamps.micros(clock.instant()))
                  .execute());
      return address;
    }

    @Override
    public Observation observe(String address) {
      List<Transfer> transfers =
          store.read(
              handle ->
                  handle
                      .createQuery(
                          "SELECT id, amount_atomic, confirmations FROM sandbox_transfer"
                              + " WHERE address = :address ORDER BY created_at, id")
                      .bind("address", address)
                      .map(
                          (row, context) ->
                              new Transfer(
                                  row.getString("id"),
                                  row.getLong("amount_atomic"),
                                  row.getInt("confirmations")))
                      .list());
      return new Observation(transfers);
    }
  }
}
