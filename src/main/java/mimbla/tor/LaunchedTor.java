package mimbla.tor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mimbla.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tor process this server runs for itself: a torrc and data folder under {@code data.dir/tor},
 * its SOCKS port on loopback, its bootstrap progress read from its log and logged in percent. If it
 * dies it is started again (after 1 s, doubling up to a minute); it stops with the server, and it
 * stops by itself if the server dies ({@code __OwningControllerProcess}).
 *
 * <p>Threads: a reader per tor process follows its output; a supervisor waits for it to exit and
 * restarts it. State they share is guarded by {@link #lock}.
 */
final class LaunchedTor implements Tor {
  private static final Logger log = LoggerFactory.getLogger(LaunchedTor.class);
  private static final Pattern BOOTSTRAPPED =
      Pattern.compile("Bootstrapped (\\d+)% \\(([^)]*)\\): (.*)");
  private static final Pattern SOCKS_OPENED =
      Pattern.compile(
          "Opened Socks listener connection \\(ready\\) on (\\d+\\.\\d+\\.\\d+\\.\\d+):(\\d+)");
  private static final String LOCKED =
      "another Tor process is running with the same data directory";
  private static final Duration FIRST_RESTART = Duration.ofSeconds(1);
  private static final Duration LAST_RESTART = Duration.ofMinutes(1);

  /** A tor that ran this long before dying is restarted quickly again. */
  private static final Duration STABLE = Duration.ofMinutes(1);

  private static final int TAIL_LINES = 20;

  private final Settings.Tor settings;
  private final Path torrc;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private Process process;
  private InetSocketAddress socks;
  private int percent;
  private String summary = "starting";
  private String problem;
  private boolean closing;
  private final Deque<String> tail = new ArrayDeque<>();
  private Thread supervisor;
  private Thread reader;

  private LaunchedTor(Settings.Tor settings) {
    this.settings = settings;
    this.torrc = settings.folder().resolve("torrc");
    this.socks = settings.socks().orElse(null);
  }

  static LaunchedTor start(Settings.Tor settings) {
    LaunchedTor tor = new LaunchedTor(settings);
    tor.writeTorrc();
    tor.launchFirst();
    tor.supervisor =
        Thread.ofPlatform().daemon().name("tor-supervisor").start(tor::superviseUntilClosed);
    return tor;
  }

  private void writeTorrc() {
    Path data = settings.folder().resolve("data");
    String socksPort =
        settings.socks().map(ExternalTor::address).orElse("127.0.0.1:auto") + " ExtendedErrors";
    StringBuilder text = new StringBuilder();
    text.append(
        "# Written by mimbla at every start: edits are lost. Add lines with tor.config-file.\n");
    text.append("DataDirectory ").append(data).append('\n');
    text.append("SocksPort ").append(socksPort).append('\n');
    text.append("ClientOnly 1\n");
    text.append("Log notice stdout\n");
    settings
        .configFile()
        .ifPresent(file -> text.append("%include ").append(file.toAbsolutePath()).append('\n'));
    try {
      Files.createDirectories(data);
      // tor refuses a data folder others can read.
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
      Files.writeString(torrc, text);
    } catch (IOException e) {
      throw new TorException("tor: cannot write " + torrc + ": " + e.getMessage(), e);
    }
  }

  /**
   * Starts tor and waits up to {@code tor.bootstrap-timeout} for it to bootstrap. A tor that exits
   * at once stops start-up with its last words; one that is slow only makes a warning, since it may
   * yet get there. A data folder still locked by the tor of a server that was killed is waited for:
   * that tor exits by itself within seconds.
   */
  private void launchFirst() {
    long deadline = System.nanoTime() + settings.bootstrapTimeout().toNanos();
    while (true) {
      Process started = launch();
      log.info(
          "tor: launched {} (pid {}), waiting for it to bootstrap",
          settings.binary(),
          started.pid());
      Optional<String> notReady = awaitReady(left(deadline));
      if (notReady.isEmpty()) {
        return;
      }
      if (started.isAlive()) {
        log.warn(
            "tor: not bootstrapped after {} s ({}); Tor-routed webhooks wait for it",
            settings.bootstrapTimeout().toSeconds(),
            notReady.get());
        return;
      }
      awaitOutputEnd();
      if (!lastLines().contains(LOCKED) || System.nanoTime() > deadline) {
        throw new TorException(
            "tor: "
                + settings.binary()
                + " exited with code "
                + started.exitValue()
                + " before it bootstrapped; its last lines:\n"
                + lastLines());
      }
      sleep(Duration.ofSeconds(2));
    }
  }

  private Process launch() {
    List<String> command =
        List.of(
            settings.binary(),
            "-f",
            torrc.toString(),
            "--RunAsDaemon",
            "0",
            "--__OwningControllerProcess",
            Long.toString(ProcessHandle.current().pid()));
    Process started;
    try {
      started = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new TorException(
          "tor: cannot run '"
              + settings.binary()
              + "' ("
              + e.getMessage()
              + "); install tor (Debian: apt-get install tor) or set tor.binary",
          e);
    }

    lock.lock();
    try {
      process = started;
      percent = 0;
      summary = "starting";
      problem = null;
      tail.clear();
    } finally {
      lock.unlock();
    }
    Thread follower =
        Thread.ofPlatform()
            .daemon()
            .name("tor-output-" + started.pid())
            .start(() -> follow(started));
    lock.lock();
    try {
      reader = follower;
    } finally {
      lock.unlock();
    }
    return started;
  }

  /** Reads tor's log lines: bootstrap progress, the SOCKS port it opened, warnings. */
  private void follow(Process tor) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(tor.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        heard(line);
      }
    } catch (IOException e) {
      log.debug("tor: output of pid {} ended: {}", tor.pid(), e.toString());
    }
  }

  private void heard(String line) {
    Matcher bootstrapped = BOOTSTRAPPED.matcher(line);
    Matcher opened = SOCKS_OPENED.matcher(line);
    lock.lock();
    try {
      tail.addLast(line);
      if (tail.size() > TAIL_LINES) {
        tail.removeFirst();
      }
      if (bootstrapped.find()) {
        percent = Integer.parseInt(bootstrapped.group(1));
        summary = bootstrapped.group(3);
        log.info("tor: bootstrapped {}% ({})", percent, summary);
      } else if (opened.find()) {
        socks = new InetSocketAddress(opened.group(1), Integer.parseInt(opened.group(2)));
        log.info("tor: SOCKS port {}", ExternalTor.address(socks));
      } else if (line.contains("[warn]") || line.contains("[err]")) {
        log.warn("tor: {}", line.substring(line.indexOf('[')));
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void superviseUntilClosed() {
    Duration pause = FIRST_RESTART;
    while (true) {
      Process running = current();
      long startedAt = System.nanoTime();
      int code = waitFor(running);
      if (isClosing()) {
        return;
      }
      awaitOutputEnd();
      if (System.nanoTime() - startedAt > STABLE.toNanos()) {
        pause = FIRST_RESTART;
      }
      noteExit(code, pause);
      sleep(pause);
      pause =
          pause.multipliedBy(2).compareTo(LAST_RESTART) > 0 ? LAST_RESTART : pause.multipliedBy(2);
      if (isClosing()) {
        return;
      }
      try {
        launch();
        log.info("tor: restarted (pid {})", current().pid());
      } catch (TorException e) {
        log.warn("{}", e.getMessage());
      }
    }
  }

  private void noteExit(int code, Duration pause) {
    lock.lock();
    try {
      percent = 0;
      problem = "tor exited with code " + code + (tail.isEmpty() ? "" : ": " + tail.peekLast());
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    log.warn("tor: exited with code {}; starting it again in {} s", code, pause.toSeconds());
  }

  @Override
  public InetSocketAddress socks() {
    // Before tor has said which port it opened there is nowhere to go; awaitReady says so first.
    return locked(() -> socks != null ? socks : new InetSocketAddress("127.0.0.1", 9));
  }

  @Override
  public Optional<String> awaitReady(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    lock.lock();
    try {
      while (notReadyBecause().isPresent()) {
        long left = deadline - System.nanoTime();
        // A dead tor is not waited for: the supervisor, or start-up, decides what comes next.
        if (left <= 0 || (process != null && !process.isAlive())) {
          break;
        }
        changed.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
      }
      return notReadyBecause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return notReadyBecause();
    } finally {
      lock.unlock();
    }
  }

  /** Called with the lock held. */
  private Optional<String> notReadyBecause() {
    if (closing) {
      return Optional.of("Tor is stopping with the server");
    }
    if (process == null || !process.isAlive()) {
      return Optional.of(problem != null ? problem : "tor is not running");
    }
    if (percent < 100 || socks == null) {
      return Optional.of("Tor is bootstrapping (" + percent + "%: " + summary + ")");
    }
    return Optional.empty();
  }

  @Override
  public boolean ready() {
    return locked(() -> notReadyBecause().isEmpty());
  }

  @Override
  public Map<String, Object> health() {
    lock.lock();
    try {
      Map<String, Object> health = new LinkedHashMap<>();
      health.put("source", "launched");
      health.put("socks", socks == null ? null : ExternalTor.address(socks));
      Optional<String> notReady = notReadyBecause();
      boolean alive = process != null && process.isAlive();
      health.put("state", notReady.isEmpty() ? "ready" : alive ? "bootstrapping" : "down");
      health.put("bootstrap", percent);
      notReady.ifPresent(text -> health.put("problem", text));
      return health;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    Process running;
    lock.lock();
    try {
      closing = true;
      running = process;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (running == null) {
      return;
    }
    running.destroy();
    try {
      if (!running.waitFor(10, TimeUnit.SECONDS)) {
        running.destroyForcibly();
      }
      supervisor.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      running.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    log.info("tor: stopped (pid {})", running.pid());
  }

  private Process current() {
    return locked(() -> process);
  }

  private boolean isClosing() {
    return locked(() -> closing);
  }

  private String lastLines() {
    return locked(() -> String.join("\n", tail));
  }

  /** Reads state the tor's threads write, under the lock that guards it. */
  private <T> T locked(Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  /** The reader may still be taking in tor's last lines when the process is gone. */
  private void awaitOutputEnd() {
    Thread follower = locked(() -> reader);
    try {
      follower.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int waitFor(Process tor) {
    while (true) {
      try {
        return tor.waitFor();
      } catch (InterruptedException e) {
        // The supervisor only stops through close(), which the loop checks.
      }
    }
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Duration left(long deadlineNanos) {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }
}
