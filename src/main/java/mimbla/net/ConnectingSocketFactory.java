package mimbla.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * The five ways {@link SocketFactory} offers to make a socket, all through {@link #createSocket()},
 * whose socket decides where it may connect. OkHttp calls only that one; the others exist so that
 * no caller can reach a plain socket around the factory's rule. A subclass says only what a host
 * name becomes: resolved here, or handed on unresolved.
 */
abstract class ConnectingSocketFactory extends SocketFactory {
  @Override
  public abstract Socket createSocket();

  /** The address a host name given to this factory stands for. */
  abstract InetSocketAddress target(String host, int port);

  @Override
  public final Socket createSocket(String host, int port) throws IOException {
    return connected(target(host, port));
  }

  @Override
  public final Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected(target(host, port));
  }

  @Override
  public final Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port));
  }

  @Override
  public final Socket createSocket(
      InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
    return connected(new InetSocketAddress(address, port));
  }

  private Socket connected(InetSocketAddress target) throws IOException {
    Socket socket = createSocket();
    socket.connect(target);
    return socket;
  }
}
