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

  /**
   * Waits while Tor's control port says it is still bootstrapping. Without a control port, or when
   * it does not answer, there is nothing to wait for: the SOCKS request itself will tell.
   */
  @Override
  public Optional<String> awaitReady(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    Optional<String> bootstrapping = bootstrapping();
    while (bootstrapping.isPresent() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(RECHECK);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      bootstrapping = bootstrapping();
    }
    return bootstrapping;
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
    Optional<String> unreachable = socksProblem();
    Optional<TorControl.Bootstrap> bootstrap = control.isPresent() ? bootstrap() : Optional.empty();
    boolean bootstrapping = bootstrap.map(phase -> !phase.done()).orElse(false);
    health.put(
        "state",
        unreachable.isPresent() ? "unreachable" : bootstrapping ? "bootstrapping" : "ready");
    bootstrap.ifPresent(phase -> health.put("bootstrap", phase.percent()));
    if (unreachable.isPresent()) {
      health.put("problem", unreachable.get());
    } else if (bootstrapping) {
      health.put("problem", "Tor is bootstrapping (" + bootstrap.get() + ")");
    } else if (control.isPresent() && bootstrap.isEmpty()) {
      health.put("problem", "Tor's control port " + address(control.get()) + " does not answer");
    }
    return health;
  }

  /** Why Tor cannot be used now: its SOCKS port is silent, or it is still bootstrapping. */
  private Optional<String> problem() {
    return socksProblem().or(this::bootstrapping);
  }

  private Optional<String> socksProblem() {
    try (Socket probe = new Socket()) {
      probe.connect(socks, (int) PROBE_TIMEOUT.toMillis());
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("Tor's SOCKS port cannot be reached (" + e.getMessage() + ")");
    }
  }

  private Optional<String> bootstrapping() {
    if (control.isEmpty()) {
      return Optional.empty();
    }
    return bootstrap()
        .filter(phase -> !phase.done())
        .map(phase -> "Tor is bootstrapping (" + phase + ")");
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
