package mimbla.cli;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import mimbla.config.RawSettings;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by every command that reads settings. */
final class ConfigOption {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Configuration file (Java properties); MIMBLA_* variables override it.")
  Path file;

  /** Embedded defaults, then the given overlays, the file, and the environment. */
  RawSettings load(UnaryOperator<RawSettings> beneathFile) {
    RawSettings raw = beneathFile.apply(RawSettings.defaults());
    if (file != null) {
      raw.withFile(file);
    }
    return raw.withEnvironment(System.getenv());
  }

  RawSettings load() {
    return load(raw -> raw);
  }
}
