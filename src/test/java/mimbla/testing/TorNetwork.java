package mimbla.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mimbla.net.OnionAddress;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A whole Tor network on 127.0.0.1, made of Debian's {@code tor}: three directory authorities,
 * three exit relays, one client (the SOCKS port tests and the server under test use) and one onion
 * service, eight processes in one folder. It follows {@code /work/shared/tor-testnet.md}: testing
 * mode with fast voting, exits that accept only 127.0.0.0/8, and DNS that never leaves the machine.
 *
 * <p>{@link #start} returns only once the network is usable: an onion fetch and an exit fetch
 * through the client have both answered. Every tor process is told this JVM's pid ({@code
 * __OwningControllerProcess}) and exits by itself within 15 seconds of this JVM dying, so a killed
 * test run leaves nothing behind; {@link #close()} and a shutdown hook stop them at once by their
 * pid files.
 *
 * <p>The exits connect from 127.0.0.1 like everything else: tor ignores {@code
 * OutboundBindAddressExit} for loopback destinations. A test tells a request that came through an
 * exit by the process that opened its connection: {@link Receiver#identifyPeers()} and {@link
 * #exitPids()}.
 *
 * <p>Not thread-safe beyond {@link #shared()}: one test thread starts and closes a network.
 */
public final class TorNetwork implements AutoCloseable {
  /** How long {@link #start} waits for the network to carry an onion and an exit fetch. */
  static final Duration READY = Duration.ofSeconds(120);

  private static final Duration POLL = Duration.ofSeconds(2);
  private static final Duration FETCH = Duration.ofSeconds(5);
  private static final Duration LAUNCH = Duration.ofSeconds(30);
  private static final Duration STOP = Duration.ofSeconds(5);
  private static final String TOR = "tor";
  private static final String EXIT_SOURCE = "127.0.0.1";
  private static final String LOOPBACK = "127.0.0.1";
  private static final int AUTHORITIES = 3;
  private static final int EXITS = 3;

  /** {@code <pid>} or {@code <name>-<pid>}: a folder that belongs to the JVM of that pid. */
  private static final Pattern RUN_FOLDER = Pattern.compile("(?:.*-)?(\\d+)");

  private static final ReentrantLock SHARED_LOCK = new ReentrantLock();
  private static TorNetwork shared;
  private static IOException sharedFailure;

  private enum Role {
    AUTHORITY,
    EXIT,
    CLIENT,
    ONION
  }

  /** One tor process: its role, its folder and the ports it listens on (0 for none). */
  private record Node(String nick, Role role, Path dir, int orPort, int dirPort) {
    Path torrc() {
      return dir.resolve("torrc");
    }

    Path pidFile() {
      return dir.resolve("tor.pid");
    }

    Path log() {
      return dir.resolve("notice.log");
    }
  }

  private final Path dir;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<Node, Long> pids = new LinkedHashMap<>();
  private final List<String> dirAuthorities = new ArrayList<>();
  private final Set<Integer> portsTaken = new HashSet<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook = new Thread(this::stopAll, "tor-network-shutdown");
  private int socksPort;
  private int controlPort;
  private int onionTargetPort;
  private String onionHost;
  private Node client;
  private Node onion;

  private TorNetwork(Path dir) {
    this.dir = dir.toAbsolutePath();
  }

  /**
   * The network shared by every test of this JVM: started on first use in {@code
   * target/tor-network/<pid>}, stopped at JVM exit. A start that failed is not tried again: every
   * later call fails at once with the same cause.
   *
   * @throws UncheckedIOException when the network did not come up
   */
  public static TorNetwork shared() {
    SHARED_LOCK.lock();
    try {
      if (shared == null && sharedFailure == null) {
        Path runs = Path.of(System.getProperty("mimbla.root", ".")).resolve("target/tor-network");
        removeDeadRuns(runs);
        try {
          shared = start(runs.resolve(Long.toString(ProcessHandle.current().pid())));
        } catch (IOException e) {
          sharedFailure = e;
        }
      }
      if (sharedFailure != null) {
        throw new UncheckedIOException("the shared Tor network did not start", sharedFailure);
      }
      return shared;
    } finally {
      SHARED_LOCK.unlock();
    }
  }

  /**
   * A network of its own in {@code dir} (created if missing), ready when this returns.
   *
   * @throws IOException when a tor process cannot start, or the network is not usable within {@link
   *     #READY}; the message names what did not come up and ends with its log
   */
  public static TorNetwork start(Path dir) throws IOException {
    TorNetwork network = new TorNetwork(dir);
    Runtime.getRuntime().addShutdownHook(network.shutdownHook);
    try {
      network.launch();
      network.awaitReady();
      return network;
    } catch (IOException | RuntimeException e) {
      network.close();
      throw e;
    }
  }

  /** The client's SocksPort: SafeSocks, TestSocks, ExtendedErrors, isolation by credentials. */
  public InetSocketAddress socks() {
    return new InetSocketAddress(LOOPBACK, socksPort);
  }

  /** The client's ControlPort; authenticate with {@link #controlCookie()}. */
  public InetSocketAddress control() {
    return new InetSocketAddress(LOOPBACK, controlPort);
  }

  /** The client's {@code control_auth_cookie}: 32 bytes, sent in hex after AUTHENTICATE. */
  public Path controlCookie() {
    return client.dir().resolve("control_auth_cookie");
  }

  /** The client's notice log, where TestSocks and SafeSocks write their lines. */
  public Path clientLog() {
    return client.log();
  }

  /**
   * A v3 onion address valid in every way Tor checks (a real ed25519 key, its checksum, version 3)
   * that no service publishes: Tor answers it with 0xF0, descriptor not found. An all-zero key
   * would not do: it is not a curve point, and Tor refuses it as a bad address (0xF6).
   */
  public static String unpublishedOnion() {
    try {
      byte[] encoded =
          KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
      // X.509 SubjectPublicKeyInfo: a 12-byte header, then the 32-byte key.
      return OnionAddress.of(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Ed25519 is part of every Java 15+ runtime", e);
    }
  }

  /** The onion service's address, {@code <56 base32 characters>.onion}. */
  public String onionHost() {
    return onionHost;
  }

  /**
   * The port on 127.0.0.1 that the onion's port 80 forwards to. Nothing listens there once {@link
   * #start} returns: a test binds its own receiver ({@link Receiver#startOn(int)}).
   */
  public int onionTargetPort() {
    return onionTargetPort;
  }

  /**
   * The address exit connections come from: 127.0.0.1, the same as a direct connection, because tor
   * ignores every OutboundBindAddress option for loopback destinations. To tell the two apart,
   * compare the connection's owning process with {@link #exitPids()}.
   */
  public String exitSourceAddress() {
    return EXIT_SOURCE;
  }

  /** The pids of the exit relays, which open every connection that leaves this network. */
  public Set<Long> exitPids() {
    Set<Long> exits = new HashSet<>();
    pids.forEach(
        (node, pid) -> {
          if (node.role() == Role.EXIT) {
            exits.add(pid);
          }
        });
    return Set.copyOf(exits);
  }

  /** The pids of every tor process this network started, in start order. */
  public List<Long> pids() {
    return List.copyOf(pids.values());
  }

  /** The folder holding every node's data, torrc, pid file and log. */
  public Path dir() {
    return dir;
  }

  /**
   * Torrc lines that let another tor process (the one a server under test launches) join this
   * network as a client: the DirAuthority lines, the testing settings, and DNS kept on loopback.
   * Add a SocksPort, a DataDirectory and whatever else that process needs.
   */
  public List<String> joinLines() {
    List<String> lines = new ArrayList<>(dirAuthorities);
    lines.addAll(commonLines());
    lines.add("UseMicrodescriptors 0");
    return List.copyOf(lines);
  }

  /** Stops every tor process of this network by its pid; safe to call twice. */
  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to: it stops the same processes.
    }
  }

  // Start-up.

  private void launch() throws IOException {
    clearEarlierNetwork();
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.1\n");

    for (int i = 0; i < AUTHORITIES; i++) {
      Node authority = node("auth" + i, Role.AUTHORITY, freePort(), freePort());
      dirAuthorities.add(authorityLine(authority));
    }
    for (int i = 0; i < EXITS; i++) {
      node("exit" + i, Role.EXIT, freePort(), freePort());
    }
    onion = node("onion", Role.ONION, 0, 0);
    client = node("client", Role.CLIENT, 0, 0);
    socksPort = freePort();
    controlPort = freePort();
    onionTargetPort = freePort();

    for (Node node : nodes) {
      Files.write(node.torrc(), torrc(node));
      pids.put(node, run(node));
    }
    onionHost = awaitHostname();
  }

  /**
   * A folder that held a stopped network of ours is emptied, since stale keys and cached
   * consensuses would mislead the new one. Any other folder that is not empty is refused, and so is
   * one whose network still runs.
   */
  private void clearEarlierNetwork() throws IOException {
    if (!Files.isDirectory(dir) || isEmpty(dir)) {
      return;
    }
    if (!Files.exists(dir.resolve("resolv.conf")) || !Files.exists(dir.resolve("auth0/torrc"))) {
      throw new IOException("tor-network: " + dir + " is not empty and holds no earlier network");
    }
    try (Stream<Path> pidFiles = Files.list(dir)) {
      for (Path folder : pidFiles.toList()) {
        Optional<Long> pid = readPid(folder.resolve("tor.pid"));
        if (pid.flatMap(ProcessHandle::of).filter(TorNetwork::isTor).isPresent()) {
          throw new IOException(
              "tor-network: a network still runs in " + dir + " (tor pid " + pid.get() + ")");
        }
      }
    }
    deleteTree(dir);
  }

  private static boolean isEmpty(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.findAny().isEmpty();
    }
  }

  private Node node(String nick, Role role, int orPort, int dirPort) throws IOException {
    Node node = new Node(nick, role, dir.resolve(nick), orPort, dirPort);
    Files.createDirectories(node.dir().resolve("keys"));
    nodes.add(node);
    return node;
  }

  /**
   * Makes the authority's keys and returns its DirAuthority line. tor-gencert writes the v3 keys
   * (the certificate's fingerprint is the v3ident); tor itself makes the relay identity and prints
   * its fingerprint.
   */
  private String authorityLine(Node authority) throws IOException {
    Path keys = authority.dir().resolve("keys");
    exec(
        keys,
        "",
        "tor-gencert",
        "--create-identity-key",
        "--passphrase-fd",
        "0",
        "-m",
        "12",
        "-a",
        LOOPBACK + ":" + authority.dirPort(),
        "-i",
        "authority_identity_key",
        "-s",
        "authority_signing_key",
        "-c",
        "authority_certificate");
    String v3ident =
        Files.readAllLines(keys.resolve("authority_certificate")).stream()
            .filter(line -> line.startsWith("fingerprint "))
            .map(line -> line.substring("fingerprint ".length()).trim())
            .findFirst()
            .orElseThrow(() -> new IOException("no fingerprint in " + keys));

    String listed =
        exec(
            authority.dir(),
            "",
            TOR,
            "--list-fingerprint",
            "--DataDirectory",
            authority.dir().toString(),
            "--ORPort",
            "1",
            "--DirAuthority",
            "x 127.0.0.1:1 " + "F".repeat(40));
    String fingerprint = relayFingerprint(listed);

    return "DirAuthority %s orport=%d no-v2 v3ident=%s %s:%d %s"
        .formatted(
            authority.nick(),
            authority.orPort(),
            v3ident,
            LOOPBACK,
            authority.dirPort(),
            fingerprint);
  }

  /** The last line that reads "nickname XXXX XXXX …" (ten groups of four hex digits). */
  private static String relayFingerprint(String listed) throws IOException {
    List<String> lines = listed.lines().toList();
    for (int i = lines.size() - 1; i >= 0; i--) {
      String[] words = lines.get(i).trim().split("\\s+");
      if (words.length == 11) {
        String joined = String.join("", List.of(words).subList(1, 11));
        if (joined.matches("[0-9A-F]{40}")) {
          return joined;
        }
      }
    }
    throw new IOException("tor --list-fingerprint printed no fingerprint:\n" + listed);
  }

  private List<String> torrc(Node node) {
    List<String> lines = new ArrayList<>();
    lines.add("Nickname " + node.nick());
    lines.add("DataDirectory " + node.dir());
    lines.add("PidFile " + node.pidFile());
    lines.add("Log notice file " + node.log());
    lines.add("RunAsDaemon 1");
    lines.add("ShutdownWaitLength 2");
    lines.add("__OwningControllerProcess " + ProcessHandle.current().pid());
    lines.addAll(dirAuthorities);
    lines.addAll(commonLines());
    lines.addAll(roleLines(node));
    return lines;
  }

  /** What every node needs: testing mode, fast paths, and DNS that stays on 127.0.0.1. */
  private List<String> commonLines() {
    return List.of(
        "TestingTorNetwork 1",
        "AssumeReachable 1",
        "PathsNeededToBuildCircuits 0.67",
        "TestingDirAuthVoteExit *",
        "TestingDirAuthVoteHSDir *",
        "TestingDirAuthVoteGuard *",
        "TestingMinExitFlagThreshold 0",
        "V3AuthNIntervalsValid 2",
        "ClientUseIPv6 0",
        "ServerDNSResolvConfFile " + dir.resolve("resolv.conf"),
        "ServerDNSDetectHijacking 0",
        "ServerDNSTestAddresses " + LOOPBACK);
  }

  private List<String> roleLines(Node node) {
    return switch (node.role()) {
      case AUTHORITY ->
          List.of(
              "SocksPort 0",
              "ORPort " + LOOPBACK + ":" + node.orPort(),
              "DirPort " + LOOPBACK + ":" + node.dirPort(),
              "Address " + LOOPBACK,
              "ContactInfo mimbla-tests@localhost",
              "AuthoritativeDirectory 1",
              "V3AuthoritativeDirectory 1",
              "ExitRelay 0",
              "ExitPolicy reject *:*",
              "TestingV3AuthInitialVotingInterval 5",
              "TestingV3AuthInitialVoteDelay 2",
              "TestingV3AuthInitialDistDelay 2",
              "V3AuthVotingInterval 10",
              "V3AuthVoteDelay 2",
              "V3AuthDistDelay 2",
              "TestingServerDownloadInitialDelay 0",
              "TestingServerConsensusDownloadInitialDelay 0");
      case EXIT ->
          List.of(
              "SocksPort 0",
              "ORPort " + LOOPBACK + ":" + node.orPort(),
              "DirPort " + LOOPBACK + ":" + node.dirPort(),
              "Address " + LOOPBACK,
              "ExitRelay 1",
              // Ignored by tor for loopback destinations, kept so that the day it is not, exits
              // become recognisable by address; exitSourceAddress() documents the difference.
              "OutboundBindAddressExit 127.0.0.2",
              "ExitPolicyRejectPrivate 0",
              "ExitPolicy accept 127.0.0.0/8:*",
              "ExitPolicy reject *:*",
              "TestingServerDownloadInitialDelay 0",
              "TestingServerConsensusDownloadInitialDelay 0");
      case ONION ->
          List.of(
              "SocksPort 0",
              "HiddenServiceDir " + node.dir().resolve("hs"),
              "HiddenServicePort 80 " + LOOPBACK + ":" + onionTargetPort);
      case CLIENT ->
          List.of(
              "SocksPort " + LOOPBACK + ":" + socksPort + " ExtendedErrors IsolateSOCKSAuth",
              "SafeSocks 1",
              "TestSocks 1",
              "ControlPort " + LOOPBACK + ":" + controlPort,
              "CookieAuthentication 1",
              "UseMicrodescriptors 0");
    };
  }

  /**
   * Starts one node; tor forks into the background (RunAsDaemon) once its ports are open, and the
   * pid file names the daemon.
   */
  private long run(Node node) throws IOException {
    exec(node.dir(), "", TOR, "-f", node.torrc().toString());
    long deadline = System.nanoTime() + LAUNCH.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Long> pid = readPid(node);
      if (pid.isPresent()) {
        return pid.get();
      }
      sleep(Duration.ofMillis(50));
    }
    throw new IOException(
        "tor-network: " + node.nick() + " wrote no pid file\n" + tail(node.log()));
  }

  private String awaitHostname() throws IOException {
    Path hostname = onion.dir().resolve("hs/hostname");
    long deadline = System.nanoTime() + LAUNCH.toNanos();
    while (!Files.exists(hostname) && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(50));
    }
    if (!Files.exists(hostname)) {
      throw new IOException(
          "tor-network: the onion service wrote no hostname\n" + tail(onion.log()));
    }
    return Files.readString(hostname).trim();
  }

  /**
   * Polls an onion fetch and an exit fetch through the client until each has answered once. A
   * receiver stands in at the onion's target and another one at 127.0.0.1 for the exit; both close
   * before this returns, so the onion target port is free for the tests.
   */
  private void awaitReady() throws IOException {
    OkHttpClient http =
        new OkHttpClient.Builder()
            .proxy(new Proxy(Proxy.Type.SOCKS, socks()))
            .callTimeout(FETCH)
            .retryOnConnectionFailure(false)
            .build();
    long started = System.nanoTime();
    String onionError = "not tried";
    String exitError = "not tried";
    try (Receiver onionTarget = Receiver.startOn(onionTargetPort);
        Receiver exitTarget = Receiver.start()) {
      while (true) {
        if (onionError != null) {
          onionError = fetch(http, "http://" + onionHost + "/tor-network-ready");
        }
        if (exitError != null) {
          exitError = fetch(http, exitTarget.url("/tor-network-ready"));
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        if (onionError == null && exitError == null) {
          System.err.printf("tor-network: ready in %d s (%s)%n", seconds, dir);
          return;
        }
        if (seconds >= READY.toSeconds()) {
          throw notReady(onionError, exitError);
        }
        System.err.printf("tor-network: waiting for %s (%d s)%n", waitingFor(onionError), seconds);
        sleep(POLL);
      }
    } finally {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  private static String waitingFor(String onionError) {
    return onionError != null ? "the onion service" : "an exit to 127.0.0.1";
  }

  /** Null when the fetch answered 200, else what went wrong. */
  private static String fetch(OkHttpClient http, String url) {
    try (Response response = http.newCall(new Request.Builder().url(url).build()).execute()) {
      return response.code() == 200 ? null : "HTTP " + response.code();
    } catch (IOException e) {
      return e.toString();
    }
  }

  private IOException notReady(String onionError, String exitError) {
    StringBuilder message =
        new StringBuilder("tor-network: not usable after " + READY.toSeconds() + " s in " + dir);
    if (onionError != null) {
      message.append("\n  the onion service was not reachable: ").append(onionError);
      message.append("\n--- onion service log\n").append(tail(onion.log()));
    }
    if (exitError != null) {
      message.append("\n  no exit reached 127.0.0.1: ").append(exitError);
    }
    message.append("\n--- client log\n").append(tail(client.log()));
    return new IOException(message.toString());
  }

  // Stopping.

  /**
   * Stops every node: SIGTERM to each (tor exits at once on it), then SIGKILL to any still alive
   * after {@link #STOP}. A pid is only signalled while it is still a tor process, so a pid reused
   * after tor exited is left alone.
   */
  private void stopAll() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // A node that failed half-way may have written its pid file after we stopped looking.
    Set<Long> all = new HashSet<>(pids.values());
    nodes.forEach(node -> readPid(node).ifPresent(all::add));

    List<ProcessHandle> running = new ArrayList<>();
    for (long pid : all) {
      ProcessHandle.of(pid).filter(TorNetwork::isTor).ifPresent(running::add);
    }
    running.forEach(ProcessHandle::destroy);

    for (ProcessHandle process : running) {
      try {
        process.onExit().get(STOP.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception stillRunning) {
        process.destroyForcibly();
      }
    }
  }

  private static boolean isTor(ProcessHandle process) {
    return process.info().command().map(command -> command.endsWith("/tor")).orElse(false);
  }

  private static Optional<Long> readPid(Node node) {
    return readPid(node.pidFile());
  }

  private static Optional<Long> readPid(Path pidFile) {
    try {
      String text = Files.readString(pidFile).trim();
      return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
    } catch (IOException | NumberFormatException notYet) {
      return Optional.empty();
    }
  }

  /**
   * Deletes the folders of earlier runs whose JVM is gone; their tor processes exit by themselves
   * within 15 seconds of it ({@code __OwningControllerProcess}).
   */
  private static void removeDeadRuns(Path runs) {
    if (!Files.isDirectory(runs)) {
      return;
    }
    try (Stream<Path> folders = Files.list(runs)) {
      for (Path folder : folders.toList()) {
        Matcher run = RUN_FOLDER.matcher(folder.getFileName().toString());
        if (run.matches() && ProcessHandle.of(Long.parseLong(run.group(1))).isEmpty()) {
          deleteTree(folder);
        }
      }
    } catch (IOException unreadable) {
      // A leftover folder takes space but harms no run: each run has a folder of its own.
    }
  }

  private static void deleteTree(Path folder) throws IOException {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  // Helpers.

  /** A port free on 127.0.0.1 right now and not yet given to another node of this network. */
  private int freePort() throws IOException {
    while (true) {
      try (ServerSocket probe = new ServerSocket(0, 1, Receiver.LOOPBACK)) {
        if (portsTaken.add(probe.getLocalPort())) {
          return probe.getLocalPort();
        }
      }
    }
  }

  /** Runs a command to its end in {@code dir}, feeding it {@code stdin}; returns its output. */
  private static String exec(Path dir, String stdin, String... command) throws IOException {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();

    CountDownLatch read = new CountDownLatch(1);
    StringBuilder output = new StringBuilder();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                output.append(
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException ignored) {
                // The process died; its exit code tells.
              } finally {
                read.countDown();
              }
            });
    try {
      if (!process.waitFor(LAUNCH.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command[0] + " did not finish within " + LAUNCH.toSeconds() + " s");
      }
      read.await(STOP.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while running " + command[0], e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + output);
    }
    return output.toString();
  }

  /** The last lines of a log, for failure messages. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the Tor network", e);
    }
  }

  // Hand-run entry point.

  /**
   * {@code start <dir>}: starts a network in {@code dir}, prints how to use it, and keeps it
   * running until Ctrl-C (or SIGTERM), which stops every tor process.
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 2 || !args[0].equals("start")) {
      System.err.println("usage: tor-network start <dir>");
      System.exit(2);
    }
    TorNetwork network = start(Path.of(args[1]));
    System.out.printf(
        """
        tor-network: running in %s
          SOCKS5 proxy:        %s (user/password choose the circuit)
          control port:        %s (cookie %s)
          onion service:       http://%s/ -> 127.0.0.1:%d (nothing listens there yet)
          exits reach:         127.0.0.0/8 only
          client log:          %s
          join as a client:    the torrc lines in %s
        Stop it with Ctrl-C.
        """,
        network.dir(),
        hostPort(network.socks()),
        hostPort(network.control()),
        network.controlCookie(),
        network.onionHost(),
        network.onionTargetPort(),
        network.clientLog(),
        network.writeJoinLines());
    new CountDownLatch(1).await();
  }

  private Path writeJoinLines() throws IOException {
    return Files.write(dir.resolve("join.torrc"), joinLines());
  }

  private static String hostPort(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }
}
