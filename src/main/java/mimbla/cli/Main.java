package mimbla.cli;

import java.io.PrintWriter;
import mimbla.business.BusinessException;
import mimbla.config.SettingException;
import mimbla.store.StoreException;
import mimbla.tor.TorException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./mimbla}: the server and its tools in one command. */
@Command(
    name = "mimbla",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A self-hosted crypto payment server that speaks the Mimbla merchant API.",
    subcommands = {
      ServeCommand.class,
      DemoCommand.class,
      BusinessCommand.class,
      SandboxCommand.class,
      WebhookCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code: 0 done, 1 failed, 2 bad usage or settings. */
  public static int run(String... args) {
    return run(
        new PrintWriter(System.out, true, System.out.charset()),
        new PrintWriter(System.err, true, System.err.charset()),
        args);
  }

  /** As {@link #run(String...)}, writing to the given streams. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new Main()).setOut(out).setErr(err);
    commandLine.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          int code = exitCode(e);
          if (code == 0) {
            throw e;
          }
          line.getErr().println("mimbla: " + e.getMessage());
          return code;
        });
    return commandLine.execute(args);
  }

  /** The exit code of an expected failure, or 0 for a bug that must show its stack trace. */
  private static int exitCode(Exception e) {
    if (e instanceof SettingException || (e instanceof CliException cli && cli.usage())) {
      return 2;
    }
    if (e instanceof CliException
        || e instanceof StoreException
        || e instanceof BusinessException
        || e instanceof TorException) {
      return 1;
    }
    return 0;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"mimbla-server " + (version == null ? "development" : version)};
    }
  }
}
