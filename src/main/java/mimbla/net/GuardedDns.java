package mimbla.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import okhttp3.Dns;

/**
 * Name lookups for the direct route: every address a name resolves to is judged by the guard, and
 * only a name whose every address is allowed is returned. OkHttp then connects to exactly these
 * addresses, so a second, different answer from DNS (rebinding) is never asked for.
 */
final class GuardedDns implements Dns {
  private final AddressGuard guard;
  private final Resolver resolver;

  GuardedDns(AddressGuard guard, Resolver resolver) {
    this.guard = guard;
    this.resolver = resolver;
  }

  @Override
  public List<InetAddress> lookup(String hostname) throws UnknownHostException {
    return switch (guard.check(hostname, resolver)) {
      case HostVerdict.Allowed allowed -> allowed.addresses();
      case HostVerdict.Refused refused ->
          throw new AddressRefusedException(hostname + " is refused: " + refused.reason());
      case HostVerdict.Unresolved unresolved ->
          throw new UnknownHostException(hostname + ": " + unresolved.message());
    };
  }
}
