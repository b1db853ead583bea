package mimbla.tor;

import java.util.Map;
import mimbla.config.Settings;
import mimbla.net.TorLink;

/**
 * The Tor this server sends Tor-routed webhooks through: one the operator runs, or one launched and
 * looked after by this server. Either way it reports how it is doing for {@code /health}.
 */
public sealed interface Tor extends TorLink, AutoCloseable permits ExternalTor, LaunchedTor {

  /**
   * Connects to or launches the configured Tor. An unreachable external Tor is logged and shown in
   * health, not fatal: it may come up later. A launched tor that cannot start at all (no binary, a
   * torrc it refuses) fails start-up with its own words.
   */
  static Tor start(Settings.Tor settings) {
    return settings.launch() ? LaunchedTor.start(settings) : ExternalTor.start(settings);
  }

  /** Whether Tor-routed webhooks can go out now, as far as this server can tell. */
  boolean ready();

  /** What {@code /health} shows: source, SOCKS address, state, bootstrap progress, problem. */
  Map<String, Object> health();

  @Override
  void close();
}
