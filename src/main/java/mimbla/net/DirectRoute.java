package mimbla.net;

import java.io.IOException;
import java.net.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The clearnet route: one GET straight to the merchant's host, through the address guard.
 *
 * <p>OkHttp is told to do as little as possible: HTTP/1.1 only (so the request is a request line
 * and headers, not HTTP/2 frames), no redirects, no silent retry of a failed connection, no
 * connection reuse between notifications, no cookies or cache. A network interceptor then strips
 * every header OkHttp added except {@code Host}, and asks for {@code Connection: close}.
 */
final class DirectRoute {
  static final String NAME = "direct";

  private final OkHttpClient client;

  DirectRoute(Duration connectTimeout, Duration timeout, AddressGuard guard, GuardedDns dns) {
    this.client =
        bare(connectTimeout, timeout)
            // Direct means direct: no proxy from system properties or the environment.
            .proxy(Proxy.NO_PROXY)
            .dns(dns)
            .socketFactory(new GuardedSockets(guard))
            .build();
  }

  /**
   * A client that sends nothing but the request line, {@code Host} and {@code Connection: close},
   * once, on a connection of its own: the part every route shares.
   */
  static OkHttpClient.Builder bare(Duration connectTimeout, Duration timeout) {
    return new OkHttpClient.Builder()
        .protocols(List.of(Protocol.HTTP_1_1))
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
        .connectTimeout(connectTimeout)
        .readTimeout(timeout)
        .writeTimeout(timeout)
        .callTimeout(timeout)
        .addNetworkInterceptor(DirectRoute::bare);
  }

  /** Sends the GET and waits for the status line; the body, if any, is never read. */
  Outcome send(HttpUrl url, Instant startedAt) {
    return send(client, NAME, url, startedAt);
  }

  static Outcome send(OkHttpClient client, String route, HttpUrl url, Instant startedAt) {
    long started = System.nanoTime();
    Request request = new Request.Builder().url(url).get().build();
    try (Response response = client.newCall(request).execute()) {
      return Outcome.answered(route, startedAt, since(started), response.code());
    } catch (IOException e) {
      return Outcome.failed(
          route, startedAt, since(started), Failures.kind(e), Failures.message(e));
    }
  }

  /** Only {@code Host} and {@code Connection} reach the wire: nothing says who is asking. */
  private static Response bare(Interceptor.Chain chain) throws IOException {
    Request request = chain.request();
    Headers headers =
        new Headers.Builder()
            .add("Host", request.header("Host"))
            .add("Connection", "close")
            .build();
    return chain.proceed(request.newBuilder().headers(headers).build());
  }

  static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
