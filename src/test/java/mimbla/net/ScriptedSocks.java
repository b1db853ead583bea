package mimbla.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A FAKE Tor: a scripted SOCKS5 server on loopback that records what the client sent and answers
 * with a chosen reply code, then, on success, plays the web server itself. It exists because a real
 * Tor cannot be made to answer every onion error code on demand; the real Tor network tests (see
 * {@code mimbla.tor}) cover the paths a real Tor can show.
 */
final class ScriptedSocks implements AutoCloseable, TorLink {
  record Request(String username, String password, int addressType, String host, int port) {}

  private final ServerSocket server;
  private final int reply;
  private final boolean silent;
  final List<Request> requests = new CopyOnWriteArrayList<>();
  final List<String> httpRequests = new CopyOnWriteArrayList<>();

  private ScriptedSocks(int reply, boolean silent) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.reply = reply;
    this.silent = silent;
    Thread.ofVirtual().start(this::serve);
  }

  /** Answers every CONNECT with this SOCKS5 reply code (0: success). */
  static ScriptedSocks replying(int reply) throws IOException {
    return new ScriptedSocks(reply, false);
  }

  /** Accepts connections and never says a word. */
  static ScriptedSocks silent() throws IOException {
    return new ScriptedSocks(0, true);
  }

  @Override
  public InetSocketAddress socks() {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  @Override
  public java.util.Optional<String> awaitReady(java.time.Duration max) {
    return java.util.Optional.empty();
  }

  private void serve() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread.ofVirtual().start(() -> handle(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      if (silent) {
        in.readAllBytes();
        return;
      }
      byte[] greeting = in.readNBytes(2);
      in.readNBytes(greeting[1]);
      out.write(new byte[] {5, 2});

      in.read(); // sub-negotiation version 1
      String username = new String(in.readNBytes(in.read()), StandardCharsets.UTF_8);
      String password = new String(in.readNBytes(in.read()), StandardCharsets.UTF_8);
      out.write(new byte[] {1, 0});

      byte[] head = in.readNBytes(4);
      String host =
          head[3] == 3
              ? new String(in.readNBytes(in.read()), StandardCharsets.US_ASCII)
              : "address type " + head[3];
      byte[] port = in.readNBytes(2);
      requests.add(
          new Request(
              username, password, head[3], host, ((port[0] & 0xFF) << 8) | (port[1] & 0xFF)));
      out.write(new byte[] {5, (byte) reply, 0, 1, 0, 0, 0, 0, 0, 0});
      if (reply == 0) {
        playWebServer(in, out);
      }
    } catch (IOException e) {
      // The client went away; what it sent is recorded.
    }
  }

  private void playWebServer(InputStream in, OutputStream out) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return;
      }
      head.append((char) b);
    }
    httpRequests.add(head.toString());
    out.write(
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
