package mimbla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import mimbla.testing.Receiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mimbla webhook test URL}: one GET sent as a notification goes, and its outcome. */
class WebhookCommandTest {
  @TempDir Path folder;

  record Run(int exitCode, String out, String err) {}

  Run webhookTest(String url, String allowRanges) throws IOException {
    Path config = folder.resolve("test.properties");
    Files.writeString(
        config, "webhooks.allow-ranges = " + allowRanges + "\nwebhooks.timeout = 2s\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "webhook",
            "test",
            "--config",
            config.toString(),
            url);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void anAnswerOfAnyStatusExitsZeroAndSaysWhatCame() throws IOException {
    try (Receiver receiver = Receiver.start().answer(404)) {
      Run run = webhookTest(receiver.url("/hook?x=1"), "127.0.0.0/8");

      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).startsWith("answered 404 in ").contains("(route direct)");
      assertThat(receiver.awaitRequest(Duration.ofSeconds(5)).raw())
          .isEqualTo(
              "GET /hook?x=1 HTTP/1.1\r\nHost: 127.0.0.1:"
                  + receiver.port()
                  + "\r\nConnection: close\r\n\r\n");
    }
  }

  @Test
  void noAnswerExitsOneWithTheErrorKind() throws IOException {
    Run run = webhookTest("http://127.0.0.1:" + Receiver.refusingPort() + "/", "127.0.0.0/8");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).startsWith("no answer: refused: ");
  }

  @Test
  void theAddressGuardOfTheConfigurationApplies() throws IOException {
    try (Receiver receiver = Receiver.start()) {
      Run run = webhookTest(receiver.url("/"), "");

      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).startsWith("no answer: blocked: ").contains("loopback");
      assertThat(receiver.connections()).isZero();
    }
  }

  @Test
  void aBadSettingOrAMissingUrlIsAUsageError() throws IOException {
    assertThat(webhookTest("http://example.com/", "10.0.0.0/99").exitCode()).isEqualTo(2);

    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(new StringWriter()), new PrintWriter(err, true), "webhook", "test");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("URL");
  }
}
