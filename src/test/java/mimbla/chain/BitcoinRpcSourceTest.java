package mimbla.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import mimbla.chain.FakeWalletRpc.Answer;
import mimbla.config.RawSettings;
import mimbla.config.Settings;
import mimbla.store.Store;
import mimbla.testing.Receiver;
import mimbla.testing.StoreKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Bitcoin Core-family source against a FAKE wallet RPC: what it stores from a scan, on both
 * databases, and what it makes of answers a real daemon would not give. The real daemon's side is
 * {@link LitecoinRegtestIT}.
 */
class BitcoinRpcSourceTest {
  static final String ADDRESS = "rltc1qmerchant0000000000000000000000000000";

  @TempDir Path folder;

  FakeWalletRpc rpc = FakeWalletRpc.start();
  Store store;
  StoreKind kind;
  Map<String, String> database;

  @AfterEach
  void close() {
    rpc.close();
    if (store != null) {
      store.close();
      kind.drop(database);
    }
  }

  BitcoinRpcSource source(StoreKind storeKind, Settings.Rpc settings) {
    kind = storeKind;
    database = storeKind.freshDatabase(folder);
    RawSettings raw = RawSettings.defaults().with("data.dir", folder.toString(), "test");
    database.forEach((key, value) -> raw.with(key, value, "test"));
    store = Store.open(Settings.database(raw));
    return new BitcoinRpcSource(Crypto.LTC, settings, 2, store, Clock.systemUTC());
  }

  BitcoinRpcSource source() {
    return source(StoreKind.values()[0], rpcSettings(rpc.url(), Optional.empty()));
  }

  static Settings.Rpc rpcSettings(String url, Optional<Path> cookie) {
    return new Settings.Rpc(
        URI.create(url),
        cookie.isPresent() ? "" : "user",
        cookie.isPresent() ? "" : "secret",
        cookie,
        "merchant",
        "",
        0);
  }

  FakeWalletRpc synced() {
    return rpc.on("getblockchaininfo", Answer.result("{\"initialblockdownload\":false}"))
        .on("getnewaddress", Answer.result("\"" + ADDRESS + "\""));
  }

  static String receive(String address, String amount, int confirmations, int vout) {
    return """
        {"address":"%s","category":"receive","amount":%s,"vout":%d,"confirmations":%d,"txid":"t1"}"""
        .formatted(address, amount, vout, confirmations);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aScanStoresReceivedOutputsOfIssuedAddressesExactlyAndResumesFromItsCursor(
      StoreKind storeKind) {
    BitcoinRpcSource source = source(storeKind, rpcSettings(rpc.url(), Optional.empty()));
    synced()
        .on(
            "listsinceblock",
            Answer.result(
                "{\"transactions\":["
                    + receive(ADDRESS, "20999999.99999999", 0, 0)
                    + ","
                    + receive("rltc1qsomeoneelse", "5", 3, 1)
                    + ","
                    + receive(ADDRESS, "0.1", 1, 2).replace("receive", "send")
                    + "],\"removed\":[],\"lastblock\":\"block-1\"}"));
    assertThat(source.newAddress("inv1")).isEqualTo(ADDRESS);

    source.scan();
    source.scan();

    Observation seen = source.observe(ADDRESS);
    assertThat(seen.transfers()).containsExactly(new Transfer("t1:0", 2_099_999_999_999_999L, 0));
    assertThat(source.observe("rltc1qsomeoneelse").transfers()).isEmpty();
    var scans = rpc.calls("listsinceblock");
    assertThat(scans.get(0).params().get(0).isNull()).isTrue();
    assertThat(scans.get(1).params().get(0).asText()).isEqualTo("block-1");
    assertThat(scans.get(1).params().get(1).asInt()).isEqualTo(2);
    assertThat(scans.get(1).path()).isEqualTo("/wallet/merchant");
    assertThat(source.health().state()).isEqualTo(SourceHealth.State.OK);
  }

  @Test
  void aReorganisedOutputLosesItsConfirmationsAndAConflictedOneIsForgotten() {
    BitcoinRpcSource source = source();
    synced();
    source.newAddress("inv1");
    rpc.on(
        "listsinceblock",
        Answer.result(
            "{\"transactions\":["
                + receive(ADDRESS, "1", 1, 0)
                + ","
                + receive(ADDRESS, "2", 1, 1)
                + "],\"removed\":[],\"lastblock\":\"b1\"}"));
    source.scan();
    rpc.on(
        "listsinceblock",
        Answer.result(
            "{\"transactions\":["
                + receive(ADDRESS, "2", -1, 1)
                + "],\"removed\":["
                + receive(ADDRESS, "1", 1, 0)
                + "],\"lastblock\":\"b0\"}"));
    source.scan();

    assertThat(source.observe(ADDRESS).transfers())
        .containsExactly(new Transfer("t1:0", 100_000_000L, 0));
  }

  @Test
  void malformedEntriesAreSkippedAndTheScanGoesOn() {
    BitcoinRpcSource source = source();
    synced();
    source.newAddress("inv1");
    rpc.on(
        "listsinceblock",
        Answer.result(
            "{\"transactions\":["
                + receive(ADDRESS, "\"1.5\"", 1, 0)
                + ","
                + receive(ADDRESS, "-2", 1, 1)
                + ","
                + receive(ADDRESS, "0.000000001", 1, 2)
                + ","
                + receive(ADDRESS, "1e30", 1, 3)
                + ","
                + receive(ADDRESS, "{}", 1, 4)
                + ","
                + receive(ADDRESS, "0.25", 1, 5).replace("\"txid\":\"t1\"", "\"txid\":\"\"")
                + ","
                + receive(ADDRESS, "0.5", 1, 6)
                + "],\"removed\":[],\"lastblock\":\"b1\"}"));

    source.scan();

    assertThat(source.observe(ADDRESS).transfers())
        .containsExactly(new Transfer("t1:6", 50_000_000L, 1));
  }

  @Test
  void aCursorTheNodeNoLongerKnowsStartsTheScanOver() {
    BitcoinRpcSource source = source();
    synced();
    rpc.on(
        "listsinceblock",
        Answer.result("{\"transactions\":[],\"removed\":[],\"lastblock\":\"old\"}"));
    source.scan();
    rpc.on(
        "listsinceblock",
        params ->
            params.get(0).isNull()
                ? Answer.result("{\"transactions\":[],\"removed\":[],\"lastblock\":\"new\"}")
                : Answer.error(500, -5, "Block not found"));

    source.scan();

    assertThat(rpc.calls("listsinceblock")).hasSize(3);
    assertThat(source.health().state()).isEqualTo(SourceHealth.State.OK);
  }

  @Test
  void aWalletTheNodeHasNotLoadedIsLoadedOnce() {
    BitcoinRpcSource source = source();
    synced().on("loadwallet", Answer.result("{\"name\":\"merchant\"}"));
    rpc.on(
        "listsinceblock",
        params ->
            rpc.calls("loadwallet").isEmpty()
                ? Answer.error(500, -18, "Requested wallet does not exist or is not loaded")
                : Answer.result("{\"transactions\":[],\"removed\":[],\"lastblock\":\"b\"}"));

    source.scan();

    assertThat(rpc.calls("loadwallet")).hasSize(1);
    assertThat(rpc.calls("loadwallet").get(0).params().get(0).asText()).isEqualTo("merchant");
  }

  @Test
  void aNodeStillSyncingHandsOutNoAddress() {
    BitcoinRpcSource source = source();
    rpc.on(
        "getblockchaininfo",
        Answer.result("{\"initialblockdownload\":true,\"blocks\":10,\"headers\":900}"));

    assertThatThrownBy(() -> source.newAddress("inv1"))
        .isInstanceOf(SourceUnavailableException.class)
        .hasMessage("LTC payments are unavailable right now: the wallet is still syncing");
    assertThat(rpc.calls("getnewaddress")).isEmpty();
    assertThat(source.health().state()).isEqualTo(SourceHealth.State.SYNCING);
    assertThat(source.health().problem().orElseThrow()).contains("10 of 900");
  }

  @Test
  void aWarmingUpNodeIsSyncing() {
    BitcoinRpcSource source = source();
    rpc.on("getblockchaininfo", Answer.error(500, -28, "Loading block index..."));

    assertThatThrownBy(source::scan).isInstanceOf(SourceUnavailableException.class);
    assertThat(source.health().state()).isEqualTo(SourceHealth.State.SYNCING);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "500|<html><body>Internal error</body></html>",
        "200|",
        "200|[1,2,3]",
        "200|{\"result\":",
        "401|",
        "403|forbidden",
        "302|",
        "200|null"
      })
  void answersNoDaemonGivesMakeTheSourceUnreachableNotTheServerFail(String answer) {
    BitcoinRpcSource source = source();
    String[] parts = answer.split("\\|", 2);
    rpc.on("getblockchaininfo", new Answer(Integer.parseInt(parts[0]), parts[1]));

    assertThatThrownBy(source::scan).isInstanceOf(SourceUnavailableException.class);
    assertThatThrownBy(() -> source.newAddress("inv1"))
        .isInstanceOf(SourceUnavailableException.class)
        .hasMessage("LTC payments are unavailable right now: the wallet is unreachable");
    assertThat(source.health().state()).isEqualTo(SourceHealth.State.UNREACHABLE);
    assertThat(source.health().problem().orElseThrow()).doesNotContain("secret");
  }

  @Test
  void aDaemonThatIsNotListeningIsUnreachable() {
    BitcoinRpcSource source =
        source(
            StoreKind.values()[0],
            rpcSettings("http://127.0.0.1:" + Receiver.refusingPort(), Optional.empty()));

    assertThatThrownBy(source::scan).isInstanceOf(SourceUnavailableException.class);
    assertThat(source.health().state()).isEqualTo(SourceHealth.State.UNREACHABLE);
    assertThat(source.health().problem().orElseThrow()).contains("127.0.0.1:");
  }

  @Test
  void theCookieFileIsReadForEveryCallSinceTheDaemonRewritesItAtEachStart() throws Exception {
    Path cookie = folder.resolve(".cookie");
    Files.writeString(cookie, "__cookie__:first");
    BitcoinRpcSource source =
        source(StoreKind.values()[0], rpcSettings(rpc.url(), Optional.of(cookie)));
    synced();

    source.newAddress("inv1");
    Files.writeString(cookie, "__cookie__:second");
    rpc.on("getnewaddress", Answer.result("\"rltc1qsecond\""));
    source.newAddress("inv2");

    var calls = rpc.calls("getnewaddress");
    assertThat(calls.get(0).authorization()).isEqualTo(basic("__cookie__:first"));
    assertThat(calls.get(1).authorization()).isEqualTo(basic("__cookie__:second"));
  }

  @Test
  void aWalletThatHandsOutAnAddressTwiceIsRefusedNotMixed() {
    BitcoinRpcSource source = source();
    synced();
    source.newAddress("inv1");

    assertThatThrownBy(() -> source.newAddress("inv2"))
        .isInstanceOf(SourceUnavailableException.class)
        .hasMessageContaining("reuses addresses");
  }

  @Test
  void anMwebAddressIsNeverHandedOut() {
    BitcoinRpcSource source = source();
    synced().on("getnewaddress", Answer.result("\"tmweb1qq0000000000000000000000000000\""));

    assertThatThrownBy(() -> source.newAddress("inv1"))
        .isInstanceOf(SourceUnavailableException.class)
        .hasMessageContaining("MWEB");
    long issued =
        store.read(
            handle ->
                handle.createQuery("SELECT COUNT(*) FROM chain_address").mapTo(Long.class).one());
    assertThat(issued).isZero();
  }

  static String basic(String pair) {
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }
}
