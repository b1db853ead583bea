package mimbla.net;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/** The Tor this server talks to: where its SOCKS port is, and whether it can build circuits. */
public interface TorLink {
  /** The SOCKS port every Tor-routed request goes to; nothing Tor-routed goes anywhere else. */
  InetSocketAddress socks();

  /**
   * Waits up to {@code max} for Tor to be usable. Empty when it is (or when this link cannot tell,
   * and the SOCKS request itself will show), otherwise why it is not, in words for the attempt
   * record, such as "Tor is bootstrapping (45%: loading relay descriptors)".
   */
  Optional<String> awaitReady(Duration max);
}
