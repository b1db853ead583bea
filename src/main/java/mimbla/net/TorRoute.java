package mimbla.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The Tor route: the same bare GET as the direct route, over a stream Tor opens to the host. The
 * host name goes to Tor inside the SOCKS request; this machine never resolves it, and the address
 * guard does not judge it (Tor's exit does the resolving and applies its own policy).
 *
 * <p>OkHttp is left without a proxy and given {@link TorSockets}, whose sockets can only reach
 * Tor's SOCKS port, and a DNS that answers every name with a placeholder address carrying the name.
 * The placeholder is never connected to: the sockets read the name from it and hand it to Tor.
 */
final class TorRoute {
  static final String NAME = "tor";

  /**
   * 100::/64 is the IPv6 discard-only prefix (RFC 6666): were the placeholder ever used as a real
   * destination, it would lead nowhere.
   */
  private static final byte[] PLACEHOLDER = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

  private final TorLink tor;
  private final OkHttpClient client;

  TorRoute(TorLink tor, Duration connectTimeout, Duration timeout) {
    this.tor = tor;
    this.client =
        DirectRoute.bare(connectTimeout, timeout)
            .proxy(java.net.Proxy.NO_PROXY)
            .dns(TorRoute::placeholder)
            // Replaced on every call by sockets carrying that call's isolation key.
            .socketFactory(new TorSockets(tor, "none"))
            .build();
  }

  /** One attempt on a circuit shared only with other attempts of the same isolation key. */
  Outcome send(HttpUrl url, Instant startedAt, String isolation) {
    OkHttpClient isolated =
        client.newBuilder().socketFactory(new TorSockets(tor, isolation)).build();
    return DirectRoute.send(isolated, NAME, url, startedAt);
  }

  private static List<InetAddress> placeholder(String host) throws UnknownHostException {
    return List.of(InetAddress.getByAddress(host, PLACEHOLDER));
  }

  void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
