package mimbla.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import mimbla.config.Settings;
import mimbla.store.Store;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Payments through the wallet JSON-RPC that Bitcoin Core, Litecoin Core and Bitcoin Cash Node
 * share. Each payment gets a fresh wallet address labelled with the invoice. A scan asks the wallet
 * what arrived since the cursor block ({@code listsinceblock} with the required confirmations as
 * its target), so every transfer is reported again on each scan until it has the confirmations the
 * crypto needs, a reorganisation that takes confirmations away is seen on the next scan, and the
 * cursor, kept in the database with what the scan found, lets a restart resume without missing or
 * double-counting anything.
 */
final class BitcoinRpcSource implements PaymentSource {
  private static final Logger log = LoggerFactory.getLogger(BitcoinRpcSource.class);

  /** Litecoin's MWEB addresses: ltcmweb1… on mainnet, tmweb1… on the test chains. */
  private static final Pattern MWEB = Pattern.compile("(?i)[a-z]*mweb1.*");

  private final Crypto crypto;
  private final Settings.Rpc settings;
  private final int targetConfirmations;
  private final Store store;
  private final Clock clock;
  private final JsonRpc rpc;
  private final HealthTracker health;

  BitcoinRpcSource(
      Crypto crypto, Settings.Rpc settings, int requiredConfirmations, Store store, Clock clock) {
    this.crypto = crypto;
    this.settings = settings;
    // listsinceblock's target counts the tip as 1: with 0 required, track until the first block.
    this.targetConfirmations = Math.max(1, requiredConfirmations);
    this.store = store;
    this.clock = clock;
    this.rpc = new JsonRpc(settings, JsonRpc.Dialect.BITCOIN);
    this.health = new HealthTracker(crypto, rpc.where());
  }

  @Override
  public Crypto crypto() {
    return crypto;
  }

  @Override
  public String kind() {
    return "bitcoin-rpc";
  }

  @Override
  public SourceHealth health() {
    return health.current();
  }

  @Override
  public String newAddress(String label) {
    String address;
    try {
      checkSynced();
      List<Object> params = new ArrayList<>(List.of(label));
      if (!settings.addressType().isEmpty()) {
        params.add(settings.addressType());
      }
      address = wallet("getnewaddress", params).asText();
    } catch (RpcFailure e) {
      throw health.failed(e);
    }
    if (address.isEmpty()) {
      throw health.failed(SourceHealth.State.UNREACHABLE, "getnewaddress returned no address");
    }
    if (MWEB.matcher(address).matches()) {
      // A node started with -addresstype=mweb hands these out by default. Sends to them are not
      // ordinary outputs of the address (and before activation never leave the payer's wallet).
      log.warn("chain: crypto={} wallet handed out an MWEB address; set address-type", crypto);
      throw new SourceUnavailableException(
          crypto,
          crypto + " payments are unavailable right now: the wallet hands out MWEB addresses");
    }

    ChainRepository.issue(store, crypto, address, Optional.empty(), label, clock.instant());
    health.ok();
    return address;
  }

  /** An address handed out while the node still loads its chain would be watched blind. */
  private void checkSynced() {
    JsonNode info = rpc.call("/", "getblockchaininfo", List.of());
    if (info.path("initialblockdownload").asBoolean(false)) {
      throw new RpcFailure(
          RpcFailure.Kind.SYNCING,
          0,
          "the node is still syncing (%d of %d headers)"
              .formatted(info.path("blocks").asLong(), info.path("headers").asLong()));
    }
  }

  @Override
  public void scan() {
    try {
      checkSynced();
      Optional<String> cursor = store.read(handle -> ChainRepository.cursor(handle, crypto));
      JsonNode since = listSinceBlock(cursor);
      record(since);
    } catch (RpcFailure e) {
      throw health.failed(e);
    }
    health.ok();
  }

  private JsonNode listSinceBlock(Optional<String> cursor) {
    try {
      return wallet(
          "listsinceblock", Arrays.asList(cursor.orElse(null), targetConfirmations, false, true));
    } catch (RpcFailure e) {
      if (e.code() != RpcFailure.BLOCK_NOT_FOUND || cursor.isEmpty()) {
        throw e;
      }
      // The node no longer knows the cursor block (a new chain, a wallet moved to another node):
      // read everything again. Transfers are keyed, so nothing is counted twice.
      log.warn(
          "chain: crypto={} cursor block {} unknown to the node, rescanning", crypto, cursor.get());
      return wallet("listsinceblock", Arrays.asList(null, targetConfirmations, false, true));
    }
  }

  /** Stores what a listsinceblock answer says about issued addresses, and the new cursor. */
  private void record(JsonNode since) {
    List<JsonNode> removed = received(since.path("removed"));
    List<JsonNode> transactions = received(since.path("transactions"));
    Set<String> addresses = new HashSet<>();
    removed.forEach(entry -> addresses.add(entry.path("address").asText()));
    transactions.forEach(entry -> addresses.add(entry.path("address").asText()));
    String lastBlock = since.path("lastblock").asText();

    store.useTransaction(
        handle -> {
          Set<String> issued = ChainRepository.issued(handle, crypto, addresses);
          // Removed first: a transaction reorganised out and back into the mempool or another
          // block is listed in both, and the listing in transactions is the current one.
          for (JsonNode entry : removed) {
            if (issued.contains(entry.path("address").asText())) {
              ChainRepository.setConfirmations(
                  handle, crypto, transferId(entry), 0, clock.instant());
            }
          }
          for (JsonNode entry : transactions) {
            if (issued.contains(entry.path("address").asText())) {
              recordOne(handle, entry);
            }
          }
          if (!lastBlock.isEmpty()) {
            ChainRepository.moveCursor(handle, crypto, lastBlock, clock.instant());
          }
        });
  }

  private void recordOne(Handle handle, JsonNode entry) {
    String id = transferId(entry);
    int confirmations = entry.path("confirmations").asInt();
    if (confirmations < 0) {
      // Conflicted: another transaction spent its inputs, so this one will never confirm.
      ChainRepository.forget(handle, crypto, id);
      return;
    }
    Optional<Long> atomic = atomic(entry.path("amount"));
    if (atomic.isEmpty() || entry.path("txid").asText().isEmpty()) {
      // Not what a node answers; skipped rather than letting one entry stop every scan after it.
      log.debug("chain: crypto={} transfer={} skipped, malformed: {}", crypto, id, entry);
      return;
    }
    ChainRepository.upsert(
        handle,
        crypto,
        new ChainRepository.Seen(id, entry.path("address").asText(), atomic.get(), confirmations),
        clock.instant());
  }

  /** A received amount in atomic units: a JSON number above zero with the coin's decimals. */
  private Optional<Long> atomic(JsonNode amount) {
    if (!amount.isNumber() || amount.decimalValue().signum() <= 0) {
      return Optional.empty();
    }
    return crypto.atomic(amount.decimalValue());
  }

  private static List<JsonNode> received(JsonNode entries) {
    List<JsonNode> received = new ArrayList<>();
    entries.forEach(
        entry -> {
          if (entry.path("category").asText().equals("receive")) {
            received.add(entry);
          }
        });
    return received;
  }

  private static String transferId(JsonNode entry) {
    return entry.path("txid").asText() + ":" + entry.path("vout").asInt();
  }

  @Override
  public Observation observe(String address) {
    return new Observation(
        store.read(handle -> ChainRepository.transfers(handle, crypto, address)));
  }

  /**
   * Calls the configured wallet. A wallet the node has not loaded (the node restarted without
   * {@code -wallet}) is loaded once and the call made again.
   */
  private JsonNode wallet(String method, List<?> params) {
    try {
      return rpc.call(walletPath(), method, params);
    } catch (RpcFailure e) {
      if (e.code() != RpcFailure.WALLET_NOT_FOUND || settings.wallet().isEmpty()) {
        throw e;
      }
      log.info("chain: crypto={} loading wallet {} on the node", crypto, settings.wallet());
      rpc.call("/", "loadwallet", List.of(settings.wallet()));
      return rpc.call(walletPath(), method, params);
    }
  }

  private String walletPath() {
    return settings.wallet().isEmpty()
        ? "/"
        : "/wallet/"
            + URLEncoder.encode(settings.wallet(), StandardCharsets.UTF_8).replace("+", "%20");
  }
}
