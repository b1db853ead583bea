package mimbla.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import mimbla.testing.Receiver.Received;
import mimbla.testing.Socks5.AddressType;
import mimbla.testing.Socks5.Credentials;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * The Tor test network is what it claims to be: onion and exit fetches really cross it, the control
 * port takes the cookie, SOCKS credentials choose the circuit, and closing it leaves no tor process
 * behind. Most tests share one network ({@link TorNetwork#shared()}); the one about closing starts
 * its own.
 */
class TorNetworkIT {
  static final Duration WAIT = Duration.ofSeconds(30);

  final TorNetwork tor = TorNetwork.shared();

  OkHttpClient throughTor() {
    return new OkHttpClient.Builder()
        .proxy(new Proxy(Proxy.Type.SOCKS, tor.socks()))
        .callTimeout(WAIT)
        .retryOnConnectionFailure(false)
        .build();
  }

  static int get(OkHttpClient client, String url) throws IOException {
    try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return response.code();
    }
  }

  @Test
  void sharedNetworkIsStartedOnce() {
    assertThat(TorNetwork.shared()).isSameAs(tor);
    assertThat(tor.pids()).hasSize(8).allSatisfy(pid -> assertThat(alive(pid)).isTrue());
    assertThat(tor.onionHost()).matches("[a-z2-7]{56}\\.onion");
  }

  @Test
  void onionFetchReachesTheReceiverBehindTheOnion() throws IOException {
    try (Receiver receiver = Receiver.startOn(tor.onionTargetPort())) {
      int status = get(throughTor(), "http://" + tor.onionHost() + "/hook/onion?n=1");

      assertThat(status).isEqualTo(200);
      Received request = receiver.awaitRequest(WAIT);
      assertThat(request.path()).isEqualTo("/hook/onion?n=1");
      assertThat(request.raw()).contains("Host: " + tor.onionHost() + "\r\n");
    }
  }

  @Test
  void exitFetchComesFromAnExitRelayAndADirectOneDoesNot() throws IOException {
    try (Receiver receiver = Receiver.start().identifyPeers()) {
      assertThat(get(throughTor(), receiver.url("/through-tor"))).isEqualTo(200);
      Received viaTor = receiver.awaitRequest(WAIT);

      assertThat(viaTor.peer().getAddress().getHostAddress()).isEqualTo(tor.exitSourceAddress());
      assertThat(viaTor.peerPid()).isPresent();
      assertThat(tor.exitPids()).hasSize(3).contains(viaTor.peerPid().getAsLong());

      OkHttpClient direct = new OkHttpClient.Builder().callTimeout(WAIT).build();
      assertThat(get(direct, receiver.url("/direct"))).isEqualTo(200);
      Received directly = receiver.awaitRequest(WAIT);

      assertThat(directly.peerPid()).hasValue(ProcessHandle.current().pid());
      assertThat(tor.exitPids()).doesNotContain(directly.peerPid().getAsLong());
    }
  }

  @Test
  void controlPortAcceptsTheCookieAndRefusesAnotherOne() throws IOException {
    byte[] cookie = Files.readAllBytes(tor.controlCookie());
    assertThat(cookie).hasSize(32);

    assertThat(control("AUTHENTICATE " + HexFormat.of().formatHex(cookie)))
        .containsExactly("250 OK");
    byte[] wrong = cookie.clone();
    wrong[0] ^= 1;
    assertThat(control("AUTHENTICATE " + HexFormat.of().formatHex(wrong)).get(0))
        .startsWith("515 ");
  }

  @Test
  void differentSocksCredentialsTakeDifferentCircuits() throws IOException {
    try (Receiver receiver = Receiver.start();
        Control control = Control.open(tor)) {
      assertThat(control.command("SETEVENTS STREAM")).isEqualTo("250 OK");

      tunnel(receiver.port(), new Credentials("business-a", "x"));
      tunnel(receiver.port(), new Credentials("business-b", "x"));
      tunnel(receiver.port(), new Credentials("business-a", "x"));

      String first = control.awaitSucceeded("business-a");
      String second = control.awaitSucceeded("business-b");
      String third = control.awaitSucceeded("business-a");
      assertThat(circuit(first)).isNotEqualTo(circuit(second));
      assertThat(circuit(third)).isEqualTo(circuit(first));
    }
  }

  @Test
  void unpublishedOnionIsRefusedWithExtendedErrorF0() throws Exception {
    Socks5.Reply reply =
        Socks5.connect(
            tor.socks(),
            TorNetwork.unpublishedOnion(),
            80,
            AddressType.DOMAIN,
            Optional.empty(),
            WAIT);

    assertThat(reply.code()).as("SOCKS5 reply code").isEqualTo(0xF0);
  }

  /** What the server under test will do: launch its own tor with the join lines and use it. */
  @Test
  void anotherTorJoinsWithTheJoinLinesAndReachesTheOnionAndAnExit() throws Exception {
    Path dir = tor.dir().resolve("joiner-" + System.nanoTime());
    Files.createDirectories(dir);
    int socksPort = Receiver.refusingPort();
    List<String> torrc = new ArrayList<>(tor.joinLines());
    torrc.addAll(
        List.of(
            "DataDirectory " + dir.resolve("data"),
            "SocksPort 127.0.0.1:" + socksPort,
            "Log notice file " + dir.resolve("notice.log"),
            "__OwningControllerProcess " + ProcessHandle.current().pid()));
    Files.write(dir.resolve("torrc"), torrc);

    Process joiner =
        new ProcessBuilder("tor", "-f", dir.resolve("torrc").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    try (Receiver onionTarget = Receiver.startOn(tor.onionTargetPort());
        Receiver exitTarget = Receiver.start()) {
      OkHttpClient client =
          new OkHttpClient.Builder()
              .proxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", socksPort)))
              .callTimeout(Duration.ofSeconds(5))
              .retryOnConnectionFailure(false)
              .build();

      awaitOk(client, "http://" + tor.onionHost() + "/joined", dir.resolve("notice.log"));
      awaitOk(client, exitTarget.url("/joined"), dir.resolve("notice.log"));
      assertThat(onionTarget.awaitRequest(WAIT).path()).isEqualTo("/joined");
      assertThat(exitTarget.awaitRequest(WAIT).path()).isEqualTo("/joined");
    } finally {
      joiner.destroy();
      joiner.waitFor(10, TimeUnit.SECONDS);
      joiner.destroyForcibly();
    }
  }

  @Test
  void closeStopsEveryTorProcessOfTheNetwork() throws IOException {
    Path dir = Path.of(System.getProperty("mimbla.root", ".")).resolve("target/tor-network");
    TorNetwork own = TorNetwork.start(dir.resolve("close-test-" + ProcessHandle.current().pid()));
    List<Long> pids = own.pids();
    assertThat(pids).hasSize(8).allSatisfy(pid -> assertThat(alive(pid)).isTrue());
    assertThat(own.onionHost()).isNotEqualTo(tor.onionHost());

    own.close();

    assertThat(pids).allSatisfy(pid -> assertThat(alive(pid)).as("tor pid %d", pid).isFalse());
    assertThat(tor.pids()).allSatisfy(pid -> assertThat(alive(pid)).isTrue());
    own.close();
  }

  // Helpers.

  /** Fetches until a 200 comes, for at most a minute: a new tor needs a moment to bootstrap. */
  static void awaitOk(OkHttpClient client, String url, Path log) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = "not tried";
    while (System.nanoTime() < deadline) {
      try {
        if (get(client, url) == 200) {
          return;
        }
        last = "not 200";
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(1000);
    }
    throw new AssertionError(
        "no 200 from " + url + " within 60 s: " + last + "\n" + TorNetwork.tail(log));
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Opens a SOCKS tunnel to the receiver with these credentials and sends one request on it. */
  void tunnel(int port, Credentials credentials) throws IOException {
    Socks5.Reply reply =
        Socks5.connect(
            tor.socks(), "127.0.0.1", port, AddressType.DOMAIN, Optional.of(credentials), WAIT);
    assertThat(reply.code()).isZero();
    try (Socket tunnel = reply.tunnel().orElseThrow()) {
      OutputStream out = tunnel.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(reader(tunnel).readLine()).isEqualTo("HTTP/1.1 200 OK");
    }
  }

  /** The circuit id of a {@code 650 STREAM <id> <status> <circuit> <target> …} event. */
  static String circuit(String event) {
    return event.split(" ")[4];
  }

  List<String> control(String command) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(tor.control(), (int) WAIT.toMillis());
      socket.setSoTimeout((int) WAIT.toMillis());
      send(socket, command);
      return List.of(reader(socket).readLine());
    }
  }

  /** An authenticated control connection and the one reader of its lines. */
  record Control(Socket socket, BufferedReader lines) implements AutoCloseable {
    static Control open(TorNetwork tor) throws IOException {
      Socket socket = new Socket();
      socket.connect(tor.control(), (int) WAIT.toMillis());
      socket.setSoTimeout((int) WAIT.toMillis());
      Control control = new Control(socket, reader(socket));
      String cookie = HexFormat.of().formatHex(Files.readAllBytes(tor.controlCookie()));
      String answer = control.command("AUTHENTICATE " + cookie);
      if (!answer.equals("250 OK")) {
        control.close();
        throw new AssertionError("control port refused the cookie: " + answer);
      }
      return control;
    }

    /** Sends one command and returns its first answer line (asynchronous events aside). */
    String command(String command) throws IOException {
      send(socket, command);
      String line = lines.readLine();
      while (line != null && line.startsWith("650 ")) {
        line = lines.readLine();
      }
      return String.valueOf(line);
    }

    /**
     * The next {@code 650 STREAM … SUCCEEDED …} event of a stream opened with this SOCKS user name.
     * Events of other streams (tor's own directory fetches, other users) are skipped.
     */
    String awaitSucceeded(String user) throws IOException {
      while (true) {
        String line = lines.readLine();
        assertThat(line).as("control connection still open").isNotNull();
        if (line.startsWith("650 STREAM ")
            && line.contains(" SUCCEEDED ")
            && line.contains(" SOCKS_USERNAME=\"" + user + "\"")) {
          return line;
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  static void send(Socket socket, String command) throws IOException {
    socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  /**
   * A line reader over the socket. It must be the only one ever made for that socket: it buffers
   * what it reads ahead.
   */
  static BufferedReader reader(Socket socket) throws IOException {
    return new BufferedReader(
        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
  }
}
