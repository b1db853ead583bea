package mimbla.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import mimbla.Mimbla;
import mimbla.config.Settings;
import mimbla.net.Outcome;
import mimbla.net.Resolver;
import mimbla.net.TorMode;
import mimbla.net.WebhookClient;
import mimbla.tor.Tor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Webhook tools. */
@Command(
    name = "webhook",
    description = "Webhook tools.",
    subcommands = {WebhookCommand.Test.class})
final class WebhookCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Sends one GET to a URL exactly as a notification would go, with this configuration's timeouts
   * and allowed ranges, and says what came of it. No server needs to run.
   */
  @Command(
      name = "test",
      description =
          "Send one test GET to URL the way a paid invoice's notification goes, and report the"
              + " outcome. Exit code 0 when an HTTP answer (any status) arrived, 1 when none did.")
  static final class Test implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "URL", description = "The webhook URL to test.")
    String url;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Settings.Webhooks settings = Settings.webhooks(config.load());
      PrintWriter out = spec.commandLine().getOut();
      Optional<Tor> tor = startTor(settings.tor(), out);
      Outcome outcome;
      try (WebhookClient client =
          WebhookClient.create(
              settings.connectTimeout(),
              settings.timeout(),
              settings.allowedRanges(),
              Resolver.system(),
              Clock.systemUTC(),
              Mimbla.torAccess(settings.tor(), tor))) {
        outcome = client.send(url, "webhook-test");
      } finally {
        tor.ifPresent(Tor::close);
      }

      String took = "%.1f ms".formatted(outcome.duration().toNanos() / 1e6);
      if (outcome.httpStatus().isPresent()) {
        out.printf(
            "answered %d in %s (route %s)%n",
            outcome.httpStatus().getAsInt(), took, outcome.route());
        return 0;
      }
      Outcome.Failure failure = outcome.failure().orElseThrow();
      out.printf(
          "no answer: %s: %s, after %s (route %s)%n",
          failure.kind(), failure.message(), took, outcome.route());
      return 1;
    }

    /**
     * The Tor a notification would use. A launched tor gets a folder of its own, since a running
     * server's tor holds the usual one.
     */
    private static Optional<Tor> startTor(Settings.Tor settings, PrintWriter out) {
      if (settings.mode() == TorMode.OFF) {
        return Optional.empty();
      }
      if (!settings.launch()) {
        return Optional.of(Tor.start(settings));
      }
      out.printf(
          "launching tor for this test (tor.launch = true); waiting up to %d s for it to"
              + " bootstrap%n",
          settings.bootstrapTimeout().toSeconds());
      out.flush();
      return Optional.of(
          Tor.start(settings.inFolder(settings.folder().resolveSibling("tor-test"))));
    }
  }
}
