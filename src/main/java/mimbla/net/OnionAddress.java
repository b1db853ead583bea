package mimbla.net;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks a {@code .onion} host the way Tor reads a version 3 address: 56 base32 characters that
 * decode to a public key, a two-byte checksum and the version byte 3. A mistyped address fails its
 * checksum here, at invoice creation, rather than as a lookup failure at delivery.
 */
public final class OnionAddress {
  private static final String SUFFIX = ".onion";
  private static final int V3_LENGTH = 56;
  private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

  private OnionAddress() {}

  static boolean isOnion(String host) {
    return host.toLowerCase(Locale.ROOT).endsWith(SUFFIX);
  }

  /** Why this {@code .onion} host is not a valid v3 address, or empty if it is. */
  public static Optional<String> problem(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    name = name.substring(0, name.length() - SUFFIX.length());
    // Tor accepts subdomains (www.<address>.onion) and uses the last label.
    String label = name.substring(name.lastIndexOf('.') + 1);

    if (label.length() == 16) {
      return Optional.of("is a version 2 onion address, which Tor no longer supports");
    }
    if (label.length() != V3_LENGTH || !label.chars().allMatch(c -> BASE32.indexOf(c) >= 0)) {
      return Optional.of(
          "is not a version 3 onion address (56 characters a-z and 2-7, then .onion)");
    }

    byte[] decoded = base32(label);
    byte[] key = Arrays.copyOfRange(decoded, 0, 32);
    byte version = decoded[34];
    if (version != 3) {
      return Optional.of("is not a version 3 onion address (its version byte is " + version + ")");
    }
    byte[] expected = Arrays.copyOf(checksum(key, version), 2);
    if (!Arrays.equals(expected, Arrays.copyOfRange(decoded, 32, 34))) {
      return Optional.of("is not a valid onion address: its checksum does not match (a typo?)");
    }
    return Optional.empty();
  }

  /** The address of an ed25519 public key (32 bytes), as Tor derives it. */
  public static String of(byte[] publicKey) {
    byte[] raw = new byte[35];
    System.arraycopy(publicKey, 0, raw, 0, 32);
    System.arraycopy(checksum(publicKey, (byte) 3), 0, raw, 32, 2);
    raw[34] = 3;
    return base32(raw) + SUFFIX;
  }

  private static byte[] checksum(byte[] key, byte version) {
    try {
      MessageDigest sha3 = MessageDigest.getInstance("SHA3-256");
      sha3.update(".onion checksum".getBytes(StandardCharsets.US_ASCII));
      sha3.update(key);
      sha3.update(version);
      return sha3.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA3-256 is part of every Java 9+ runtime", e);
    }
  }

  /** 56 characters of 5 bits are exactly 35 bytes: no padding to handle. */
  private static byte[] base32(String text) {
    byte[] bytes = new byte[text.length() * 5 / 8];
    long buffer = 0;
    int bits = 0;
    int at = 0;
    for (char c : text.toCharArray()) {
      buffer = (buffer << 5) | BASE32.indexOf(c);
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        bytes[at++] = (byte) (buffer >> bits);
      }
    }
    return bytes;
  }

  private static String base32(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    long buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        bits -= 5;
        text.append(BASE32.charAt((int) (buffer >> bits) & 31));
      }
    }
    return text.toString();
  }
}
