package mimbla.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged server ({@code target/mimbla.jar}) running {@code serve} in a process of its own, as
 * an operator runs it: a configuration file, a port, standard output and error in a log file. Tests
 * that kill a server or run several on one database use it, since only a real process dies the way
 * a crashed server does.
 *
 * <p>The child gets no {@code MIMBLA_*} variables from the test's environment: the configuration
 * file alone decides.
 */
public final class ServerProcess implements AutoCloseable {
  /** The packaged jar; failsafe passes its path in {@code mimbla.jar}. */
  public static final Path JAR = Path.of(System.getProperty("mimbla.jar", "target/mimbla.jar"));

  /** The JVM running the tests runs the servers too. */
  static final String JAVA = ProcessHandle.current().info().command().orElse("java");

  private static final Duration STARTUP = Duration.ofSeconds(40);
  private static final Duration STOP = Duration.ofSeconds(20);
  private static final Pattern NODE = Pattern.compile("webhooks: node (\\S+) sending");

  private final String name;
  private final Process process;
  private final Path log;
  private final Http http;

  private ServerProcess(String name, Process process, Path log, int port) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.http = new Http("http://127.0.0.1:" + port);
  }

  /** A TCP port nothing listens on right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a configuration file (Java properties) holding exactly these settings. */
  public static Path writeConfig(Path file, Map<String, String> settings) {
    Properties properties = new Properties();
    properties.putAll(settings);
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      properties.store(out, "written by a test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /**
   * Starts {@code mimbla serve --config FILE} in {@code directory}, logging to {@code <name>.log}
   * there, without waiting for it to listen: see {@link #awaitReady()}.
   */
  public static ServerProcess launch(String name, Path config, Path directory, int port) {
    Path log = directory.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command("serve", "--config", config.toAbsolutePath().toString()))
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(variable -> variable.startsWith("MIMBLA_"));
    try {
      return new ServerProcess(name, builder.start(), log, port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  /** {@link #launch} and {@link #awaitReady()}. */
  public static ServerProcess start(String name, Path config, Path directory, int port) {
    ServerProcess server = launch(name, config, directory, port);
    try {
      server.awaitReady();
    } catch (RuntimeException | AssertionError e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * Runs {@code mimbla business create NAME --json} against the configuration's database and
   * returns the new business's API key.
   */
  public static String createBusiness(Path config, Path directory, String business) {
    String json =
        run(
            directory,
            "business",
            "create",
            business,
            "--json",
            "--config",
            config.toAbsolutePath().toString());
    String key = Http.parse(json).path("api_key").asText();
    if (key.isEmpty()) {
      throw new AssertionError("no api_key in: " + json);
    }
    return key;
  }

  /** Runs a short command of the packaged jar to its end; returns its standard output. */
  public static String run(Path directory, String... args) {
    Path errors = directory.resolve("command-" + System.nanoTime() + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command(args))
            .directory(directory.toFile())
            .redirectError(errors.toFile());
    builder.environment().keySet().removeIf(variable -> variable.startsWith("MIMBLA_"));
    try {
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("mimbla " + String.join(" ", args) + " did not end in 60 s");
      }
      if (process.exitValue() != 0) {
        throw new AssertionError(
            "mimbla "
                + String.join(" ", args)
                + " ended with "
                + process.exitValue()
                + ":\n"
                + out
                + Files.readString(errors));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * The JVM's quick-start options: C1 only and the serial collector start a server in about half
   * the time on a small machine, and change nothing a test here looks at.
   */
  private static List<String> command(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                JAVA,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar",
                JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Waits until {@code GET /health} answers 200.
   *
   * @throws AssertionError when the process ends first or is not ready in time, with its log
   */
  public void awaitReady() {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError(
            name + " ended with " + process.exitValue() + " while starting:\n" + log());
      }
      try {
        if (http.get("/health").status() == 200) {
          return;
        }
      } catch (IllegalStateException notListeningYet) {
        // Connection refused until the API is up.
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " not ready within " + STARTUP + ":\n" + log());
      }
      pause(Duration.ofMillis(100));
    }
  }

  public String name() {
    return name;
  }

  /** A client for this server's API. */
  public Http http() {
    return http;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The webhook node name this process logged at start, as {@code delivery_attempt.node} shows. */
  public String node() {
    Matcher matcher = NODE.matcher(log());
    if (!matcher.find()) {
      throw new AssertionError(name + " logged no node name:\n" + log());
    }
    return matcher.group(1);
  }

  /** Everything the process wrote so far. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /**
   * Kills the process with SIGKILL, as the kernel's OOM killer or a pulled plug would: no shutdown
   * hook runs, nothing is flushed or closed. Returns the exit code (137 on Linux: 128 + 9).
   */
  public int kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " still running " + STOP + " after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return process.exitValue();
  }

  /** Stops the process with SIGTERM, or SIGKILL when it takes too long; safe to call twice. */
  @Override
  public void close() {
    stop(process, STOP);
  }

  /**
   * Stops a process with SIGTERM, or SIGKILL when it has not exited after {@code wait}; safe to
   * call on a process that has already exited. For every process a test starts.
   */
  public static void stop(Process process, Duration wait) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Copies the logs of the processes a test ran from its temporary folder to {@code
   * target/process-logs/<name>}, so they outlive the folder for a look after a failure.
   */
  public static void keepLogs(Path folder, String name) {
    Path kept = Path.of("target", "process-logs", name);
    try (var logs = Files.newDirectoryStream(folder, "*.log")) {
      Files.createDirectories(kept);
      for (Path log : logs) {
        Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      System.err.println("cannot keep the logs of " + name + ": " + e);
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
