package mimbla.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Sockets that reach their target only through Tor's SOCKS5 port, handing Tor the host name so that
 * nothing is resolved on this machine. Whatever address a socket is asked to connect to, it
 * connects to the SOCKS port and nowhere else: there is no path from here to a direct connection.
 *
 * <p>The SOCKS handshake is written here rather than left to the JDK's SOCKS support because the
 * JDK drops Tor's onion error codes (F0–F7) and reads credentials from one process-wide
 * authenticator, while every business needs its own credentials: Tor keeps streams with different
 * SOCKS credentials on different circuits ({@code IsolateSOCKSAuth}, on by default).
 */
final class TorSockets extends ConnectingSocketFactory {
  private static final int VERSION = 5;
  private static final int USERNAME_PASSWORD = 2;
  private static final int CONNECT = 1;
  private static final int DOMAIN_NAME = 3;

  private final TorLink tor;
  private final byte[] username;
  private final byte[] password;

  /** Sockets whose streams share circuits only with other streams of the same isolation key. */
  TorSockets(TorLink tor, String isolation) {
    this.tor = tor;
    this.username = credential("mimbla:" + isolation);
    this.password = credential("isolation");
  }

  @Override
  public Socket createSocket() {
    return new TorSocket();
  }

  /** Host names go to Tor as they are: resolving one here would tell the local resolver. */
  @Override
  InetSocketAddress target(String host, int port) {
    return InetSocketAddress.createUnresolved(host, port);
  }

  private static byte[] credential(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    // RFC 1929 gives each field one length byte.
    return bytes.length <= 255 ? bytes : Arrays.copyOf(bytes, 255);
  }

  /** A socket whose {@code connect} opens a Tor stream to the target instead. */
  private final class TorSocket extends Socket {
    @Override
    public void connect(SocketAddress endpoint, int timeoutMillis) throws IOException {
      if (!(endpoint instanceof InetSocketAddress target)) {
        throw new TorRefusalException("url", "not an internet address: " + endpoint);
      }
      // The name as the URL wrote it: OkHttp's placeholder address carries it (see TorRoute), an
      // IP literal is its own name. Never getHostName(), which could ask DNS.
      String host = target.getHostString();
      long deadline = System.nanoTime() + Duration.ofMillis(timeoutMillis).toNanos();

      Optional<String> notReady = tor.awaitReady(left(deadline));
      if (notReady.isPresent()) {
        throw new TorRefusalException("tor_not_ready", notReady.get());
      }
      reachTor(deadline);
      try {
        openStream(host, target.getPort(), deadline);
      } catch (SocketTimeoutException e) {
        throw new TorRefusalException(
            "tor_timeout",
            "Tor did not open a stream to %s within %d s"
                .formatted(host, Duration.ofMillis(timeoutMillis).toSeconds()),
            e);
      }
    }

    private void reachTor(long deadline) throws IOException {
      try {
        super.connect(tor.socks(), (int) Math.max(1, left(deadline).toMillis()));
      } catch (IOException e) {
        throw new TorRefusalException(
            "tor_unreachable",
            "Tor's SOCKS port %s:%d cannot be reached: %s"
                .formatted(
                    tor.socks().getHostString(),
                    tor.socks().getPort(),
                    String.valueOf(e.getMessage())),
            e);
      }
    }

    private void openStream(String host, int port, long deadline) throws IOException {
      InputStream in = getInputStream();
      OutputStream out = getOutputStream();
      setSoTimeout((int) Math.max(1, left(deadline).toMillis()));

      out.write(new byte[] {VERSION, 1, USERNAME_PASSWORD});
      out.flush();
      byte[] method = read(in, 2);
      if (method[0] != VERSION || method[1] != USERNAME_PASSWORD) {
        throw protocol(
            "Tor's SOCKS port does not take username/password (method " + method[1] + ")");
      }

      out.write(authentication());
      out.flush();
      if (read(in, 2)[1] != 0) {
        throw protocol("Tor's SOCKS port refused the isolation credentials");
      }

      out.write(connectRequest(host, port));
      out.flush();
      byte[] reply = read(in, 4);
      if (reply[0] != VERSION) {
        throw protocol("Tor's SOCKS port answered with version " + reply[0]);
      }
      if (reply[1] != 0) {
        throw SocksReply.refusal(reply[1] & 0xFF);
      }
      skipBoundAddress(in, reply[3]);
      setSoTimeout(0);
    }

    private byte[] authentication() {
      byte[] message = new byte[3 + username.length + password.length];
      message[0] = 1;
      message[1] = (byte) username.length;
      System.arraycopy(username, 0, message, 2, username.length);
      message[2 + username.length] = (byte) password.length;
      System.arraycopy(password, 0, message, 3 + username.length, password.length);
      return message;
    }

    private static byte[] connectRequest(String host, int port) throws IOException {
      byte[] name = host.getBytes(StandardCharsets.US_ASCII);
      if (name.length > 255) {
        throw new TorRefusalException("url", "host name longer than SOCKS5 allows (255 bytes)");
      }
      byte[] request = new byte[7 + name.length];
      request[0] = VERSION;
      request[1] = CONNECT;
      request[3] = DOMAIN_NAME;
      request[4] = (byte) name.length;
      System.arraycopy(name, 0, request, 5, name.length);
      request[5 + name.length] = (byte) (port >> 8);
      request[6 + name.length] = (byte) port;
      return request;
    }

    private static void skipBoundAddress(InputStream in, byte type) throws IOException {
      int length =
          switch (type) {
            case 1 -> 4;
            case 4 -> 16;
            case DOMAIN_NAME -> read(in, 1)[0] & 0xFF;
            default -> throw protocol("Tor's SOCKS reply has address type " + type);
          };
      read(in, length + 2);
    }

    private static byte[] read(InputStream in, int length) throws IOException {
      byte[] bytes = in.readNBytes(length);
      if (bytes.length < length) {
        throw protocol("Tor closed the SOCKS connection during the handshake");
      }
      return bytes;
    }

    private static TorRefusalException protocol(String message) {
      return new TorRefusalException("tor_protocol", message);
    }

    private static Duration left(long deadlineNanos) {
      return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }
  }
}
