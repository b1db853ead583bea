package mimbla.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import mimbla.business.Business;
import mimbla.business.Businesses;
import mimbla.chain.Crypto;
import mimbla.config.Settings;
import mimbla.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Businesses and their API keys, straight in the database the configuration names. */
@Command(
    name = "business",
    description = "Create businesses, issue and revoke their API keys.",
    subcommands = {
      BusinessCommand.Create.class,
      BusinessCommand.Key.class,
      BusinessCommand.Revoke.class,
      BusinessCommand.AllowOrigins.class,
      BusinessCommand.ListAll.class
    })
final class BusinessCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  static <R> R withBusinesses(ConfigOption config, Function<Businesses, R> work) {
    try (Store store = Store.open(Settings.database(config.load()))) {
      return work.apply(new Businesses(store, Clock.systemUTC()));
    }
  }

  static void printIssued(PrintWriter out, Businesses.Issued issued, boolean json, String what) {
    Business business = issued.business();
    if (json) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("id", business.id());
      fields.put("name", business.name());
      fields.put("client_id", business.clientId());
      fields.put("api_key", issued.apiKey());
      fields.put("key_prefix", issued.keyPrefix());
      fields.put(
          "cryptos",
          business.cryptos().isEmpty() ? List.of("ALL") : EnumSet.copyOf(business.cryptos()));
      out.println(JSON.valueToTree(fields).toPrettyString());
    } else {
      out.printf("%s%n", what);
      out.printf("  id:         %s%n", business.id());
      out.printf("  client id:  %s%n", business.clientId());
      out.printf("  API key:    %s%n", issued.apiKey());
      out.printf(
          "  (shown once: only its hash is stored. Revoke it with:"
              + " ./mimbla business revoke %s)%n",
          issued.keyPrefix());
    }
    out.flush();
  }

  @Command(name = "create", description = "Create a business and its first API key.")
  static final class Create implements Runnable {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "NAME", description = "A unique name, 1 to 100 characters.")
    String name;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(
        names = "--cryptos",
        split = ",",
        paramLabel = "CRYPTO",
        description =
            "Cryptos the business accepts, e.g. BTC,XMR (default: all the server offers).")
    List<String> cryptos = List.of();

    @Spec CommandSpec spec;

    @Override
    public void run() {
      Set<Crypto> accepted = EnumSet.noneOf(Crypto.class);
      for (String symbol : cryptos) {
        accepted.add(
            Crypto.bySymbol(symbol.strip())
                .orElseThrow(
                    () ->
                        new CliException(
                            "--cryptos: " + symbol + " is not one of BTC, BCH, LTC, XMR", true)));
      }
      Businesses.Issued issued =
          withBusinesses(config, businesses -> businesses.create(name, accepted));
      printIssued(
          spec.commandLine().getOut(),
          issued,
          json,
          "Business \"" + issued.business().name() + "\" created.");
    }
  }

  @Command(name = "key", description = "Issue another API key for a business.")
  static final class Key implements Runnable {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "NAME", description = "The business's name.")
    String name;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public void run() {
      Businesses.Issued issued = withBusinesses(config, businesses -> businesses.issueKey(name));
      printIssued(spec.commandLine().getOut(), issued, json, "New API key for \"" + name + "\".");
    }
  }

  @Command(name = "revoke", description = "Revoke an API key; requests with it get 401 at once.")
  static final class Revoke implements Runnable {
    @Mixin ConfigOption config;

    @Parameters(
        paramLabel = "KEY_PREFIX",
        description = "The key's first 8 characters (or the key).")
    String prefix;

    @Spec CommandSpec spec;

    @Override
    public void run() {
      Business business = withBusinesses(config, businesses -> businesses.revoke(prefix));
      spec.commandLine()
          .getOut()
          .printf(
              "Revoked key %s of \"%s\".%n",
              prefix.substring(0, Businesses.PREFIX_LENGTH), business.name());
    }
  }

  @Command(
      name = "origins",
      description =
          "Show or set the web origins allowed to use the business's client id with the browser"
              + " SDK API. Without any, the SDK API refuses the business.")
  static final class AllowOrigins implements Runnable {
    @Mixin ConfigOption config;

    @Parameters(index = "0", paramLabel = "NAME", description = "The business's name.")
    String name;

    @Parameters(
        index = "1..*",
        paramLabel = "ORIGIN",
        description = "Origins such as https://shop.example; they replace the current list.")
    List<String> origins = List.of();

    @Option(names = "--clear", description = "Allow no origin: turns the SDK API off.")
    boolean clear;

    @Spec CommandSpec spec;

    @Override
    public void run() {
      if (clear && !origins.isEmpty()) {
        throw new CliException("--clear takes no origins", true);
      }
      List<String> shown =
          withBusinesses(
              config,
              businesses -> {
                if (clear || !origins.isEmpty()) {
                  return businesses.allowOrigins(name, origins);
                }
                Business business =
                    businesses
                        .byName(name)
                        .orElseThrow(
                            () -> new CliException("No business named \"" + name + "\"", false));
                return businesses.origins(business.id());
              });
      PrintWriter out = spec.commandLine().getOut();
      if (shown.isEmpty()) {
        out.printf("\"%s\" allows no origin: the SDK API refuses its client id.%n", name);
      } else {
        out.printf("\"%s\" allows the SDK API from:%n", name);
        shown.forEach(origin -> out.printf("  %s%n", origin));
      }
      out.flush();
    }
  }

  @Command(name = "list", description = "List businesses.")
  static final class ListAll implements Runnable {
    @Mixin ConfigOption config;

    @Spec CommandSpec spec;

    @Override
    public void run() {
      List<Business> all = withBusinesses(config, Businesses::list);
      PrintWriter out = spec.commandLine().getOut();
      for (Business business : all) {
        out.printf("%s  %s  client id %s%n", business.id(), business.name(), business.clientId());
      }
      out.flush();
    }
  }
}
