package mimbla.chain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP Digest (RFC 7616, MD5, {@code qop=auth}) as {@code monero-wallet-rpc --rpc-login} asks for
 * it. The JDK's own Digest support refuses MD5 since JDK 19 unless re-enabled for the whole
 * process, and MD5 is all the wallet offers; a server-wide switch would weaken every other
 * connection, so the one answer the wallet needs is computed here.
 */
final class DigestAuth {
  private static final Pattern PARAMETER = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]*))");
  private static final SecureRandom RANDOM = new SecureRandom();

  private DigestAuth() {}

  /**
   * The Authorization header answering the first MD5 Digest challenge among {@code challenges} (the
   * WWW-Authenticate headers of a 401), or empty when there is none.
   */
  static Optional<String> authorization(
      List<String> challenges, String method, String uri, String user, String password) {
    for (String challenge : challenges) {
      if (!challenge.regionMatches(true, 0, "Digest ", 0, 7)) {
        continue;
      }
      Map<String, String> parameters = parameters(challenge.substring(7));
      String algorithm = parameters.getOrDefault("algorithm", "MD5");
      String qop = parameters.getOrDefault("qop", "");
      if (!algorithm.equalsIgnoreCase("MD5") || !List.of(qop.split(",")).contains("auth")) {
        continue;
      }
      return Optional.of(answer(parameters, method, uri, user, password));
    }
    return Optional.empty();
  }

  private static String answer(
      Map<String, String> challenge, String method, String uri, String user, String password) {
    String realm = challenge.getOrDefault("realm", "");
    String nonce = challenge.getOrDefault("nonce", "");
    String count = "00000001";
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    String clientNonce = HexFormat.of().formatHex(random);

    String ha1 = md5(user + ":" + realm + ":" + password);
    String ha2 = md5(method + ":" + uri);
    String response = md5(ha1 + ":" + nonce + ":" + count + ":" + clientNonce + ":auth:" + ha2);

    StringBuilder header =
        new StringBuilder("Digest ")
            .append("username=\"")
            .append(user)
            .append("\", ")
            .append("realm=\"")
            .append(realm)
            .append("\", ")
            .append("nonce=\"")
            .append(nonce)
            .append("\", ")
            .append("uri=\"")
            .append(uri)
            .append("\", ")
            .append("algorithm=MD5, qop=auth, nc=")
            .append(count)
            .append(", ")
            .append("cnonce=\"")
            .append(clientNonce)
            .append("\", ")
            .append("response=\"")
            .append(response)
            .append('"');
    if (challenge.containsKey("opaque")) {
      header.append(", opaque=\"").append(challenge.get("opaque")).append('"');
    }
    return header.toString();
  }

  private static Map<String, String> parameters(String text) {
    Map<String, String> parameters = new LinkedHashMap<>();
    Matcher matcher = PARAMETER.matcher(text);
    while (matcher.find()) {
      String value = matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
      parameters.put(matcher.group(1).toLowerCase(Locale.ROOT), value);
    }
    return parameters;
  }

  private static String md5(String text) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      return HexFormat.of().formatHex(md5.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is part of every JDK", e);
    }
  }
}
