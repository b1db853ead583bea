package mimbla.ids;

import java.security.SecureRandom;

/** Unguessable text from a cryptographic random source: slugs, keys, client ids, addresses. */
public final class RandomText {
  public static final String BASE62 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private static final SecureRandom RANDOM = new SecureRandom();

  private RandomText() {}

  /** {@code length} characters drawn uniformly from {@code alphabet}. */
  public static String of(int length, String alphabet) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  public static String base62(int length) {
    return of(length, BASE62);
  }
}
