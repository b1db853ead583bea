package mimbla.net;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * Sends one webhook GET and reports its {@link Outcome}. The route is chosen from the URL and the
 * Tor mode: through Tor (every host with {@code tor = all}, {@code .onion} hosts with {@code
 * onion}), or direct through the address guard. A Tor-routed host is never looked up in local DNS
 * and never falls back to a direct connection; with Tor off, a {@code .onion} URL fails with {@code
 * tor_off}.
 *
 * <p>Safe to use from many threads at once; each call blocks its (virtual) thread until the
 * answer's status line arrives or the total timeout passes.
 */
public final class WebhookClient implements AutoCloseable {
  private final DirectRoute direct;
  private final Optional<TorRoute> tor;
  private final TorMode mode;
  private final WebhookUrls urls;
  private final Clock clock;

  private WebhookClient(
      DirectRoute direct, Optional<TorRoute> tor, TorMode mode, WebhookUrls urls, Clock clock) {
    this.direct = direct;
    this.tor = tor;
    this.mode = mode;
    this.urls = urls;
    this.clock = clock;
  }

  /**
   * A client without Tor: see {@link #create(Duration, Duration, List, Resolver, Clock,
   * TorAccess)}.
   */
  public static WebhookClient create(
      Duration connectTimeout,
      Duration timeout,
      List<IpRange> allowed,
      Resolver resolver,
      Clock clock) {
    return create(connectTimeout, timeout, allowed, resolver, clock, TorAccess.off());
  }

  /**
   * A client that refuses special-purpose addresses except the allowed ranges, connecting within
   * {@code connectTimeout} and giving up on an answer after {@code timeout} in all; Tor-routed
   * requests take the Tor timeouts instead.
   */
  public static WebhookClient create(
      Duration connectTimeout,
      Duration timeout,
      List<IpRange> allowed,
      Resolver resolver,
      Clock clock,
      TorAccess torAccess) {
    AddressGuard guard = AddressGuard.allowing(allowed);
    DirectRoute direct =
        new DirectRoute(connectTimeout, timeout, guard, new GuardedDns(guard, resolver));
    Optional<TorRoute> tor =
        torAccess
            .link()
            .map(link -> new TorRoute(link, torAccess.connectTimeout(), torAccess.timeout()));
    WebhookUrls urls = new WebhookUrls(guard, resolver, torAccess.mode());
    return new WebhookClient(direct, tor, torAccess.mode(), urls, clock);
  }

  /** The rules this client's URLs must meet, judged with its own guard, resolver and Tor mode. */
  public WebhookUrls urls() {
    return urls;
  }

  /** The route a notification to this URL would take: {@code tor} or {@code direct}. */
  public String route(String url) {
    HttpUrl parsed = HttpUrl.parse(url);
    boolean viaTor =
        parsed != null
            && (mode.routesThroughTor(parsed.host()) || OnionAddress.isOnion(parsed.host()));
    return viaTor ? TorRoute.NAME : DirectRoute.NAME;
  }

  /**
   * One attempt. {@code isolation} names whose notification this is (the business): the Tor route
   * gives each its own circuits, the direct route has nothing to separate.
   */
  public Outcome send(String url, String isolation) {
    Instant startedAt = clock.instant();
    String route = route(url);
    Optional<String> unsendable = WebhookUrls.unsendable(url);
    if (unsendable.isPresent()) {
      return Outcome.failed(
          route, startedAt, Duration.ZERO, Failures.URL, "URL " + unsendable.get());
    }

    HttpUrl parsed = HttpUrl.get(url);
    if (route.equals(TorRoute.NAME)) {
      return tor.map(viaTor -> viaTor.send(parsed, startedAt, isolation))
          .orElseGet(
              () ->
                  Outcome.failed(
                      route,
                      startedAt,
                      Duration.ZERO,
                      Failures.TOR_OFF,
                      ".onion addresses need Tor, and Tor is off on this server (setting tor)"));
    }
    return direct.send(parsed, startedAt);
  }

  @Override
  public void close() {
    direct.close();
    tor.ifPresent(TorRoute::close);
  }
}
