package mimbla.cli;

import java.util.concurrent.Callable;
import mimbla.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "serve",
    description = "Start the server from a configuration file and MIMBLA_* environment variables.")
final class ServeCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Override
  public Integer call() {
    Settings settings = Settings.from(config.load());
    return Running.serve(settings, mimbla -> {});
  }
}
