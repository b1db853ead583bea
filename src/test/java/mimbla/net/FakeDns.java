package mimbla.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A fake resolver with a fixed zone, so tests never send a query to real DNS. It remembers every
 * name it was asked, which shows when the guard judged a host without resolving it.
 */
final class FakeDns implements Resolver {
  private static final Map<String, List<String>> ZONE =
      Map.of(
          "public.example", List.of("93.184.216.34"),
          "internal.example", List.of("10.1.2.3"),
          "rebind.example", List.of("93.184.216.34", "127.0.0.1"),
          "metadata.example", List.of("169.254.169.254"),
          "v6private.example", List.of("fd12::1"),
          "mapped.example", List.of("::ffff:192.168.0.1"),
          "dualstack.example", List.of("93.184.216.34", "2606:2800:220:1::1"),
          "empty.example", List.of());

  final List<String> asked = new ArrayList<>();

  @Override
  public List<InetAddress> resolve(String name) throws UnknownHostException {
    asked.add(name);
    String key = name.toLowerCase(Locale.ROOT).replaceFirst("\\.$", "");
    List<String> addresses = ZONE.get(key);
    if (addresses == null) {
      throw new UnknownHostException(name + ": no such name in the fake zone");
    }
    return addresses.stream().map(FakeDns::literal).toList();
  }

  /** Test addresses are literals; the guard's own parser turns them into addresses. */
  static InetAddress literal(String text) {
    return HostLiteral.parse(text).orElseThrow(() -> new AssertionError("not a literal: " + text));
  }
}
