package mimbla.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mimbla.config.Settings;
import mimbla.testing.ServerProcess;

/**
 * A real {@code monerod} on a private regtest chain (offline, fixed difficulty 1, every port on
 * 127.0.0.1, no UPnP, no DNS checkpoints) and one {@code monero-wallet-rpc} per wallet: {@code
 * merchant}, which the server under test uses, and {@code payer}, funded with 80 mined blocks so
 * its first transfer has enough outputs for a ring. Regtest starts a new chain at each start, so
 * the wallets are new too.
 */
final class MoneroRegtest implements AutoCloseable {
  static final Path MONEROD = Path.of("/usr/bin/monerod");
  static final Path WALLET_RPC = Path.of("/usr/bin/monero-wallet-rpc");
  private static final Duration READY = Duration.ofSeconds(90);
  static final String LOGIN_USER = "mimbla";
  static final String LOGIN_PASSWORD = "xmr-secret-" + Long.toHexString(System.nanoTime());

  private final Path folder;
  private final int daemonPort = ServerProcess.freePort();
  private final JsonRpc daemonRpc;
  private final List<Daemon> processes = new ArrayList<>();
  private Daemon daemon;
  private Wallet merchant;
  private Wallet payer;
  private String payerAddress;

  /** One wallet process and its RPC. */
  private record Wallet(String name, int port, JsonRpc rpc, Daemon process) {}

  private MoneroRegtest(Path folder) {
    this.folder = folder;
    this.daemonRpc = new JsonRpc(rpc(daemonPort), JsonRpc.Dialect.MONERO);
  }

  static MoneroRegtest start(Path folder) {
    for (Path binary : List.of(MONEROD, WALLET_RPC)) {
      if (!Files.isExecutable(binary)) {
        throw new AssertionError(binary + " is missing: apt-get install monero (.ci/run does)");
      }
    }
    MoneroRegtest chain = new MoneroRegtest(folder);
    try {
      chain.startDaemon();
      chain.merchant = chain.startWallet("merchant", true);
      chain.payer = chain.startWallet("payer", true);
      chain.payerAddress =
          chain.payer.rpc().call("/json_rpc", "get_address", Map.of()).path("address").asText();
      chain.mine(80);
    } catch (RuntimeException | AssertionError e) {
      chain.close();
      throw e;
    }
    return chain;
  }

  private static Settings.Rpc rpc(int port) {
    return rpc(port, "", "");
  }

  private static Settings.Rpc rpc(int port, String user, String password) {
    return new Settings.Rpc(
        URI.create("http://127.0.0.1:" + port), user, password, Optional.empty(), "", "", 0);
  }

  private void startDaemon() {
    Path data = folder.resolve("monerod");
    createDirectories(data);
    daemon =
        started(
            Daemon.start(
                "monerod",
                folder,
                List.of(
                    MONEROD.toString(),
                    "--regtest",
                    "--offline",
                    "--fixed-difficulty",
                    "1",
                    "--data-dir",
                    data.toString(),
                    "--log-file",
                    data.resolve("monerod.log").toString(),
                    "--rpc-bind-ip",
                    "127.0.0.1",
                    "--rpc-bind-port",
                    String.valueOf(daemonPort),
                    "--p2p-bind-ip",
                    "127.0.0.1",
                    "--p2p-bind-port",
                    String.valueOf(ServerProcess.freePort()),
                    "--no-zmq",
                    "--no-igd",
                    "--disable-dns-checkpoints",
                    "--non-interactive")));
    daemon.awaitReady("monerod RPC", READY, () -> answers(daemonRpc));
  }

  /** Starts a wallet process; a new one creates its wallet, an old one opens it. */
  private Wallet startWallet(String name, boolean create) {
    return startWallet(name, ServerProcess.freePort(), create);
  }

  private Wallet startWallet(String name, int port, boolean create) {
    Path dir = folder.resolve("wallets");
    createDirectories(dir);
    List<String> command =
        new ArrayList<>(
            List.of(
                WALLET_RPC.toString(),
                "--daemon-address",
                "127.0.0.1:" + daemonPort,
                "--trusted-daemon",
                "--rpc-bind-ip",
                "127.0.0.1",
                "--rpc-bind-port",
                String.valueOf(port),
                "--shared-ringdb-dir",
                dir.resolve("ringdb-" + name).toString(),
                "--log-file",
                dir.resolve(name + "-rpc.log").toString(),
                "--non-interactive"));
    // The merchant's wallet asks for a login (HTTP Digest), as an operator's should; the payer's,
    // which only the test uses, does not.
    boolean login = name.equals("merchant");
    command.addAll(
        login
            ? List.of("--rpc-login", LOGIN_USER + ":" + LOGIN_PASSWORD)
            : List.of("--disable-rpc-login"));
    if (create) {
      command.addAll(List.of("--wallet-dir", dir.toString()));
    } else {
      command.addAll(List.of("--wallet-file", dir.resolve(name).toString(), "--password", ""));
    }
    JsonRpc rpc =
        new JsonRpc(
            login ? rpc(port, LOGIN_USER, LOGIN_PASSWORD) : rpc(port), JsonRpc.Dialect.MONERO);
    Daemon process = started(Daemon.start("wallet-" + name, folder, command));
    process.awaitReady(name + " wallet RPC", READY, () -> answers(rpc));
    if (create) {
      rpc.call("/json_rpc", "create_wallet", Map.of("filename", name, "language", "English"));
    }
    return new Wallet(name, port, rpc, process);
  }

  private Daemon started(Daemon process) {
    processes.add(process);
    return process;
  }

  private static boolean answers(JsonRpc rpc) {
    try {
      rpc.call("/json_rpc", "get_version", Map.of());
      return true;
    } catch (RpcFailure notYet) {
      return notYet.kind() == RpcFailure.Kind.ERROR;
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The merchant wallet's RPC URL, for the server's settings. */
  String merchantUrl() {
    return "http://127.0.0.1:" + merchant.port();
  }

  /** Mines blocks to the payer. */
  void mine(int blocks) {
    daemonRpc.call(
        "/json_rpc",
        "generateblocks",
        Map.of("amount_of_blocks", blocks, "wallet_address", payerAddress));
  }

  /**
   * Mines one block at a time until the payer's transaction has this many confirmations. A block
   * mined right after a transfer may be built from a template without it, so counting blocks alone
   * would leave a test waiting for a confirmation that never comes.
   */
  void confirm(String txid, int confirmations) {
    for (int mined = 0; confirmationsOf(txid) < confirmations; mined++) {
      if (mined > confirmations + 5) {
        throw new AssertionError("transaction " + txid + " not mined after " + mined + " blocks");
      }
      mine(1);
    }
  }

  private long confirmationsOf(String txid) {
    payer.rpc().call("/json_rpc", "refresh", Map.of());
    long height = payer.rpc().call("/json_rpc", "get_height", Map.of()).path("height").asLong();
    long block =
        payer
            .rpc()
            .call("/json_rpc", "get_transfer_by_txid", Map.of("txid", txid))
            .path("transfer")
            .path("height")
            .asLong();
    return block == 0 ? 0 : height - block;
  }

  /** Sends from the payer wallet; returns the transaction id. */
  String pay(String address, String amount) {
    long atomic = Crypto.XMR.atomic(new BigDecimal(amount)).orElseThrow();
    payer.rpc().call("/json_rpc", "refresh", Map.of());
    JsonNode sent =
        payer
            .rpc()
            .call(
                "/json_rpc",
                "transfer",
                Map.of("destinations", List.of(Map.of("amount", atomic, "address", address))));
    return sent.path("tx_hash").asText();
  }

  /** Stops the merchant's wallet process, as if it crashed or was stopped by its operator. */
  void stopMerchantWallet() {
    merchant.process().close();
  }

  /** Starts the merchant's wallet process again on the same port, with its wallet open. */
  void restartMerchantWallet() {
    merchant = startWallet("merchant", merchant.port(), false);
  }

  @Override
  public void close() {
    // Wallets first, so none is left asking a daemon that is gone.
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).close();
    }
  }
}
