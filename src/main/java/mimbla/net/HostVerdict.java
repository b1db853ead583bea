package mimbla.net;

import java.net.InetAddress;
import java.util.List;

/** What the guard makes of a webhook host: whom to contact, or why not. */
public sealed interface HostVerdict {
  /**
   * The host may be contacted. Connect to these addresses, not to the host name again: a second
   * lookup may answer differently (DNS rebinding).
   */
  record Allowed(List<InetAddress> addresses) implements HostVerdict {
    public Allowed {
      addresses = List.copyOf(addresses);
    }
  }

  /** The host is, or resolves to, space webhooks must not reach; the reason names the address. */
  record Refused(String reason) implements HostVerdict {}

  /** The resolver could not say where the host is; worth trying again later. */
  record Unresolved(String message) implements HostVerdict {}
}
