package mimbla.business;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Web origins as browsers send them in {@code Origin}: scheme, host and port, nothing else. A
 * business's allowed SDK origins are stored in this form so that comparing is plain equality.
 */
public final class Origins {
  private static final int MAX_LENGTH = 300;

  private Origins() {}

  /**
   * The origin a merchant wrote, in the form browsers send: lower case, without a default port or a
   * trailing slash. Anything more than an origin (a path, a query, user info, a wildcard) is
   * refused with a message that says what is wrong.
   */
  public static String normalize(String written) {
    String text = written == null ? "" : written.strip();
    if (text.isEmpty() || text.length() > MAX_LENGTH) {
      throw refused(text, "an origin has 1 to " + MAX_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw refused(text, "it is not a URL");
    }

    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw refused(text, "it must start with http:// or https://");
    }
    if (uri.getRawAuthority() == null || uri.getHost() == null || uri.getHost().isEmpty()) {
      throw refused(text, "it needs a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw refused(text, "it must not contain a user name or password");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!path.isEmpty() && !path.equals("/")
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw refused(text, "an origin has no path, query or fragment: write https://shop.example");
    }

    String host = uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort =
        port == -1
            || (scheme.equals("http") && port == 80)
            || (scheme.equals("https") && port == 443);
    return scheme + "://" + host + (defaultPort ? "" : ":" + port);
  }

  private static BusinessException refused(String origin, String why) {
    return new BusinessException("Not an origin: \"" + origin + "\": " + why);
  }
}
