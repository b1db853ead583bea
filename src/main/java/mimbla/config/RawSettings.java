package mimbla.config;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Setting values as text, layered: embedded defaults, then the file, then the environment, then
 * command-line overrides. Each value remembers where it came from so an error can say so.
 */
public final class RawSettings {
  private static final Logger log = LoggerFactory.getLogger(RawSettings.class);
  private static final String ENV_PREFIX = "MIMBLA_";

  /** Variables the launcher and the logging read; they are not settings. */
  private static final Set<String> OTHER_VARIABLES =
      Set.of("MIMBLA_JDK_DIRS", "MIMBLA_JAVA_OPTS", "MIMBLA_LOG_LEVEL", "MIMBLA_REBUILD");

  record Value(String key, String text, String origin) {}

  private final Map<String, Value> values = new LinkedHashMap<>();

  private RawSettings() {}

  /** The embedded defaults, which name every setting there is. */
  public static RawSettings defaults() {
    RawSettings raw = new RawSettings();
    try (var in = RawSettings.class.getResourceAsStream("/mimbla-defaults.properties")) {
      if (in == null) {
        throw new IllegalStateException("mimbla-defaults.properties is missing from the build");
      }
      Properties properties = new Properties();
      properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      properties.forEach(
          (key, text) ->
              raw.values.put(
                  (String) key, new Value((String) key, ((String) text).trim(), "default")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return raw;
  }

  /** Every key a configuration file or the environment may set. */
  public Set<String> keys() {
    return new TreeSet<>(values.keySet());
  }

  /** Overlays a properties file; a key that is not a setting stops start-up. */
  public RawSettings withFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new SettingException("Cannot read configuration file " + file + ": " + e.getMessage());
    }
    for (String key : properties.stringPropertyNames()) {
      if (!values.containsKey(key)) {
        throw new SettingException(
            "Unknown setting \"%s\" in %s; see the configuration reference in README.md"
                .formatted(key, file));
      }
      values.put(key, new Value(key, properties.getProperty(key).trim(), "file " + file));
    }
    return this;
  }

  /** Overlays {@code MIMBLA_*} variables: {@code MIMBLA_SERVER_PORT} sets {@code server.port}. */
  public RawSettings withEnvironment(Map<String, String> environment) {
    Map<String, String> keysByVariable = new LinkedHashMap<>();
    values.keySet().forEach(key -> keysByVariable.put(variableName(key), key));

    for (var entry : new TreeMap<>(environment).entrySet()) {
      String variable = entry.getKey();
      if (!variable.startsWith(ENV_PREFIX) || OTHER_VARIABLES.contains(variable)) {
        continue;
      }
      String key = keysByVariable.get(variable);
      if (key == null) {
        log.warn("settings: ignoring environment variable {}, it names no setting", variable);
        continue;
      }
      values.put(key, new Value(key, entry.getValue().trim(), "environment " + variable));
    }
    return this;
  }

  /** Overlays values given on the command line (or by {@code demo}). */
  public RawSettings with(String key, String text, String origin) {
    if (!values.containsKey(key)) {
      throw new IllegalArgumentException("no setting named " + key);
    }
    values.put(key, new Value(key, text.trim(), origin));
    return this;
  }

  /** True while nothing has overridden the embedded default of a key. */
  public boolean isDefault(String key) {
    return value(key).origin().equals("default");
  }

  /** The environment variable that overrides a key. */
  public static String variableName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  Value value(String key) {
    Value value = values.get(key);
    if (value == null) {
      throw new IllegalStateException("no default for setting " + key);
    }
    return value;
  }

  Optional<Value> optional(String key) {
    Value value = value(key);
    return value.text().isEmpty() ? Optional.empty() : Optional.of(value);
  }
}
