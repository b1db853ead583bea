package mimbla.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A CIDR block such as {@code 10.0.0.0/8} or {@code fd00::/8}: the operator's way to let webhooks
 * reach space the guard refuses by default, and the guard's own way to write down that space.
 *
 * <p>An IPv4 address and its IPv4-mapped IPv6 form ({@code ::ffff:a.b.c.d}) are one host, so each
 * counts as inside a range that holds the other. Host bits set in the network are cleared: {@code
 * 10.1.2.3/8} is {@code 10.0.0.0/8}.
 *
 * @param network the first address of the block, of the family the range was written in
 * @param prefixLength how many leading bits every address in the block shares with the network
 */
public record IpRange(InetAddress network, int prefixLength) {
  private static final byte[] IPV4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1};

  public IpRange {
    Objects.requireNonNull(network, "network");
    int bits = network.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException(
          "prefix length %d is not from 0 to %d".formatted(prefixLength, bits));
    }

    network = sameFamily(masked(network.getAddress(), prefixLength));
  }

  /**
   * A range as written in configuration: {@code 10.0.0.0/8}, {@code fd00::/8}, or a bare address
   * for that one address. Only literals are read; a name such as {@code localhost} is refused
   * rather than looked up, since what it resolves to can change after start-up.
   *
   * @throws IllegalArgumentException naming the text and what was expected
   */
  public static IpRange parse(String cidr) {
    if (cidr == null) {
      throw new IllegalArgumentException("no IP range given");
    }

    String text = cidr.trim();
    int slash = text.indexOf('/');
    String addressText = slash < 0 ? text : text.substring(0, slash);
    byte[] address =
        HostLiteral.canonicalBytes(addressText)
            .orElseThrow(() -> invalid(cidr, "expected an address like 10.0.0.0 or fd00::"));

    int bits = address.length * 8;
    int prefix = slash < 0 ? bits : prefixLength(cidr, text.substring(slash + 1), bits);
    return new IpRange(sameFamily(address), prefix);
  }

  /**
   * Comma-separated ranges, as an allow-list setting holds them; blank text is no ranges at all.
   *
   * @throws IllegalArgumentException naming the first item that is not a range
   */
  public static List<IpRange> parseList(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      return List.of();
    }
    return Arrays.stream(commaSeparated.split(",", -1)).map(IpRange::parse).toList();
  }

  /** Whether the address lies in this block, IPv4-mapped forms counting as their IPv4 address. */
  public boolean contains(InetAddress address) {
    byte[] networkBytes = network.getAddress();
    Optional<byte[]> candidate = inFamily(address.getAddress(), networkBytes.length);
    return candidate.isPresent() && samePrefix(candidate.get(), networkBytes);
  }

  /** {@code 10.0.0.0/8} or {@code fd00::/8}: the form {@link #parse} reads back. */
  @Override
  public String toString() {
    return HostLiteral.format(network) + "/" + prefixLength;
  }

  private static int prefixLength(String cidr, String digits, int bits) {
    String expected = "expected a prefix length from 0 to " + bits + " after the /";
    if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(IpRange::isDigit)) {
      throw invalid(cidr, expected);
    }

    int prefix = Integer.parseInt(digits);
    if (prefix > bits) {
      throw invalid(cidr, expected);
    }
    return prefix;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static IllegalArgumentException invalid(String cidr, String expected) {
    return new IllegalArgumentException(
        "\"%s\" is not an IP range: %s".formatted(cidr.strip(), expected));
  }

  private static byte[] masked(byte[] address, int prefixLength) {
    byte[] network = address.clone();
    for (int i = 0; i < network.length; i++) {
      int bitsInByte = Math.clamp(prefixLength - 8L * i, 0, 8);
      network[i] &= (byte) (0xFF00 >>> bitsInByte);
    }
    return network;
  }

  private boolean samePrefix(byte[] candidate, byte[] networkBytes) {
    return Arrays.equals(masked(candidate, prefixLength), networkBytes);
  }

  /**
   * The address as bytes of the wanted length: IPv4 as its mapped IPv6 form and back; empty for
   * IPv6 that is not IPv4-mapped when IPv4 is wanted.
   */
  private static Optional<byte[]> inFamily(byte[] address, int length) {
    if (address.length == length) {
      return Optional.of(address);
    }

    if (length == 16) {
      byte[] mapped = Arrays.copyOf(IPV4_MAPPED_PREFIX, 16);
      System.arraycopy(address, 0, mapped, 12, 4);
      return Optional.of(mapped);
    }

    boolean isMapped = Arrays.equals(address, 0, 12, IPV4_MAPPED_PREFIX, 0, 12);
    return isMapped ? Optional.of(Arrays.copyOfRange(address, 12, 16)) : Optional.empty();
  }

  /**
   * An address of the family its bytes were written in. {@link InetAddress#getByAddress} would turn
   * {@code ::ffff:0:0} into an IPv4 address, and a /96 on that into nonsense.
   */
  private static InetAddress sameFamily(byte[] bytes) {
    try {
      return bytes.length == 16
          ? Inet6Address.getByAddress(null, bytes, -1)
          : InetAddress.getByAddress(bytes);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException("an address of " + bytes.length + " bytes", impossible);
    }
  }
}
