package mimbla.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What every page must be: under the strict policy, with nothing inline that it would block. */
final class HtmlChecks {
  private static final Pattern SCRIPT =
      Pattern.compile("<script\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
  private static final Pattern HANDLER =
      Pattern.compile("<[^>]*\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
  private static final Pattern STYLE_ATTRIBUTE =
      Pattern.compile("<[^>]*\\sstyle\\s*=", Pattern.CASE_INSENSITIVE);

  private HtmlChecks() {}

  static void strict(Browserless.Page page) {
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.header("Content-Security-Policy"))
        .startsWith("default-src 'self'")
        .doesNotContain("unsafe-inline")
        .doesNotContain("unsafe-eval");
    assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");

    Matcher script = SCRIPT.matcher(page.body());
    while (script.find()) {
      assertThat(script.group(1)).as("every script is a file").contains("src=\"/assets/");
    }
    assertThat(page.body()).doesNotContainIgnoringCase("<style");
    assertThat(HANDLER.matcher(page.body()).find()).as("inline event handler").isFalse();
    assertThat(STYLE_ATTRIBUTE.matcher(page.body()).find()).as("style attribute").isFalse();
    assertThat(page.body())
        .doesNotContainPattern("(?i)(href|src|action)\\s*=\\s*\"\\s*javascript:");
  }

  /** Every form field has a label: an input's id is named by some {@code <label for>}. */
  static void labelled(String body) {
    Matcher input =
        Pattern.compile("<(input|select|textarea)\\b([^>]*)>", Pattern.CASE_INSENSITIVE)
            .matcher(body);
    while (input.find()) {
      String attributes = input.group(2);
      if (attributes.contains("type=\"hidden\"") || attributes.contains("type=\"submit\"")) {
        continue;
      }
      Matcher id = Pattern.compile("id=\"([^\"]+)\"").matcher(attributes);
      assertThat(id.find()).as("a field without id: " + input.group()).isTrue();
      assertThat(body).as("label for " + id.group(1)).contains("for=\"" + id.group(1) + "\"");
    }
  }
}
