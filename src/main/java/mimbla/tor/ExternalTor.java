package mimbla.tor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import mimbla.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Tor the operator runs, reached at {@code tor.socks}. With {@code tor.control} its bootstrap
 * progress is read too; without it, only whether the SOCKS port answers is known, and a request
 * through a Tor that is still starting waits in Tor until the connect timeout.
 */
final class ExternalTor implements Tor {
  private static final Logger log = LoggerFactory.getLogger(ExternalTor.class);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration RECHECK = Duration.ofSeconds(1);

  private final InetSocketAddress socks;
  private final Optional<InetSocketAddress> control;

  private ExternalTor(InetSocketAddress socks, Optional<InetSocketAddress> control) {
    this.socks = socks;
    this.control = control;
  }

  static ExternalTor start(Settings.Tor settings) {
    ExternalTor tor = new ExternalTor(settings.socks().orElseThrow(), settings.control());
    Optional<String> problem = tor.problem();
    if (problem.isPresent()) {
      log.warn(
          "tor: {} at {}: Tor-routed webhooks fail until it is fixed",
          problem.get(),
          address(tor.socks));
    } else {
      log.info(
          "tor: using the Tor at {} ({} webhooks through Tor)",
          address(tor.socks),
          settings.mode());
    }
    return tor;
  }

  @Override
  public InetSocketAddress socks() {
    return socks;
  }

  @Override
  public Optional<String> awaitReady(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    Optional<String> problem = bootstrapProblem();
    while (problem.isPresent() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(RECHECK);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      problem = bootstrapProblem();
    }
    return problem;
  }

  @Override
  public boolean ready() {
    return problem().isEmpty();
  }

  @Override
  public Map<String, Object> health() {
    Map<String, Object> health = new LinkedHashMap<>();
    health.put("source", "external");
    health.put("socks", address(socks));
    Optional<String> problem = problem();
    health.put("state", problem.isEmpty() ? "ready" : "unreachable");
    if (control.isPresent()) {
      bootstrap().ifPresent(bootstrap -> health.put("bootstrap", bootstrap.percent()));
    }
    problem.ifPresent(text -> health.put("problem", text));
    return health;
  }

  /** Why Tor cannot be used now: SOCKS port silent, or (with a control port) not bootstrapped. */
  private Optional<String> problem() {
    try (Socket probe = new Socket()) {
      probe.connect(socks, (int) PROBE_TIMEOUT.toMillis());
    } catch (IOException e) {
      return Optional.of("Tor's SOCKS port cannot be reached (" + e.getMessage() + ")");
    }
    return bootstrapProblem();
  }

  private Optional<String> bootstrapProblem() {
    if (control.isEmpty()) {
      return Optional.empty();
    }
    Optional<TorControl.Bootstrap> bootstrap = bootstrap();
    if (bootstrap.isEmpty()) {
      return Optional.of("Tor's control port " + address(control.get()) + " does not answer");
    }
    return bootstrap.get().done()
        ? Optional.empty()
        : Optional.of("Tor is bootstrapping (" + bootstrap.get() + ")");
  }

  private Optional<TorControl.Bootstrap> bootstrap() {
    try (TorControl connection = TorControl.open(control.orElseThrow(), PROBE_TIMEOUT)) {
      return Optional.of(connection.bootstrap());
    } catch (IOException e) {
      log.debug("tor: control port {}: {}", address(control.orElseThrow()), e.toString());
      return Optional.empty();
    }
  }

  static String address(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  @Override
  public void close() {
    // Not ours to stop.
  }
}
