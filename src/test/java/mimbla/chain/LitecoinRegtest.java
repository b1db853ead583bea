package mimbla.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import mimbla.config.Settings;
import mimbla.testing.ServerProcess;

/**
 * A real Litecoin Core daemon on a private regtest chain: bound to 127.0.0.1, no peers, no DNS
 * seeds, MWEB kept from activating (it would make every mined block fail, see
 * shared/chains-regtest.md). It holds two wallets: {@code merchant}, which the server under test
 * uses, and {@code payer}, funded with 101 mined blocks. Litecoin Core speaks the wallet JSON-RPC
 * of Bitcoin Core, so this proves the source BTC and BCH use too.
 */
final class LitecoinRegtest implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/lib/litecoin/litecoind");
  static final String USER = "mimbla-test";

  private final Path folder;
  private final int port;
  private final String password;
  private final JsonRpc rpc;
  private Daemon daemon;

  private LitecoinRegtest(Path folder, int port, String password) {
    this.folder = folder;
    this.port = port;
    this.password = password;
    this.rpc = new JsonRpc(settings(""), JsonRpc.Dialect.BITCOIN);
  }

  /** Starts the daemon in {@code folder}, creates both wallets and funds the payer. */
  static LitecoinRegtest start(Path folder, String password) {
    if (!Files.isExecutable(BINARY)) {
      throw new AssertionError(
          BINARY + " is missing: apt-get install litecoind (.ci/run installs it)");
    }
    LitecoinRegtest chain = new LitecoinRegtest(folder, ServerProcess.freePort(), password);
    try {
      chain.writeConfig();
      chain.launch();
      chain.call("", "createwallet", "merchant");
      chain.call("", "createwallet", "payer");
      chain.mine(101);
    } catch (RuntimeException | AssertionError e) {
      chain.close();
      throw e;
    }
    return chain;
  }

  private void writeConfig() {
    String config =
        String.join(
            "\n",
            "regtest=1",
            "[regtest]",
            "server=1",
            "listen=0",
            "connect=0",
            "dnsseed=0",
            "discover=0",
            "upnp=0",
            "listenonion=0",
            "natpmp=0",
            "fallbackfee=0.0002",
            "rpcbind=127.0.0.1",
            "rpcallowip=127.0.0.1",
            "rpcport=" + port,
            "rpcuser=" + USER,
            "rpcpassword=" + password,
            "vbparams=mweb:9999999998:9999999999",
            // Tells the server under test, once a test has written its URL (see notifyTo).
            "walletnotify=/bin/sh " + folder.resolve("notify.sh") + " %s",
            "blocknotify=/bin/sh " + folder.resolve("notify.sh") + " %s",
            "");
    String notify =
        String.join(
            "\n",
            "#!/bin/sh",
            "url_file='" + folder.resolve("notify-url") + "'",
            "[ -f \"$url_file\" ] || exit 0",
            "curl -s -m 5 -X POST \"$(cat \"$url_file\")\" >/dev/null 2>&1",
            "");
    try {
      Files.createDirectories(folder.resolve("data"));
      Files.writeString(folder.resolve("litecoin.conf"), config);
      Files.writeString(folder.resolve("notify.sh"), notify);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void launch() {
    daemon =
        Daemon.start(
            "litecoind",
            folder,
            List.of(
                BINARY.toString(),
                "-datadir=" + folder.resolve("data"),
                "-conf=" + folder.resolve("litecoin.conf")));
    daemon.awaitReady("RPC", Duration.ofSeconds(60), this::answers);
  }

  private boolean answers() {
    try {
      rpc.call("/", "getblockcount", List.of());
      return true;
    } catch (RpcFailure notYet) {
      return false;
    }
  }

  /** The RPC settings a server uses to reach this daemon's merchant wallet. */
  Settings.Rpc settings(String wallet) {
    return new Settings.Rpc(
        URI.create("http://127.0.0.1:" + port), USER, password, Optional.empty(), wallet, "", 0);
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Calls a method on a wallet ({@code ""} for the node). */
  JsonNode call(String wallet, String method, Object... params) {
    String path = wallet.isEmpty() ? "/" : "/wallet/" + wallet;
    return rpc.call(path, method, Arrays.asList(params));
  }

  /**
   * Mines blocks to a fresh payer address, which also matures the payer's coinbase. A fresh address
   * each time, because after {@link #dropTip} the same template would hash to the block just marked
   * invalid and be refused.
   */
  void mine(int blocks) {
    call("", "generatetoaddress", blocks, call("payer", "getnewaddress").asText());
  }

  /** Sends from the payer wallet; returns the transaction id. */
  String pay(String address, String amount) {
    return call("payer", "sendtoaddress", address, new BigDecimal(amount)).asText();
  }

  /** Marks the tip block invalid, as a reorganisation would drop it; returns its hash. */
  String dropTip() {
    String tip = call("", "getbestblockhash").asText();
    call("", "invalidateblock", tip);
    return tip;
  }

  /** Stops the daemon (SIGTERM by pid); its chain and wallets stay on disk. */
  void stop() {
    daemon.close();
  }

  /**
   * Starts the daemon again on the same chain. Only the payer wallet is loaded here: the merchant
   * wallet is left for the server to load, as it must after an operator restarts a node.
   */
  void restart() {
    launch();
    call("", "loadwallet", "payer");
  }

  /**
   * From now on the daemon's walletnotify and blocknotify POST to this URL, as an operator's {@code
   * walletnotify=curl …} line would.
   */
  void notifyTo(String url) {
    try {
      Files.writeString(folder.resolve("notify-url"), url);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return daemon.pid();
  }

  @Override
  public void close() {
    if (daemon != null) {
      daemon.close();
    }
  }
}
