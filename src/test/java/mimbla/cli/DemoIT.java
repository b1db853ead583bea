package mimbla.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mimbla.testing.Http;
import mimbla.testing.Receiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server as a user runs it: {@code mimbla demo} in its own process, the curl command
 * it prints run by a shell, a payment made with {@code mimbla sandbox pay}, and the {@code
 * ./mimbla} launcher's search for a JDK.
 */
class DemoIT {
  static final Path JAR = Path.of(System.getProperty("mimbla.jar", "target/mimbla.jar"));
  static final Path ROOT = Path.of(System.getProperty("mimbla.root", "."));
  static final String JAVA = ProcessHandle.current().info().command().orElse("java");

  @TempDir Path folder;
  final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (Process process : started) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** The command line that runs the packaged server with these arguments. */
  static List<String> mimbla(String... args) {
    List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    return command;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  Process launch(List<String> command, Map<String, String> environment) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(folder.toFile())
            .redirectError(folder.resolve("server-" + started.size() + ".log").toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    started.add(process);
    return process;
  }

  /** Reads the demo's standard output up to its last line of instructions. */
  static String greeting(Process demo) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder text = new StringBuilder();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (String line; (line = out.readLine()) != null; ) {
      text.append(line).append('\n');
      if (line.startsWith("Press Ctrl-C") || System.nanoTime() > deadline) {
        return text.toString();
      }
    }
    throw new AssertionError("demo ended early (its log is in server-N.log):\n" + text);
  }

  static String find(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    assertThat(matcher.find()).as(regex + " in\n" + text).isTrue();
    return matcher.group(1);
  }

  static String run(List<String> command, Path directory, Map<String, String> environment)
      throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return process.exitValue() + "\n" + output;
  }

  /** Pays a requested payment with {@code mimbla sandbox pay}; returns exit code and output. */
  String sandboxPay(Http.Answer payment, int port) throws Exception {
    return run(
        mimbla(
            "sandbox",
            "pay",
            payment.text("address"),
            payment.text("amount"),
            "--server",
            "http://localhost:" + port),
        folder,
        Map.of());
  }

  @Test
  void demoPrintsAWorkingCurlAndASandboxPaymentPaysTheInvoice() throws Exception {
    int port = freePort();
    Process demo = launch(mimbla("demo", "--port", String.valueOf(port)), Map.of());
    String greeting = greeting(demo);

    String key = find(greeting, "API key:\\s+([A-Za-z0-9]{40})");
    assertThat(find(greeting, "Client id:\\s+([A-Za-z0-9]{24})")).isNotBlank();
    assertThat(greeting).contains("sandbox");
    assertThat(Files.readString(folder.resolve("data/demo-api-key.txt")).strip()).isEqualTo(key);
    assertThat(Files.exists(folder.resolve("data/mimbla.db"))).isTrue();

    String curl = find(greeting, "(?m)^\\s+(curl -s -X POST \\S+/invoice -H .*)$");
    String created = run(List.of("bash", "-c", curl), folder, Map.of());
    assertThat(created).startsWith("0\n");
    String slug = Http.parse(created.substring(2)).get("id").asText();

    Http merchant = new Http("http://127.0.0.1:" + port).with("MB-API-KEY", key);
    var payment = merchant.post("/api/v1/merchant/invoice/rp/" + slug, "{\"crypto\": \"LTC\"}");
    assertThat(payment.status()).as(payment.toString()).isEqualTo(201);

    assertThat(sandboxPay(payment, port)).startsWith("0\n").contains("\"confirmations\":6");

    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!merchant.get("/api/v1/merchant/invoice/" + slug).text("status").equals("paid")) {
      assertThat(System.nanoTime()).as("invoice paid within 20 s").isLessThan(deadline);
      Thread.sleep(100);
    }
    assertThat(
            merchant.get("/api/v1/merchant/invoice/" + slug).json().at("/payment/status").asText())
        .isEqualTo("paid");

    // The packaged jar carries the compiled templates and the pages' files.
    Http browser = new Http("http://127.0.0.1:" + port);
    var page = browser.get("/pay/" + slug);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.body()).contains("Paid. Thank you!", "/assets/mimbla.css", "/assets/pay.js");
    assertThat(browser.get("/assets/mimbla.css").contentType()).startsWith("text/css");
    assertThat(browser.get("/assets/pay.js").status()).isEqualTo(200);
    assertThat(browser.get("/dashboard/sign-in").body()).contains("API key");
    assertThat(greeting).contains("http://localhost:" + port + "/dashboard");

    demo.destroy();
    assertThat(demo.waitFor(20, TimeUnit.SECONDS)).as("demo stops on SIGTERM").isTrue();

    Process again = launch(mimbla("demo", "--port", String.valueOf(port)), Map.of());
    String second = greeting(again);
    assertThat(find(second, "API key:\\s+([A-Za-z0-9]{40})")).isEqualTo(key);
    assertThat(second).doesNotContain("(new;");
  }

  @Test
  void theDemoNotifiesAReceiverOnThisMachine() throws Exception {
    int port = freePort();
    String greeting = greeting(launch(mimbla("demo", "--port", String.valueOf(port)), Map.of()));
    String key = find(greeting, "API key:\\s+([A-Za-z0-9]{40})");
    assertThat(greeting).contains("webhooks.allow-ranges = 127.0.0.0/8,");

    try (Receiver receiver = Receiver.start()) {
      String probe =
          find(greeting, "(?m)^\\s+(curl -s -X POST \\S+/webhook/test -H .*)$")
              .replace("http://127.0.0.1:9000/paid", receiver.url("/probe"));
      String probed = run(List.of("bash", "-c", probe), folder, Map.of());
      assertThat(probed).startsWith("0\n").contains("\"reachable\":true", "\"status\":200");
      assertThat(receiver.awaitRequest(Duration.ofSeconds(10)).path()).isEqualTo("/probe");

      Http merchant = new Http("http://127.0.0.1:" + port).with("MB-API-KEY", key);
      String body = "{\"amount\": 25, \"crypto\": \"BTC\", \"webhook_url\": \"%s\"}";
      String slug =
          merchant
              .post("/api/v1/merchant/invoice", body.formatted(receiver.url("/paid/1")))
              .text("id");
      var payment = merchant.post("/api/v1/merchant/invoice/rp/" + slug, "");
      assertThat(sandboxPay(payment, port)).startsWith("0\n");

      Receiver.Received notification = receiver.awaitRequest(Duration.ofSeconds(30));
      assertThat(notification.raw())
          .isEqualTo(
              "GET /paid/1 HTTP/1.1\r\nHost: 127.0.0.1:"
                  + receiver.port()
                  + "\r\nConnection: close\r\n\r\n");
    }
  }

  @Test
  void aSecondServerOnTheSamePortSaysThePortIsInUse() throws Exception {
    int port = freePort();
    greeting(launch(mimbla("demo", "--port", String.valueOf(port)), Map.of()));

    String second =
        run(
            mimbla("demo", "--port", String.valueOf(port), "--data-dir", "other"),
            folder,
            Map.of());

    assertThat(second).startsWith("1\n").contains("port is in use").doesNotContain("\tat ");
  }

  @Test
  void sandboxPayWithoutAServerSaysSo() throws Exception {
    String output =
        run(
            mimbla(
                "sandbox",
                "pay",
                "bcsandbox1qx",
                "0.1",
                "--server",
                "http://127.0.0.1:" + freePort()),
            folder,
            Map.of());

    assertThat(output).startsWith("1\n").contains("cannot reach the server");
  }

  @Test
  void serveWithTheEmbeddedDefaultsExplainsWhatIsMissing() throws Exception {
    String output = run(mimbla("serve"), folder, Map.of());

    assertThat(output).startsWith("2\n").contains("crypto.BTC.source", "sandbox.enabled = true");
  }

  @Test
  void theLauncherSaysWhatItNeedsWhenNoJdkIsFound() throws Exception {
    String output =
        run(
            List.of(ROOT.resolve("mimbla").toAbsolutePath().toString(), "--version"),
            folder,
            Map.of("JAVA_HOME", "/nonexistent", "MIMBLA_JDK_DIRS", folder.toString()));

    assertThat(output).startsWith("1\n").contains("no JDK 21 or newer found", "JAVA_HOME");
  }

  @Test
  void theLauncherFindsAJdkByItself() throws Exception {
    Path jdk = Path.of(JAVA).getParent().getParent();
    String output =
        run(
            List.of(ROOT.resolve("mimbla").toAbsolutePath().toString(), "--version"),
            folder,
            Map.of(
                "JAVA_HOME", "/nonexistent", "MIMBLA_JDK_DIRS", "/nonexistent:" + jdk.getParent()));

    assertThat(output).startsWith("0\n").contains("mimbla-server");
  }
}
