package mimbla.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * Sockets that check the address they are asked to connect to. This is the last gate before a
 * packet leaves: whatever path a host took to become an address (a name through {@link GuardedDns},
 * or an IP literal that OkHttp connects to without a lookup), the address that is connected to is
 * the address that was judged.
 */
final class GuardedSockets extends ConnectingSocketFactory {
  private final AddressGuard guard;

  GuardedSockets(AddressGuard guard) {
    this.guard = guard;
  }

  @Override
  public Socket createSocket() {
    return new GuardedSocket(guard);
  }

  /** Host names are resolved here, and the socket judges the address they resolved to. */
  @Override
  InetSocketAddress target(String host, int port) {
    return new InetSocketAddress(host, port);
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
