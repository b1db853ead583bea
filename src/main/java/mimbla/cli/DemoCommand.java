package mimbla.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import mimbla.Mimbla;
import mimbla.business.Business;
import mimbla.business.Businesses;
import mimbla.config.RawSettings;
import mimbla.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    description = {
      "Start a demo server: SQLite in ./data, sandbox payments, fixed demo rates.",
      "Creates a business named 'demo' on first run and prints its API key and a curl command."
    })
final class DemoCommand implements Callable<Integer> {
  static final String BUSINESS = "demo";
  static final String KEY_FILE = "demo-api-key.txt";

  /**
   * Loopback and private ranges: a demo's webhook receiver usually runs on the same machine or
   * network. A production server refuses them unless webhooks.allow-ranges lists them.
   */
  static final String DEMO_ALLOWED_RANGES =
      "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7";

  @Mixin ConfigOption config;

  @Option(names = "--port", description = "Port to listen on (default 8080).")
  Integer port;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Data folder (default ./data).")
  Path dataDir;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    RawSettings raw = config.load(DemoCommand::demoDefaults);
    if (port != null) {
      raw.with("server.port", port.toString(), "--port");
      if (raw.isDefault("server.public-url")) {
        raw.with("server.public-url", "http://localhost:" + port, "--port");
      }
    }
    if (dataDir != null) {
      raw.with("data.dir", dataDir.toString(), "--data-dir");
    }
    Settings settings = Settings.from(raw);
    return Running.serve(settings, mimbla -> greet(mimbla, settings));
  }

  /** What makes a demo a demo; a configuration file or the environment can still change it. */
  private static RawSettings demoDefaults(RawSettings raw) {
    return raw.with("sandbox.enabled", "true", "demo")
        .with("rates.provider", "fixed", "demo")
        .with("payments.poll-interval", "1s", "demo")
        .with("invoices.expiry-interval", "5s", "demo")
        .with("webhooks.allow-ranges", DEMO_ALLOWED_RANGES, "demo");
  }

  private void greet(Mimbla mimbla, Settings settings) {
    DemoKey key = demoKey(mimbla.businesses(), settings.dataDir());
    String base = "http://localhost:" + mimbla.port();
    String api = base + "/api/v1/merchant";
    PrintWriter out = spec.commandLine().getOut();

    out.printf(
        "%nMimbla demo server at %s%s%n%n",
        base, mimbla.sandbox().isPresent() ? " (sandbox: payments are play money)" : "");
    out.printf("  Business:   %s%n", key.business().name());
    out.printf(
        "  API key:    %s%s%n",
        key.apiKey(),
        key.fresh() ? "   (new; kept in " + settings.dataDir().resolve(KEY_FILE) + ")" : "");
    out.printf("  Client id:  %s%n%n", key.business().clientId());
    out.printf("Create an invoice:%n");
    out.printf(
        "  %s%n%n", curl("POST", api + "/invoice", key, "{\"amount\": 25, \"crypto\": \"ALL\"}"));
    out.printf("Request a BTC payment for it (ID is the \"id\" of the answer above):%n");
    out.printf("  %s%n%n", curl("POST", api + "/invoice/rp/ID", key, "{\"crypto\": \"BTC\"}"));
    out.printf("Pay it with play money, then read the invoice:%n");
    out.printf("  ./mimbla sandbox pay ADDRESS AMOUNT --server %s%n", base);
    out.printf("  %s%n%n", curl("GET", api + "/invoice/ID", key, null));
    out.printf(
        "Or open the invoice_url in a browser and pay with the sandbox button there.%n"
            + "The dashboard: %s/dashboard (sign in with the API key above).%n%n",
        base);
    out.printf(
        "Webhooks may reach this machine and private networks (demo setting"
            + " webhooks.allow-ranges = %s).%nTest a webhook URL the way a notification goes:%n",
        settings.webhooks().allowedRanges().stream()
            .map(Object::toString)
            .collect(Collectors.joining(",")));
    out.printf(
        "  %s%n%n",
        curl("POST", api + "/webhook/test", key, "{\"url\": \"http://127.0.0.1:9000/paid\"}"));
    out.printf("Press Ctrl-C to stop.%n");
    out.flush();
  }

  /** A curl command line a user can paste as it is. */
  private static String curl(String method, String url, DemoKey key, String json) {
    String command = "curl -s" + (method.equals("GET") ? "" : " -X " + method) + " " + url;
    if (json != null) {
      command += " -H 'Content-Type: application/json'";
    }
    command += " -H 'MB-API-KEY: " + key.apiKey() + "'";
    return json == null ? command : command + " -d '" + json + "'";
  }

  record DemoKey(Business business, String apiKey, boolean fresh) {}

  /**
   * The demo business's key. Keys are stored only as hashes, so the demo keeps its own key in a
   * file of the data folder (readable by the owner only) to print it again on the next start.
   */
  static DemoKey demoKey(Businesses businesses, Path dataDir) {
    Path keyFile = dataDir.resolve(KEY_FILE);
    Optional<Business> existing = businesses.byName(BUSINESS);
    if (existing.isPresent()) {
      Optional<String> saved = readKey(keyFile);
      if (saved.isPresent() && businesses.authenticate(saved.get()).isPresent()) {
        return new DemoKey(existing.get(), saved.get(), false);
      }
      Businesses.Issued issued = businesses.issueKey(BUSINESS);
      writeKey(keyFile, issued.apiKey());
      return new DemoKey(issued.business(), issued.apiKey(), true);
    }
    Businesses.Issued issued = businesses.create(BUSINESS, Set.of());
    writeKey(keyFile, issued.apiKey());
    return new DemoKey(issued.business(), issued.apiKey(), true);
  }

  private static Optional<String> readKey(Path keyFile) {
    try {
      return Files.exists(keyFile)
          ? Optional.of(Files.readString(keyFile, StandardCharsets.UTF_8).strip())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static void writeKey(Path keyFile, String key) {
    try {
      Files.deleteIfExists(keyFile);
      Files.createFile(
          keyFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(keyFile, key + "\n", StandardCharsets.UTF_8);
    } catch (IOException | UnsupportedOperationException e) {
      throw new CliException(
          "cannot save the demo API key in " + keyFile + ": " + e.getMessage(), e);
    }
  }
}
