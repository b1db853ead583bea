package mimbla.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every pair of text and background colours the style sheet uses has at least the 4.5:1 contrast
 * WCAG AA asks of normal text, computed from the colours the style sheet really defines.
 */
class ContrastTest {
  private static final Pattern VARIABLE = Pattern.compile("--([a-z-]+):\\s*(#[0-9a-fA-F]{6})");

  static Map<String, String> colours() throws IOException {
    try (InputStream in = ContrastTest.class.getResourceAsStream("/web/mimbla.css")) {
      String css = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> colours = new HashMap<>();
      Matcher matcher = VARIABLE.matcher(css);
      while (matcher.find()) {
        colours.put(matcher.group(1), matcher.group(2));
      }
      colours.put("white", "#ffffff");
      colours.put("sandbox", "#5b2c83");
      assertThat(css).contains("#5b2c83");
      return colours;
    }
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource({
    "ink, paper",
    "ink, wash",
    "muted, paper",
    "muted, wash",
    "accent, paper",
    "accent-ink, accent",
    "ok, ok-wash",
    "warn, warn-wash",
    "bad, bad-wash",
    "white, sandbox",
    "sandbox, paper",
    "white, ink"
  })
  void textIsReadableOnItsBackground(String text, String background) throws IOException {
    Map<String, String> colours = colours();
    assertThat(colours).containsKeys(text, background);
    assertThat(ratio(colours.get(text), colours.get(background))).isGreaterThanOrEqualTo(4.5);
  }

  static double ratio(String a, String b) {
    double la = luminance(a);
    double lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  private static double luminance(String hex) {
    int rgb = Integer.parseInt(hex.substring(1), 16);
    return 0.2126 * channel(rgb >> 16 & 0xff)
        + 0.7152 * channel(rgb >> 8 & 0xff)
        + 0.0722 * channel(rgb & 0xff);
  }

  private static double channel(int value) {
    double c = value / 255.0;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
}
