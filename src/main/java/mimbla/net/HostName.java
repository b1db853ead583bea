package mimbla.net;

import java.util.Locale;
import java.util.Optional;

/**
 * Host names as the guard accepts them before it asks a resolver: ASCII labels, as URL parsers hand
 * over internationalised names in their punycode form. Anything else (brackets, percent signs,
 * control characters, a name ending in a number) is refused rather than passed on, so the resolver
 * never sees text whose meaning differs from one resolver to the next.
 */
final class HostName {
  private static final int NAME_MAX = 253;
  private static final int LABEL_MAX = 63;

  /** How much of a hostile host to quote back in a message. */
  private static final int SHOWN_MAX = 80;

  private HostName() {}

  /** Why the host is not a name that may be resolved; empty when it is one. */
  static Optional<String> problem(String host) {
    String name = withoutFinalDot(host);
    if (name.isEmpty() || name.length() > NAME_MAX) {
      return Optional.of("not a host name: " + shown(host));
    }

    String[] labels = name.split("\\.", -1);
    for (String label : labels) {
      if (!isLabel(label)) {
        return Optional.of("not a host name: " + shown(host));
      }
    }

    if (endsInNumber(labels[labels.length - 1])) {
      // The URL standard rejects such hosts: they were meant as an address but are not one.
      return Optional.of(shown(host) + " ends in a number but is not an IPv4 address");
    }
    return Optional.empty();
  }

  /** {@code localhost} and names under it, which RFC 6761 reserves for loopback. */
  static boolean isLocalhost(String host) {
    String name = withoutFinalDot(host).toLowerCase(Locale.ROOT);
    return name.equals("localhost") || name.endsWith(".localhost");
  }

  /** The host for a message: quoted, printable, and cut short if it is long. */
  static String shown(String host) {
    StringBuilder text = new StringBuilder("\"");
    host.codePoints()
        .limit(SHOWN_MAX)
        .forEach(c -> text.append(isPrintableAscii(c) ? Character.toString(c) : escaped(c)));
    if (host.codePointCount(0, host.length()) > SHOWN_MAX) {
      text.append("...");
    }
    return text.append('"').toString();
  }

  private static String withoutFinalDot(String host) {
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }

  /** Letters, digits, hyphens and, as real zones have them, underscores. */
  private static boolean isLabel(String label) {
    if (label.isEmpty() || label.length() > LABEL_MAX) {
      return false;
    }
    return label.chars().allMatch(HostName::isLabelCharacter);
  }

  private static boolean isLabelCharacter(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  /** The URL standard's test: all decimal digits, or 0x followed by hex digits. */
  private static boolean endsInNumber(String label) {
    if (label.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return true;
    }

    boolean hexPrefix = label.startsWith("0x") || label.startsWith("0X");
    return hexPrefix && label.substring(2).chars().allMatch(HostName::isHexDigit);
  }

  private static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isPrintableAscii(int c) {
    return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
  }

  private static String escaped(int c) {
    return c <= 0xFFFF ? "\\u%04x".formatted(c) : "\\U%06x".formatted(c);
  }
}
