package mimbla.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import mimbla.net.HostVerdict.Allowed;
import mimbla.net.HostVerdict.Refused;
import mimbla.net.HostVerdict.Unresolved;

/**
 * Keeps webhooks on the public internet. A merchant chooses the webhook URL, so without this guard
 * anyone with a merchant account could make the server fetch its own admin pages, the database next
 * door or the cloud's metadata service (server-side request forgery).
 *
 * <p>Hosts that are, or resolve to, loopback, private, link-local, shared, multicast, reserved,
 * documentation or metadata space are refused, unless the operator allows the range. A name is
 * refused when any one of its addresses is refused, since the client may connect to any of them.
 *
 * <p>Immutable, so one guard serves every thread.
 */
public final class AddressGuard {
  /**
   * IPv4 space webhooks may not reach, with the reason given. The first matching row wins, so a
   * single address comes before the block that holds it.
   */
  private static final List<Blocked> IPV4_BLOCKED =
      List.of(
          blocked("0.0.0.0/32", "unspecified"),
          blocked("0.0.0.0/8", "this network"),
          blocked("10.0.0.0/8", "private"),
          blocked("100.100.100.200/32", "cloud metadata"), // Alibaba Cloud
          blocked("100.64.0.0/10", "CGNAT"),
          blocked("127.0.0.0/8", "loopback"),
          blocked("168.63.129.16/32", "cloud metadata"), // Azure WireServer, a public address
          blocked("169.254.169.254/32", "cloud metadata"), // AWS, GCP, Azure, OpenStack, ...
          blocked("169.254.170.2/32", "cloud metadata"), // AWS ECS task credentials
          blocked("169.254.0.0/16", "link-local"),
          blocked("172.16.0.0/12", "private"),
          blocked("192.0.0.0/24", "reserved"), // IETF protocol assignments
          blocked("192.0.2.0/24", "documentation"),
          blocked("192.88.99.0/24", "6to4 relay anycast"),
          blocked("192.168.0.0/16", "private"),
          blocked("198.18.0.0/15", "benchmarking"),
          blocked("198.51.100.0/24", "documentation"),
          blocked("203.0.113.0/24", "documentation"),
          blocked("224.0.0.0/4", "multicast"),
          blocked("255.255.255.255/32", "broadcast"),
          blocked("240.0.0.0/4", "reserved"));

  /**
   * IPv6 forms that carry an IPv4 address which the packet ends up at. They are judged by that
   * address, so {@code ::ffff:10.0.0.1} is refused as private and {@code ::ffff:8.8.8.8} allowed.
   */
  private static final List<Embedding> IPV4_EMBEDDINGS =
      List.of(
          embedding("::ffff:0:0/96", "IPv4-mapped", 12),
          embedding("64:ff9b::/96", "NAT64", 12),
          embedding("2002::/16", "6to4", 2));

  /** IPv6 space webhooks may not reach; the first matching row wins, as for IPv4. */
  private static final List<Blocked> IPV6_BLOCKED =
      List.of(
          blocked("::/128", "unspecified"),
          blocked("::1/128", "loopback"),
          blocked("::/96", "IPv4-compatible"), // deprecated; nothing public lives there
          blocked("64:ff9b:1::/48", "local NAT64"),
          blocked("100::/64", "discard-only"),
          blocked("2001::/32", "Teredo"),
          blocked("2001::/23", "reserved"), // IETF protocol assignments
          blocked("2001:db8::/32", "documentation"),
          blocked("3fff::/20", "documentation"),
          blocked("fd00:ec2::254/128", "cloud metadata"), // AWS over IPv6
          blocked("fc00::/7", "unique local"),
          blocked("fe80::/10", "link-local"),
          blocked("fec0::/10", "site-local"),
          blocked("ff00::/8", "multicast"));

  /** The only IPv6 space handed out for the public internet; the rest is reserved. */
  private static final IpRange IPV6_GLOBAL_UNICAST = IpRange.parse("2000::/3");

  private static final List<InetAddress> LOOPBACKS =
      List.of(IpRange.parse("127.0.0.1").network(), IpRange.parse("::1").network());

  private final List<IpRange> allowed;

  private AddressGuard(List<IpRange> allowed) {
    this.allowed = allowed;
  }

  /** A guard that lets webhooks reach these ranges although they would be refused otherwise. */
  public static AddressGuard allowing(List<IpRange> allowed) {
    return new AddressGuard(List.copyOf(allowed));
  }

  public List<IpRange> allowed() {
    return allowed;
  }

  /** Why webhooks may not reach this address, such as {@code private}; empty when they may. */
  public Optional<String> refusal(InetAddress address) {
    if (isAllowed(address)) {
      return Optional.empty();
    }

    if (address.getAddress().length == 4) {
      return firstBlocked(IPV4_BLOCKED, address);
    }
    return ipv6Refusal(address);
  }

  /**
   * Whether a URL host may be contacted, and at which addresses. IP literals in any form a resolver
   * or browser would accept ({@code [::1]}, {@code 2130706433}, {@code 0x7f.1}) are judged without
   * DNS; names are resolved and every address they have is judged.
   *
   * @param host the host as written in the URL: a name, or an IP literal, IPv6 in brackets or not
   */
  public HostVerdict check(String host, Resolver resolver) {
    if (host == null || host.isEmpty()) {
      return new Refused("no host");
    }

    Optional<InetAddress> literal = HostLiteral.parse(host);
    if (literal.isPresent()) {
      return checkLiteral(host, literal.get());
    }

    Optional<String> notAName = HostName.problem(host);
    if (notAName.isPresent()) {
      return new Refused(notAName.get());
    }

    if (HostName.isLocalhost(host)) {
      return checkLocalhost(host);
    }
    return checkResolved(host, resolver);
  }

  /**
   * A literal is judged as C reads it. Where Java reads the same text as another address ({@code
   * 010.0.0.1} is 8.0.0.1 to C, 10.0.0.1 to Java), it is refused: an HTTP client that resolves the
   * host again would connect to the Java reading, not the one judged here.
   */
  private HostVerdict checkLiteral(String host, InetAddress address) {
    Optional<String> reason = refusal(address);
    if (reason.isPresent()) {
      return new Refused(literalShown(host, address) + " (" + reason.get() + ")");
    }

    Optional<InetAddress> javaReading = HostLiteral.javaReading(host);
    if (javaReading.isPresent() && !javaReading.get().equals(address)) {
      return new Refused(ambiguity(host, address, javaReading.get()));
    }
    return new Allowed(List.of(address));
  }

  /** RFC 6761 makes these names loopback, so no resolver is asked what they are. */
  private HostVerdict checkLocalhost(String host) {
    List<InetAddress> allowedLoopbacks =
        LOOPBACKS.stream().filter(loopback -> refusal(loopback).isEmpty()).toList();
    if (allowedLoopbacks.isEmpty()) {
      return new Refused(HostName.shown(host) + " is loopback");
    }
    return new Allowed(allowedLoopbacks);
  }

  private HostVerdict checkResolved(String host, Resolver resolver) {
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      return new Unresolved(unresolved(host, e));
    }

    if (addresses == null || addresses.isEmpty()) {
      return new Unresolved("cannot resolve " + HostName.shown(host) + ": no addresses");
    }

    for (InetAddress address : addresses) {
      Optional<String> reason = refusal(address);
      if (reason.isPresent()) {
        return new Refused(resolvedShown(host, address, reason.get()));
      }
    }
    return new Allowed(addresses);
  }

  private boolean isAllowed(InetAddress address) {
    return allowed.stream().anyMatch(range -> range.contains(address));
  }

  /**
   * An address that carries an IPv4 address is judged by it, allow-list included; the rest by the
   * IPv6 table, then refused as reserved when outside global unicast space.
   */
  private Optional<String> ipv6Refusal(InetAddress address) {
    for (Embedding embedding : IPV4_EMBEDDINGS) {
      if (embedding.range().contains(address)) {
        return refusal(embedding.ipv4(address)).map(reason -> embedding.name() + " " + reason);
      }
    }

    Optional<String> blocked = firstBlocked(IPV6_BLOCKED, address);
    if (blocked.isPresent() || IPV6_GLOBAL_UNICAST.contains(address)) {
      return blocked;
    }
    return Optional.of("reserved");
  }

  private static Optional<String> firstBlocked(List<Blocked> table, InetAddress address) {
    return table.stream()
        .filter(row -> row.range().contains(address))
        .map(Blocked::reason)
        .findFirst();
  }

  private static String literalShown(String host, InetAddress address) {
    String canonical = HostLiteral.format(address);
    String written = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (written.equalsIgnoreCase(canonical)) {
      return "address " + canonical;
    }
    return HostName.shown(host) + " means " + canonical;
  }

  private static String ambiguity(String host, InetAddress cReading, InetAddress javaReading) {
    return "%s is ambiguous: %s to C resolvers and browsers, %s to Java"
        .formatted(
            HostName.shown(host), HostLiteral.format(cReading), HostLiteral.format(javaReading));
  }

  private static String resolvedShown(String host, InetAddress address, String reason) {
    return "%s resolves to %s (%s)"
        .formatted(HostName.shown(host), HostLiteral.format(address), reason);
  }

  private static String unresolved(String host, UnknownHostException e) {
    String detail = e.getMessage();
    if (detail == null || detail.equals(host)) {
      return "cannot resolve " + HostName.shown(host);
    }
    return "cannot resolve " + HostName.shown(host) + ": " + detail;
  }

  private static Blocked blocked(String range, String reason) {
    return new Blocked(IpRange.parse(range), reason);
  }

  private static Embedding embedding(String range, String name, int offset) {
    return new Embedding(IpRange.parse(range), name, offset);
  }

  /** A row of a blocked-space table. */
  private record Blocked(IpRange range, String reason) {}

  /** IPv6 space whose addresses carry an IPv4 address in four bytes from {@code offset}. */
  private record Embedding(IpRange range, String name, int offset) {
    InetAddress ipv4(InetAddress address) {
      byte[] bytes = Arrays.copyOfRange(address.getAddress(), offset, offset + 4);
      try {
        return InetAddress.getByAddress(bytes);
      } catch (UnknownHostException impossible) {
        throw new IllegalStateException("four bytes", impossible);
      }
    }
  }
}
