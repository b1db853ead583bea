package mimbla.testing;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * A SOCKS5 CONNECT by hand (RFC 1928, with RFC 1929 user name and password), for tests that need
 * what an HTTP client hides: the reply code Tor gives (with {@code ExtendedErrors}, 0xF0–0xF7 for
 * onion failures), the address type sent, and the credentials that choose a circuit under {@code
 * IsolateSOCKSAuth}.
 */
public final class Socks5 {
  /** Address types of a CONNECT request. */
  public enum AddressType {
    /** ATYP 1: four bytes; tor's SafeSocks refuses it. */
    IPV4,
    /** ATYP 3: a name, resolved by the proxy. */
    DOMAIN
  }

  /** User name and password (RFC 1929); tor does not check them, it isolates by them. */
  public record Credentials(String user, String password) {}

  /**
   * The proxy's answer to CONNECT and, when it succeeded ({@code code == 0}), the open tunnel,
   * which the caller must close.
   */
  public record Reply(int code, Optional<Socket> tunnel) {}

  private Socks5() {}

  /**
   * Asks the proxy to connect to {@code host:port}. With {@link AddressType#IPV4} the host must be
   * a dotted IPv4 literal. A refused connection is closed here; a granted one is handed over.
   */
  public static Reply connect(
      InetSocketAddress proxy,
      String host,
      int port,
      AddressType type,
      Optional<Credentials> credentials,
      Duration timeout)
      throws IOException {
    Socket socket = new Socket();
    boolean handedOver = false;
    try {
      socket.connect(proxy, (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      DataInputStream in = new DataInputStream(socket.getInputStream());

      greet(out, in, credentials);

      out.write(request(host, port, type));
      out.flush();
      int code = readReply(in);
      handedOver = code == 0;
      return new Reply(code, handedOver ? Optional.of(socket) : Optional.empty());
    } finally {
      if (!handedOver) {
        socket.close();
      }
    }
  }

  private static void greet(OutputStream out, DataInputStream in, Optional<Credentials> credentials)
      throws IOException {
    int method = credentials.isPresent() ? 2 : 0;
    out.write(new byte[] {5, 1, (byte) method});
    out.flush();
    int version = in.readUnsignedByte();
    int chosen = in.readUnsignedByte();
    if (version != 5 || chosen != method) {
      throw new IOException(
          "proxy refused method " + method + ": answered " + version + "/" + chosen);
    }
    if (credentials.isEmpty()) {
      return;
    }

    byte[] user = credentials.get().user().getBytes(StandardCharsets.UTF_8);
    byte[] password = credentials.get().password().getBytes(StandardCharsets.UTF_8);
    out.write(1);
    out.write(user.length);
    out.write(user);
    out.write(password.length);
    out.write(password);
    out.flush();
    in.readUnsignedByte();
    if (in.readUnsignedByte() != 0) {
      throw new IOException("proxy refused the user name and password");
    }
  }

  private static byte[] request(String host, int port, AddressType type) {
    byte[] address =
        switch (type) {
          case IPV4 -> ipv4(host);
          case DOMAIN -> host.getBytes(StandardCharsets.US_ASCII);
        };
    int header = type == AddressType.DOMAIN ? 5 : 4;
    byte[] request = new byte[header + address.length + 2];
    request[0] = 5;
    request[1] = 1;
    request[3] = (byte) (type == AddressType.DOMAIN ? 3 : 1);
    if (type == AddressType.DOMAIN) {
      request[4] = (byte) address.length;
    }
    System.arraycopy(address, 0, request, header, address.length);
    request[request.length - 2] = (byte) (port >> 8);
    request[request.length - 1] = (byte) port;
    return request;
  }

  private static byte[] ipv4(String literal) {
    String[] parts = literal.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not a dotted IPv4 literal: " + literal);
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      bytes[i] = (byte) Integer.parseInt(parts[i]);
    }
    return bytes;
  }

  /**
   * The reply code. The bound address that follows is read and dropped; a proxy that hangs up after
   * the code of a refusal has still given its answer.
   */
  private static int readReply(DataInputStream in) throws IOException {
    in.readUnsignedByte();
    int code = in.readUnsignedByte();
    try {
      in.readUnsignedByte();
      int addressLength =
          switch (in.readUnsignedByte()) {
            case 1 -> 4;
            case 4 -> 16;
            case 3 -> in.readUnsignedByte();
            default -> throw new IOException("proxy answered an unknown address type");
          };
      in.readFully(new byte[addressLength + 2]);
    } catch (EOFException hungUp) {
      if (code == 0) {
        throw hungUp;
      }
    }
    return code;
  }
}
