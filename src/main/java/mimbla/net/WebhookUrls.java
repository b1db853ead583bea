package mimbla.net;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * What a webhook URL must be beyond being a valid http(s) URL: sendable exactly as written; for a
 * {@code .onion} host, a valid v3 address and Tor switched on; for a host reached directly, an
 * address the guard allows. Checked when an invoice is created and again, by the client, when the
 * notification goes out.
 */
public final class WebhookUrls {
  private final AddressGuard guard;
  private final Resolver resolver;
  private final TorMode tor;

  WebhookUrls(AddressGuard guard, Resolver resolver, TorMode tor) {
    this.guard = guard;
    this.resolver = resolver;
    this.tor = tor;
  }

  /**
   * Why this URL cannot be a webhook, or empty if it can. A name that does not resolve now is
   * accepted: DNS may be down for a moment, and delivery checks the address again anyway.
   */
  public Optional<String> refusal(String url) {
    Optional<String> unsendable = unsendable(url);
    if (unsendable.isPresent()) {
      return unsendable;
    }

    HttpUrl parsed = HttpUrl.get(url);
    if (OnionAddress.isOnion(parsed.host())) {
      if (tor == TorMode.OFF) {
        return Optional.of("is a .onion address, but Tor is off on this server (setting tor)");
      }
      // Only checked, never looked up: a local lookup would leak the address to the resolver.
      return OnionAddress.problem(parsed.host());
    }
    if (tor == TorMode.ALL) {
      // Tor's exit resolves and connects; this machine's network is out of reach either way.
      return Optional.empty();
    }
    return switch (guard.check(parsed.host(), resolver)) {
      case HostVerdict.Refused refused ->
          Optional.of("points to an address that is not allowed: " + refused.reason());
      case HostVerdict.Allowed allowed -> Optional.empty();
      case HostVerdict.Unresolved unresolved -> Optional.empty();
    };
  }

  /**
   * Why the HTTP client could not send this URL's path and query byte-for-byte, or empty. The
   * client normalises some spellings (dot segments, some characters it percent-encodes); rather
   * than send something else than the merchant wrote, such URLs are refused with the spelling that
   * would be sent, so the merchant can write that instead.
   */
  static Optional<String> unsendable(String url) {
    HttpUrl parsed = HttpUrl.parse(url);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("is not a valid URL: " + e.getReason());
    }
    if (parsed == null) {
      return Optional.of("is not an http:// or https:// URL the client can send");
    }

    String written = target(uri.getRawPath(), uri.getRawQuery());
    String sent = target(parsed.encodedPath(), parsed.encodedQuery());
    if (!written.equals(sent)) {
      return Optional.of(
          "cannot be sent exactly as written: its path and query would go out as "
              + quoted(sent)
              + "; write the URL that way");
    }
    return Optional.empty();
  }

  private static String target(String path, String query) {
    String shownPath = path == null || path.isEmpty() ? "/" : path;
    return query == null ? shownPath : shownPath + "?" + query;
  }

  private static String quoted(String text) {
    String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
    return "\"" + shown + "\"";
  }
}
