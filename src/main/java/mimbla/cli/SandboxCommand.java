package mimbla.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import mimbla.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Play-money payments, sent to a running server's sandbox API: the server decides whether its
 * sandbox is enabled, so this refuses exactly when {@code POST /api/v1/sandbox/pay} does.
 */
@Command(
    name = "sandbox",
    description = "Pay sandbox addresses with play money (only on a server with sandbox enabled).",
    subcommands = {SandboxCommand.Pay.class, SandboxCommand.Mine.class})
final class SandboxCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the server listens, from --server or else the configured host and port. */
  static final class ServerOption {
    @Mixin ConfigOption config;

    @Option(
        names = "--server",
        paramLabel = "URL",
        description =
            "The server's base URL (default: from the configuration, http://localhost:8080).")
    URI server;

    URI base() {
      if (server == null) {
        return Settings.localUrl(config.load());
      }
      String scheme = server.getScheme() == null ? "" : server.getScheme();
      if (!(scheme.equals("http") || scheme.equals("https")) || server.getHost() == null) {
        throw new CliException("--server must be an http:// or https:// URL, not " + server, true);
      }
      return server;
    }
  }

  static int post(CommandSpec spec, URI base, String path, Map<String, Object> body) {
    PrintWriter out = spec.commandLine().getOut();
    try {
      HttpRequest request =
          HttpRequest.newBuilder(base.resolve(path))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
              .build();
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(request, HttpResponse.BodyHandlers.ofString());
      out.println(response.body());
      out.flush();
      if (response.statusCode() >= 300) {
        throw new CliException("the server refused: HTTP " + response.statusCode(), false);
      }
      return 0;
    } catch (IOException e) {
      throw new CliException("cannot reach the server at " + base + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted", e);
    }
  }

  @Command(name = "pay", description = "Send play money to a sandbox address.")
  static final class Pay implements Callable<Integer> {
    @Mixin ServerOption server;

    @Parameters(index = "0", paramLabel = "ADDRESS", description = "A sandbox payment address.")
    String address;

    @Parameters(
        index = "1",
        paramLabel = "AMOUNT",
        description = "Amount in coins, e.g. 0.00038462.")
    BigDecimal amount;

    @Option(
        names = "--confirmations",
        paramLabel = "N",
        description =
            "Confirmations the transfer starts with (default: as many as the crypto needs).")
    Integer confirmations;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("address", address);
      body.put("amount", amount);
      if (confirmations != null) {
        body.put("confirmations", confirmations);
      }
      return post(spec, server.base(), "/api/v1/sandbox/pay", body);
    }
  }

  @Command(name = "mine", description = "Add confirmations to every sandbox transfer.")
  static final class Mine implements Callable<Integer> {
    @Mixin ServerOption server;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "BLOCKS",
        description = "Blocks to mine (default 1).")
    int blocks = 1;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      return post(spec, server.base(), "/api/v1/sandbox/mine", Map.of("blocks", blocks));
    }
  }
}
