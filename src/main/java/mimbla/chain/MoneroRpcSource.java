package mimbla.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import mimbla.config.Settings;
import mimbla.store.Store;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Payments through {@code monero-wallet-rpc}: one subaddress per payment ({@code create_address}
 * with the invoice's label), incoming transfers matched by subaddress index, transfers in the pool
 * seen at once. A scan refreshes the wallet and asks for incoming and pool transfers above the
 * cursor height; the cursor trails the chain by the required confirmations, so a transfer is read
 * again until it has them. Amounts arrive in piconero, the atomic unit.
 */
final class MoneroRpcSource implements PaymentSource {
  private static final Logger log = LoggerFactory.getLogger(MoneroRpcSource.class);

  private static final String PATH = "/json_rpc";

  private final Settings.Rpc settings;
  private final int requiredConfirmations;
  private final Store store;
  private final Clock clock;
  private final JsonRpc rpc;
  private final HealthTracker health;

  MoneroRpcSource(Settings.Rpc settings, int requiredConfirmations, Store store, Clock clock) {
    this.settings = settings;
    this.requiredConfirmations = Math.max(1, requiredConfirmations);
    this.store = store;
    this.clock = clock;
    this.rpc = new JsonRpc(settings, JsonRpc.Dialect.MONERO);
    this.health = new HealthTracker(Crypto.XMR, rpc.where());
  }

  @Override
  public Crypto crypto() {
    return Crypto.XMR;
  }

  @Override
  public String kind() {
    return "monero-rpc";
  }

  @Override
  public SourceHealth health() {
    return health.current();
  }

  @Override
  public String newAddress(String label) {
    JsonNode created;
    try {
      created =
          rpc.call(
              PATH, "create_address", Map.of("account_index", settings.account(), "label", label));
    } catch (RpcFailure e) {
      throw health.failed(e);
    }
    String address = created.path("address").asText();
    long index = created.path("address_index").asLong(-1);
    if (address.isEmpty() || index < 0) {
      throw health.failed(SourceHealth.State.UNREACHABLE, "create_address returned no subaddress");
    }

    ChainRepository.issue(store, Crypto.XMR, address, Optional.of(index), label, clock.instant());
    health.ok();
    return address;
  }

  @Override
  public void scan() {
    JsonNode transfers;
    long height;
    long from;
    try {
      // Without a refresh the wallet notices new blocks and pool transfers only on its own timer.
      rpc.call(PATH, "refresh", Map.of());
      height = rpc.call(PATH, "get_height", Map.of()).path("height").asLong();
      from =
          store
              .read(handle -> ChainRepository.cursor(handle, Crypto.XMR))
              .map(Long::parseLong)
              .orElse(0L);
      transfers = rpc.call(PATH, "get_transfers", query(from));
    } catch (RpcFailure e) {
      throw health.failed(e);
    }

    List<JsonNode> incoming = new ArrayList<>();
    transfers.path("in").forEach(incoming::add);
    transfers.path("pool").forEach(incoming::add);
    // The wallet's height is the next block's: the tip has height - 1. Blocks above the cursor
    // hold every transfer that may still lack confirmations.
    long cursor = Math.max(0, height - 1 - requiredConfirmations - 1);
    store.useTransaction(handle -> record(handle, incoming, cursor));
    health.ok();
  }

  private Map<String, Object> query(long from) {
    Map<String, Object> query = new LinkedHashMap<>();
    query.put("in", true);
    query.put("pool", true);
    query.put("account_index", settings.account());
    if (from > 0) {
      query.put("filter_by_height", true);
      query.put("min_height", from);
    }
    return query;
  }

  private void record(Handle handle, List<JsonNode> incoming, long cursor) {
    Set<Long> indexes = new HashSet<>();
    incoming.forEach(entry -> indexes.add(entry.path("subaddr_index").path("minor").asLong()));
    Map<Long, String> addresses = ChainRepository.byWalletIndex(handle, Crypto.XMR, indexes);

    for (JsonNode entry : incoming) {
      long minor = entry.path("subaddr_index").path("minor").asLong();
      String address = addresses.get(minor);
      if (address == null
          || entry.path("subaddr_index").path("major").asInt() != settings.account()) {
        continue;
      }
      JsonNode amount = entry.path("amount");
      if (!amount.canConvertToExactIntegral()
          || !amount.canConvertToLong()
          || amount.longValue() <= 0
          || entry.path("txid").asText().isEmpty()) {
        // Not what a wallet answers; skipped rather than letting one entry stop every scan.
        log.debug("chain: crypto=XMR transfer skipped, malformed: {}", entry);
        continue;
      }
      long atomic = amount.longValue();
      int confirmations = (int) Math.min(Integer.MAX_VALUE, entry.path("confirmations").asLong(0));
      String id = entry.path("txid").asText() + ":" + minor;
      ChainRepository.upsert(
          handle,
          Crypto.XMR,
          new ChainRepository.Seen(id, address, atomic, confirmations),
          clock.instant());
    }
    ChainRepository.moveCursor(handle, Crypto.XMR, Long.toString(cursor), clock.instant());
  }

  @Override
  public Observation observe(String address) {
    return new Observation(
        store.read(handle -> ChainRepository.transfers(handle, Crypto.XMR, address)));
  }
}
