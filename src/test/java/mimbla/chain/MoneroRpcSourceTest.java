package mimbla.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import mimbla.chain.FakeWalletRpc.Answer;
import mimbla.config.RawSettings;
import mimbla.config.Settings;
import mimbla.store.Store;
import mimbla.testing.StoreKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Monero source against a FAKE wallet RPC: matching by subaddress index on both databases, the
 * cursor height, and answers the real wallet would not give. The real wallet is in {@link
 * MoneroRegtestIT}.
 */
class MoneroRpcSourceTest {
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

  MoneroRpcSource source(StoreKind storeKind, int account) {
    kind = storeKind;
    database = storeKind.freshDatabase(folder);
    RawSettings raw = RawSettings.defaults().with("data.dir", folder.toString(), "test");
    database.forEach((key, value) -> raw.with(key, value, "test"));
    store = Store.open(Settings.database(raw));
    Settings.Rpc settings =
        new Settings.Rpc(URI.create(rpc.url()), "", "", Optional.empty(), "", "", account);
    return new MoneroRpcSource(settings, 10, store, Clock.systemUTC());
  }

  void subaddresses() {
    AtomicInteger next = new AtomicInteger(1);
    rpc.on(
        "create_address",
        params -> {
          int index = next.getAndIncrement();
          return Answer.result(
              "{\"address\":\"8sub" + index + "\",\"address_index\":" + index + "}");
        });
  }

  static String transfer(String txid, long amount, int major, int minor, int confirmations) {
    return """
        {"txid":"%s","amount":%d,"subaddr_index":{"major":%d,"minor":%d},"confirmations":%d}"""
        .formatted(txid, amount, major, minor, confirmations);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void transfersAreMatchedBySubaddressIndexOfTheConfiguredAccount(StoreKind storeKind) {
    MoneroRpcSource source = source(storeKind, 0);
    subaddresses();
    rpc.on("refresh", Answer.result("{}")).on("get_height", Answer.result("{\"height\":500}"));
    rpc.on(
        "get_transfers",
        Answer.result(
            "{\"in\":["
                + transfer("a", 18_446_744_073_709L, 0, 1, 3)
                + ","
                + transfer("b", 5, 1, 1, 3)
                + ","
                + transfer("c", 7, 0, 99, 3)
                + "],\"pool\":["
                + transfer("d", 250_000_000_000L, 0, 2, 0)
                + "]}"));
    assertThat(source.newAddress("inv1")).isEqualTo("8sub1");
    assertThat(source.newAddress("inv2")).isEqualTo("8sub2");

    source.scan();
    source.scan();

    assertThat(source.observe("8sub1").transfers())
        .containsExactly(new Transfer("a:1", 18_446_744_073_709L, 3));
    assertThat(source.observe("8sub2").transfers())
        .containsExactly(new Transfer("d:2", 250_000_000_000L, 0));
    assertThat(rpc.calls("create_address").get(0).params().path("label").asText())
        .isEqualTo("inv1");
    var scans = rpc.calls("get_transfers");
    assertThat(scans.get(0).params().has("min_height")).isFalse();
    // Height 500 is the next block's: the tip is 499, and 10 confirmations reach back to 489.
    assertThat(scans.get(1).params().path("min_height").asLong()).isEqualTo(488);
    assertThat(scans.get(1).params().path("pool").asBoolean()).isTrue();
  }

  @Test
  void malformedTransfersAreSkippedAndTheScanGoesOn() {
    MoneroRpcSource source = source(StoreKind.values()[0], 0);
    subaddresses();
    rpc.on("refresh", Answer.result("{}")).on("get_height", Answer.result("{\"height\":50}"));
    String good = transfer("g", 42, 0, 1, 1);
    rpc.on(
        "get_transfers",
        Answer.result(
            "{\"in\":["
                + good.replace("42", "\"42\"").replace("\"g\"", "\"s\"")
                + ","
                + good.replace("42", "-42").replace("\"g\"", "\"n\"")
                + ","
                + good.replace("42", "1.5").replace("\"g\"", "\"f\"")
                + ","
                + good.replace("42", "99999999999999999999999").replace("\"g\"", "\"b\"")
                + ","
                + good
                + "]}"));
    source.newAddress("inv1");

    source.scan();

    assertThat(source.observe("8sub1").transfers()).containsExactly(new Transfer("g:1", 42, 1));
  }

  @Test
  void aWalletWithoutAnOpenWalletFileIsUnavailable() {
    MoneroRpcSource source = source(StoreKind.values()[0], 0);
    rpc.on("create_address", Answer.error(200, -13, "No wallet file"));
    rpc.on("refresh", Answer.error(200, -13, "No wallet file"));

    assertThatThrownBy(() -> source.newAddress("inv1"))
        .isInstanceOf(SourceUnavailableException.class)
        .hasMessage("XMR payments are unavailable right now: the wallet is unreachable");
    assertThatThrownBy(source::scan).isInstanceOf(SourceUnavailableException.class);
    assertThat(source.health().problem().orElseThrow()).contains("No wallet file");
  }

  @Test
  void aSubaddressHandedOutTwiceIsRefusedNotMixed() {
    MoneroRpcSource source = source(StoreKind.values()[0], 0);
    rpc.on("create_address", Answer.result("{\"address\":\"8same\",\"address_index\":4}"));
    source.newAddress("inv1");

    assertThatThrownBy(() -> source.newAddress("inv2"))
        .isInstanceOf(SourceUnavailableException.class)
        .hasMessageContaining("reuses addresses");
  }

  @Test
  void anAnswerWithoutASubaddressHandsOutNothing() {
    MoneroRpcSource source = source(StoreKind.values()[0], 0);
    rpc.on("create_address", Answer.result("{\"address\":\"\"}"));

    assertThatThrownBy(() -> source.newAddress("inv1"))
        .isInstanceOf(SourceUnavailableException.class);
    long issued =
        store.read(
            handle ->
                handle.createQuery("SELECT COUNT(*) FROM chain_address").mapTo(Long.class).one());
    assertThat(issued).isZero();
  }
}
