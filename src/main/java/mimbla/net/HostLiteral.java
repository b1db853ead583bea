package mimbla.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads IP addresses out of host text without ever asking DNS.
 *
 * <p>A URL host such as {@code 2130706433}, {@code 0x7f.1} or {@code 0177.0.0.1} is loopback to the
 * C resolver (glibc {@code inet_aton}) and to browsers, although it looks nothing like {@code
 * 127.0.0.1}. The guard must see through those forms before deciding whether a host is a name to
 * resolve, so this class parses them itself: {@link InetAddress#getByName} would send anything it
 * does not recognise to DNS. Addresses are only ever built from bytes.
 *
 * <p>Digits are ASCII only: {@link Character#digit} and {@link Long#parseLong} also accept
 * Arabic-Indic, full-width and other digits, which no resolver reads as numbers.
 */
final class HostLiteral {
  private static final long IPV4_MAX = 0xFFFF_FFFFL;

  /** The longest IPv6 text: six groups of four hex digits and a dotted quad. */
  private static final int IPV6_TEXT_MAX = 45;

  private HostLiteral() {}

  /**
   * The address a URL host denotes when it is an IP literal, read the way C resolvers and browsers
   * read it; empty when the host is a name (or nonsense that only a resolver could reject).
   */
  static Optional<InetAddress> parse(String host) {
    if (host.length() >= 2 && host.startsWith("[") && host.endsWith("]")) {
      return ipv6WithZone(host.substring(1, host.length() - 1)).map(HostLiteral::address);
    }

    if (host.indexOf(':') >= 0) {
      return ipv6WithZone(host).map(HostLiteral::address);
    }

    return ipv4(host, true).map(HostLiteral::address);
  }

  /**
   * The address {@code java.net.InetAddress} reads from IPv4 text: every part decimal, so {@code
   * 010.0.0.1} is 10.0.0.1 to Java but 8.0.0.1 to C. Hex parts make Java treat the text as a name,
   * so they give no reading. The guard refuses hosts whose two readings differ, because an HTTP
   * client that resolves the host again would connect to the Java reading.
   */
  static Optional<InetAddress> javaReading(String host) {
    return ipv4(host, false).map(HostLiteral::address);
  }

  /**
   * The bytes of an address written canonically, as an operator writes it in configuration: a
   * dotted quad of four decimal parts, or IPv6 without brackets or zone. Four or sixteen bytes.
   */
  static Optional<byte[]> canonicalBytes(String text) {
    if (text.indexOf(':') >= 0) {
      return ipv6(text);
    }
    return dottedQuad(text);
  }

  /**
   * An address as people write it: a dotted quad, or compressed lower-case IPv6 (RFC 5952) rather
   * than the {@code 0:0:0:0:0:0:0:1} that {@link InetAddress#getHostAddress} gives.
   */
  static String format(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 4) {
      return address.getHostAddress();
    }
    return formatIpv6(bytes);
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException("an address of " + bytes.length + " bytes", impossible);
    }
  }

  /**
   * IPv4 in one to four dot-separated parts, the last part filling the remaining bytes ({@code
   * 127.1} is 127.0.0.1). One trailing dot is allowed, as in a fully qualified name.
   */
  private static Optional<byte[]> ipv4(String text, boolean leadingZeroIsOctal) {
    String body = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    String[] parts = body.split("\\.", -1);
    if (parts.length > 4) {
      return Optional.empty();
    }

    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      OptionalLong value = ipv4Part(parts[i], leadingZeroIsOctal);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      values[i] = value.getAsLong();
    }

    return assembleIpv4(values);
  }

  /** One part as {@code strtoul} with base 0 reads it: {@code 0x} hex, leading 0 octal. */
  private static OptionalLong ipv4Part(String part, boolean leadingZeroIsOctal) {
    boolean hex = part.startsWith("0x") || part.startsWith("0X");
    if (hex && leadingZeroIsOctal) {
      // inet_aton reads a bare "0x" as zero, and so do browsers.
      return part.length() == 2 ? OptionalLong.of(0) : number(part.substring(2), 16);
    }

    if (leadingZeroIsOctal && part.length() > 1 && part.startsWith("0")) {
      return number(part.substring(1), 8);
    }

    return number(part, 10);
  }

  /** Parts before the last are single bytes; the last part fills what is left of 32 bits. */
  private static Optional<byte[]> assembleIpv4(long[] values) {
    int last = values.length - 1;
    long address = 0;
    for (int i = 0; i < last; i++) {
      if (values[i] > 0xFF) {
        return Optional.empty();
      }
      address |= values[i] << (24 - 8 * i);
    }

    long lastMax = IPV4_MAX >>> (8 * last);
    if (values[last] > lastMax) {
      return Optional.empty();
    }

    return Optional.of(ipv4Bytes(address | values[last]));
  }

  private static byte[] ipv4Bytes(long address) {
    return new byte[] {
      (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address
    };
  }

  /** ASCII digits in a radix; empty when there are none or the value passes 32 bits. */
  private static OptionalLong number(String digits, int radix) {
    if (digits.isEmpty()) {
      return OptionalLong.empty();
    }

    long value = 0;
    for (int i = 0; i < digits.length(); i++) {
      int digit = asciiDigit(digits.charAt(i), radix);
      if (digit < 0) {
        return OptionalLong.empty();
      }
      value = value * radix + digit;
      if (value > IPV4_MAX) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.of(value);
  }

  private static int asciiDigit(char c, int radix) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return -1;
    }
    return digit < radix ? digit : -1;
  }

  /**
   * Four decimal parts of 0 to 255. Leading zeros are refused, since C would read them as octal and
   * Java as decimal. This is also the only IPv4 form allowed inside IPv6 text.
   */
  private static Optional<byte[]> dottedQuad(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }

    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.length() > 3 || (part.length() > 1 && part.startsWith("0"))) {
        return Optional.empty();
      }
      OptionalLong value = number(part, 10);
      if (value.isEmpty() || value.getAsLong() > 0xFF) {
        return Optional.empty();
      }
      bytes[i] = (byte) value.getAsLong();
    }
    return Optional.of(bytes);
  }

  /**
   * IPv6 with an optional zone ({@code fe80::1%eth0}, or {@code %25eth0} as URLs escape the percent
   * sign). The zone only picks an interface, so it plays no part in the judgement.
   */
  private static Optional<byte[]> ipv6WithZone(String text) {
    int zone = text.indexOf('%');
    return ipv6(zone < 0 ? text : text.substring(0, zone));
  }

  /** IPv6 text per RFC 4291: eight hex groups, at most one {@code ::}, maybe a dotted quad. */
  private static Optional<byte[]> ipv6(String text) {
    if (text.isEmpty() || text.length() > IPV6_TEXT_MAX) {
      return Optional.empty();
    }

    int gap = text.indexOf("::");
    if (gap < 0) {
      return ipv6Groups(text, true)
          .filter(groups -> groups.length == 8)
          .map(HostLiteral::ipv6Bytes);
    }

    if (text.indexOf("::", gap + 1) >= 0) {
      return Optional.empty();
    }

    return ipv6WithGap(text.substring(0, gap), text.substring(gap + 2));
  }

  /** Groups before and after {@code ::}, which stands for one or more groups of zeros. */
  private static Optional<byte[]> ipv6WithGap(String head, String tail) {
    Optional<int[]> headGroups = head.isEmpty() ? Optional.of(new int[0]) : ipv6Groups(head, false);
    Optional<int[]> tailGroups = tail.isEmpty() ? Optional.of(new int[0]) : ipv6Groups(tail, true);
    if (headGroups.isEmpty() || tailGroups.isEmpty()) {
      return Optional.empty();
    }

    int[] before = headGroups.get();
    int[] after = tailGroups.get();
    if (before.length + after.length > 7) {
      return Optional.empty();
    }

    int[] groups = new int[8];
    System.arraycopy(before, 0, groups, 0, before.length);
    System.arraycopy(after, 0, groups, 8 - after.length, after.length);
    return Optional.of(ipv6Bytes(groups));
  }

  /** Colon-separated groups of one to four hex digits; the last may be a dotted quad. */
  private static Optional<int[]> ipv6Groups(String text, boolean dottedQuadLast) {
    String[] pieces = text.split(":", -1);
    int lastPiece = pieces.length - 1;
    boolean endsInQuad = dottedQuadLast && pieces[lastPiece].indexOf('.') >= 0;
    int hexPieces = endsInQuad ? lastPiece : pieces.length;
    int[] groups = new int[endsInQuad ? pieces.length + 1 : pieces.length];

    for (int i = 0; i < hexPieces; i++) {
      OptionalLong group = pieces[i].length() > 4 ? OptionalLong.empty() : number(pieces[i], 16);
      if (group.isEmpty()) {
        return Optional.empty();
      }
      groups[i] = (int) group.getAsLong();
    }

    if (endsInQuad) {
      Optional<byte[]> quad = dottedQuad(pieces[lastPiece]);
      if (quad.isEmpty()) {
        return Optional.empty();
      }
      byte[] b = quad.get();
      groups[lastPiece] = (b[0] & 0xFF) << 8 | (b[1] & 0xFF);
      groups[lastPiece + 1] = (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    return Optional.of(groups);
  }

  private static byte[] ipv6Bytes(int[] groups) {
    byte[] bytes = new byte[16];
    for (int i = 0; i < 8; i++) {
      bytes[2 * i] = (byte) (groups[i] >>> 8);
      bytes[2 * i + 1] = (byte) groups[i];
    }
    return bytes;
  }

  /** RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as ::. */
  private static String formatIpv6(byte[] bytes) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (bytes[2 * i] & 0xFF) << 8 | (bytes[2 * i + 1] & 0xFF);
    }

    int gapStart = -1;
    int gapLength = 1;
    for (int i = 0; i < 8; i++) {
      int run = 0;
      while (i + run < 8 && groups[i + run] == 0) {
        run++;
      }
      if (run > gapLength) {
        gapStart = i;
        gapLength = run;
      }
    }

    return joinGroups(groups, gapStart, gapLength);
  }

  private static String joinGroups(int[] groups, int gapStart, int gapLength) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == gapStart) {
        text.append("::");
        i += gapLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }
}
