package mimbla.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import mimbla.testing.ServerProcess;

/**
 * One coin daemon process a test started: its output goes to a log file, and it is stopped by its
 * own pid (SIGTERM, then SIGKILL if it takes too long), never by name.
 */
final class Daemon implements AutoCloseable {
  private static final Duration STOP = Duration.ofSeconds(30);

  private final String name;
  private final Process process;
  private final Path log;

  private Daemon(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static Daemon start(String name, Path folder, List<String> command) {
    Path log = folder.resolve(name + ".stdout.log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(folder.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      Process process = builder.start();
      // Should the test JVM be stopped before its tests clean up, its daemons go with it.
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
      return new Daemon(name, process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  long pid() {
    return process.pid();
  }

  /** Waits until the condition holds, failing with the daemon's log if it dies or times out. */
  void awaitReady(String what, Duration timeout, BooleanSupplier ready) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " ended with " + process.exitValue() + ":\n" + log());
      }
      if (ready.getAsBoolean()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + ": " + what + " not within " + timeout + ":\n" + log());
      }
      Waiting.pause(Duration.ofMillis(100));
    }
  }

  String log() {
    try {
      String text = Files.readString(log);
      return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    ServerProcess.stop(process, STOP);
  }
}
