package mimbla.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Digest answer, checked against RFC 7616's own arithmetic; the real wallet is in
 * MoneroRegtestIT.
 */
class DigestAuthTest {
  static final String CHALLENGE =
      "Digest qop=\"auth\",algorithm=MD5,realm=\"monero-rpc\",nonce=\"abc==\",stale=false";

  @Test
  void theAnswerIsTheRfcResponseForTheChallenge() throws Exception {
    String header =
        DigestAuth.authorization(List.of(CHALLENGE), "POST", "/json_rpc", "mimbla", "pw")
            .orElseThrow();

    Map<String, String> fields = fields(header);
    String ha1 = md5("mimbla:monero-rpc:pw");
    String ha2 = md5("POST:/json_rpc");
    String expected = md5(ha1 + ":abc==:00000001:" + fields.get("cnonce") + ":auth:" + ha2);
    assertThat(fields).containsEntry("username", "mimbla").containsEntry("realm", "monero-rpc");
    assertThat(fields).containsEntry("nonce", "abc==").containsEntry("uri", "/json_rpc");
    assertThat(fields.get("response")).isEqualTo(expected);
    assertThat(header).doesNotContain("pw\"");
  }

  @Test
  void onlyMd5WithQopAuthIsAnswered() {
    assertThat(DigestAuth.authorization(List.of("Basic realm=\"x\""), "POST", "/", "u", "p"))
        .isEmpty();
    assertThat(
            DigestAuth.authorization(
                List.of("Digest qop=\"auth-int\",algorithm=MD5,realm=\"r\",nonce=\"n\""),
                "POST",
                "/",
                "u",
                "p"))
        .isEmpty();
    assertThat(
            DigestAuth.authorization(
                List.of(
                    "Digest qop=\"auth\",algorithm=SHA-512-256,realm=\"r\",nonce=\"n\"", CHALLENGE),
                "POST",
                "/",
                "u",
                "p"))
        .get()
        .asString()
        .contains("nonce=\"abc==\"");
  }

  static Map<String, String> fields(String header) {
    Map<String, String> fields = new HashMap<>();
    Matcher matcher = Pattern.compile("(\\w+)=\"?([^\",]*)\"?").matcher(header.substring(7));
    while (matcher.find()) {
      fields.put(matcher.group(1), matcher.group(2));
    }
    return fields;
  }

  static String md5(String text) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
