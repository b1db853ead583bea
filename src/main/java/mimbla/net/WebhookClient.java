package mimbla.net;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * Sends one webhook GET and reports its {@link Outcome}. The route is chosen from the URL: the
 * clearnet goes direct through the address guard; {@code .onion} hosts need Tor, which this version
 * does not have, so they fail at once with {@code tor_unavailable} and are never looked up in local
 * DNS. A Tor route plugs in here, beside the direct one, without the callers changing.
 *
 * <p>Safe to use from many threads at once; each call blocks its (virtual) thread until the
 * answer's status line arrives or the total timeout passes.
 */
public final class WebhookClient implements AutoCloseable {
  private final DirectRoute direct;
  private final WebhookUrls urls;
  private final Clock clock;

  private WebhookClient(DirectRoute direct, WebhookUrls urls, Clock clock) {
    this.direct = direct;
    this.urls = urls;
    this.clock = clock;
  }

  /**
   * A client that refuses special-purpose addresses except the allowed ranges, connecting within
   * {@code connectTimeout} and giving up on an answer after {@code timeout} in all.
   */
  public static WebhookClient create(
      Duration connectTimeout,
      Duration timeout,
      List<IpRange> allowed,
      Resolver resolver,
      Clock clock) {
    AddressGuard guard = AddressGuard.allowing(allowed);
    DirectRoute direct =
        new DirectRoute(connectTimeout, timeout, guard, new GuardedDns(guard, resolver));
    return new WebhookClient(direct, new WebhookUrls(guard, resolver), clock);
  }

  /** The rules this client's URLs must meet, judged with its own guard and resolver. */
  public WebhookUrls urls() {
    return urls;
  }

  /**
   * One attempt. {@code isolation} names whose notification this is (the business); routes that can
   * keep senders apart (Tor circuits) use it, the direct route has nothing to separate.
   */
  public Outcome send(String url, String isolation) {
    Instant startedAt = clock.instant();
    Optional<String> unsendable = WebhookUrls.unsendable(url);
    if (unsendable.isPresent()) {
      return Outcome.failed(
          DirectRoute.NAME, startedAt, Duration.ZERO, Failures.URL, "URL " + unsendable.get());
    }

    HttpUrl parsed = HttpUrl.get(url);
    if (WebhookUrls.isOnion(parsed.host())) {
      return Outcome.failed(
          "tor",
          startedAt,
          Duration.ZERO,
          Failures.TOR_UNAVAILABLE,
          ".onion addresses need Tor, which this server does not have yet");
    }
    return direct.send(parsed, startedAt);
  }

  @Override
  public void close() {
    direct.close();
  }
}
