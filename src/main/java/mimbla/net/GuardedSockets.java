package mimbla.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Optional;
import javax.net.SocketFactory;

/**
 * Sockets that check the address they are asked to connect to. This is the last gate before a
 * packet leaves: whatever path a host took to become an address (a name through {@link GuardedDns},
 * or an IP literal that OkHttp connects to without a lookup), the address that is connected to is
 * the address that was judged.
 */
final class GuardedSockets extends SocketFactory {
  private final AddressGuard guard;

  GuardedSockets(AddressGuard guard) {
    this.guard = guard;
  }

  @Override
  public Socket createSocket() {
    return new GuardedSocket(guard);
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(new InetSocketAddress(address, port));
  }

  private Socket connected(InetSocketAddress address) throws IOException {
    Socket socket = createSocket();
    socket.connect(address);
    return socket;
  }

  private static final class GuardedSocket extends Socket {
    private final AddressGuard guard;

    GuardedSocket(AddressGuard guard) {
      this.guard = guard;
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      if (!(endpoint instanceof InetSocketAddress inet) || inet.isUnresolved()) {
        throw new AddressRefusedException(endpoint + " is not a resolved address");
      }
      Optional<String> refusal = guard.refusal(inet.getAddress());
      if (refusal.isPresent()) {
        throw new AddressRefusedException(
            inet.getAddress().getHostAddress() + " is refused: " + refusal.get());
      }
      super.connect(endpoint, timeout);
    }
  }
}
