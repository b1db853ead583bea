package mimbla.net;

import static mimbla.net.FakeDns.literal;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.stream.Stream;
import mimbla.net.HostVerdict.Allowed;
import mimbla.net.HostVerdict.Refused;
import mimbla.net.HostVerdict.Unresolved;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF guard: every trick for writing internal space is refused, public hosts pass. */
class AddressGuardTest {
  private static final AddressGuard STRICT = AddressGuard.allowing(List.of());

  private static final AddressGuard LOOPBACK_ALLOWED =
      AddressGuard.allowing(IpRange.parseList("127.0.0.0/8,::1/128"));

  private final FakeDns dns = new FakeDns();

  @ParameterizedTest
  @ValueSource(
      strings = {
        // IPv4 loopback, written every way inet_aton and browsers accept
        "127.0.0.1",
        "127.1",
        "127.0.1",
        "2130706433",
        "0x7f000001",
        "0X7F000001",
        "0x7f.0.0.1",
        "0x7f.1",
        "0177.0.0.1",
        "0177.0.0.01",
        "017700000001",
        "0177.1",
        "127.0.0.1.",
        "127.255.255.254",
        // unspecified and "this network"
        "0.0.0.0",
        "0",
        "0x0",
        "0.1.2.3",
        // IPv6 loopback, unspecified and the forms that carry IPv4
        "[::]",
        "[::1]",
        "::1",
        "[0:0:0:0:0:0:0:1]",
        "[0000:0000:0000:0000:0000:0000:0000:0001]",
        "[::ffff:127.0.0.1]",
        "[::FFFF:7F00:1]",
        "[::ffff:7f00:1]",
        "[::ffff:10.0.0.1]",
        "[::ffff:169.254.169.254]",
        "[::127.0.0.1]",
        "[::8.8.8.8]",
        "[64:ff9b::127.0.0.1]",
        "[64:ff9b::a00:1]",
        "[64:ff9b:1::8.8.8.8]",
        "[2002:7f00:1::]",
        "[2002:a9fe:a9fe::1]",
        // IPv6 special space
        "[fe80::1]",
        "[fe80::1%25eth0]",
        "[fe80::1%eth0]",
        "fe80::1%eth0",
        "[fc00::1]",
        "[fd00:ec2::254]",
        "[fd12:3456::1]",
        "[fec0::1]",
        "[ff02::1]",
        "[ff05::1:3]",
        "[2001:db8::1]",
        "[3fff::1]",
        "[2001::1]",
        "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",
        "[2001:2::1]",
        "[100::1]",
        "[5f00::1]",
        "[::ffff:0:7f00:1]",
        // IPv4 private, shared, link-local and metadata space
        "10.0.0.1",
        "10.255.255.255",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "192.168.0.1",
        "169.254.169.254",
        "169.254.170.2",
        "169.254.0.1",
        "168.63.129.16",
        "100.64.0.1",
        "100.127.255.255",
        "100.100.100.200",
        // multicast, reserved, broadcast
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "4294967295",
        // documentation, benchmarking, protocol assignments
        "192.0.2.1",
        "198.51.100.7",
        "203.0.113.9",
        "198.18.0.1",
        "198.19.255.255",
        "192.0.0.8",
        "192.88.99.1",
        // names that are loopback by definition
        "localhost",
        "LOCALHOST",
        "LocalHost",
        "foo.localhost",
        "a.b.localhost.",
        "localhost.",
        // names whose DNS answers point inside
        "internal.example",
        "INTERNAL.example",
        "internal.example.",
        "rebind.example",
        "metadata.example",
        "v6private.example",
        "mapped.example",
        // literals whose C and Java readings differ
        "010.0.0.1",
        "0100.1.1.1",
        "012.1"
      })
  void refusesInternalSpaceWithoutAnAllowList(String host) {
    assertThat(STRICT.check(host, dns)).isInstanceOf(Refused.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "0x7f000001",
        "[::1]",
        "[::ffff:10.0.0.1]",
        "[2002:7f00:1::]",
        "169.254.169.254",
        "localhost",
        "foo.localhost"
      })
  void literalsAndLocalhostAreJudgedWithoutAskingTheResolver(String host) {
    STRICT.check(host, dns);

    assertThat(dns.asked).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          127.0.0.1                | address 127.0.0.1 (loopback)
          2130706433               | "2130706433" means 127.0.0.1 (loopback)
          [::1]                    | address ::1 (loopback)
          [::ffff:10.0.0.1]        | means 10.0.0.1 (private)
          [64:ff9b::127.0.0.1]     | means 64:ff9b::7f00:1 (NAT64 loopback)
          [2002:a9fe:a9fe::1]      | (6to4 cloud metadata)
          [::127.0.0.1]            | (IPv4-compatible)
          169.254.169.254          | (cloud metadata)
          100.100.100.200          | (cloud metadata)
          [fd00:ec2::254]          | address fd00:ec2::254 (cloud metadata)
          [fd12:3456::1]           | (unique local)
          100.64.0.1               | (CGNAT)
          169.254.0.1              | (link-local)
          [fe80::1%25eth0]         | means fe80::1 (link-local)
          [2001::1]                | (Teredo)
          [2001:2::1]              | (reserved)
          [5f00::1]                | (reserved)
          198.18.0.1               | (benchmarking)
          192.0.2.1                | (documentation)
          [3fff::1]                | (documentation)
          255.255.255.255          | (broadcast)
          240.0.0.1                | (reserved)
          0.0.0.0                  | (unspecified)
          0.1.2.3                  | (this network)
          localhost                | "localhost" is loopback
          internal.example         | "internal.example" resolves to 10.1.2.3 (private)
          rebind.example           | "rebind.example" resolves to 127.0.0.1 (loopback)
          metadata.example         | resolves to 169.254.169.254 (cloud metadata)
          v6private.example        | resolves to fd12::1 (unique local)
          010.0.0.1                | ambiguous: 8.0.0.1 to C resolvers and browsers, 10.0.0.1 to Java
          1.2.3.4.5                | "1.2.3.4.5" ends in a number but is not an IPv4 address
          256.256.256.256          | ends in a number
          [127.0.0.1]              | not a host name: "[127.0.0.1]"
          """)
  void theReasonNamesTheAddressAndItsSpace(String host, String reason) {
    HostVerdict verdict = STRICT.check(host, dns);

    assertThat(verdict).isInstanceOf(Refused.class);
    assertThat(((Refused) verdict).reason()).contains(reason);
  }

  @ParameterizedTest
  @CsvSource({
    "93.184.216.34, 93.184.216.34",
    "1.1.1.1, 1.1.1.1",
    "8.8.8.8, 8.8.8.8",
    "[2606:4700:4700::1111], 2606:4700:4700::1111",
    "2606:4700:4700::1111, 2606:4700:4700::1111",
    "[::ffff:8.8.8.8], 8.8.8.8",
    "[64:ff9b::808:808], 64:ff9b::808:808",
    "[2002:808:808::1], 2002:808:808::1",
    "172.32.0.1, 172.32.0.1",
    "172.15.255.255, 172.15.255.255",
    "100.128.0.1, 100.128.0.1",
    "100.63.255.255, 100.63.255.255",
    "192.169.0.1, 192.169.0.1",
    "169.255.0.1, 169.255.0.1",
    "223.255.255.255, 223.255.255.255",
    "0x08080808, 8.8.8.8",
    "8.8.2056, 8.8.8.8",
    "1.0.0.0, 1.0.0.0",
    "public.example, 93.184.216.34",
    "PUBLIC.Example., 93.184.216.34"
  })
  void publicHostsAreAllowedAtTheirAddresses(String host, String address) {
    HostVerdict verdict = STRICT.check(host, dns);

    assertThat(verdict).isEqualTo(new Allowed(List.of(literal(address))));
  }

  @Test
  void aNameIsAllowedAtEveryAddressItHas() {
    HostVerdict verdict = STRICT.check("dualstack.example", dns);

    assertThat(verdict)
        .isEqualTo(new Allowed(List.of(literal("93.184.216.34"), literal("2606:2800:220:1::1"))));
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, 127.0.0.1",
    "[::1], ::1",
    "[::ffff:127.0.0.1], 127.0.0.1",
    "2130706433, 127.0.0.1",
    "127.1, 127.0.0.1",
    "[64:ff9b::7f00:1], 64:ff9b::7f00:1",
    "[2002:7f00:1::], 2002:7f00:1::"
  })
  void anAllowedRangeLetsItsAddressesThrough(String host, String address) {
    HostVerdict verdict = LOOPBACK_ALLOWED.check(host, dns);

    assertThat(verdict).isEqualTo(new Allowed(List.of(literal(address))));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.1",
        "169.254.169.254",
        "[fe80::1]",
        "[::127.0.0.1]",
        "0177.0.0.1",
        "internal.example",
        "metadata.example"
      })
  void anAllowedRangeLetsNothingElseThrough(String host) {
    assertThat(LOOPBACK_ALLOWED.check(host, dns)).isInstanceOf(Refused.class);
  }

  @Test
  void anAllowedRangeCoversTheAddressesANameResolvesTo() {
    HostVerdict verdict = LOOPBACK_ALLOWED.check("rebind.example", dns);

    assertThat(verdict)
        .isEqualTo(new Allowed(List.of(literal("93.184.216.34"), literal("127.0.0.1"))));
  }

  @Test
  void localhostIsAllowedAtTheLoopbackAddressesTheOperatorAllows() {
    AddressGuard ipv4Only = AddressGuard.allowing(IpRange.parseList("127.0.0.1"));

    assertThat(LOOPBACK_ALLOWED.check("localhost", dns))
        .isEqualTo(new Allowed(List.of(literal("127.0.0.1"), literal("::1"))));
    assertThat(ipv4Only.check("api.localhost", dns))
        .isEqualTo(new Allowed(List.of(literal("127.0.0.1"))));
    assertThat(dns.asked).isEmpty();
  }

  @Test
  void theSystemResolverAsksTheOperatingSystem() throws UnknownHostException {
    List<InetAddress> addresses = Resolver.system().resolve("localhost");

    assertThat(addresses).isNotEmpty().allMatch(InetAddress::isLoopbackAddress);
    assertThat(STRICT.check("localhost", Resolver.system())).isInstanceOf(Refused.class);
  }

  @Test
  void anIpv4MappedIpv6AddressIsJudgedByItsIpv4Address() throws UnknownHostException {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 1};
    InetAddress address = Inet6Address.getByAddress(null, mapped, -1);

    assertThat(address).isInstanceOf(Inet6Address.class);
    assertThat(STRICT.refusal(address)).contains("IPv4-mapped loopback");
    assertThat(LOOPBACK_ALLOWED.refusal(address)).isEmpty();
  }

  @Test
  void aResolverThatCannotAnswerLeavesTheHostUnresolved() {
    HostVerdict unknown = STRICT.check("nowhere.example", dns);
    HostVerdict empty = STRICT.check("empty.example", dns);

    assertThat(unknown).isInstanceOf(Unresolved.class);
    assertThat(((Unresolved) unknown).message())
        .contains("nowhere.example")
        .contains("no such name in the fake zone");
    assertThat(empty).isEqualTo(new Unresolved("cannot resolve \"empty.example\": no addresses"));
  }

  @ParameterizedTest
  @MethodSource("hostileHosts")
  void hostileHostsAreNamesOrRefusedAndNeverThrow(String host) {
    HostVerdict verdict = STRICT.check(host, dns);

    assertThat(verdict).isNotInstanceOf(Allowed.class);
    if (verdict instanceof Unresolved) {
      assertThat(dns.asked).containsExactly(host);
    }
  }

  static Stream<String> hostileHosts() {
    return Stream.of(
        "",
        " ",
        ".",
        "..",
        "[",
        "]",
        "[]",
        "[::1",
        "::1]",
        "[[::1]]",
        "[::1]:80",
        "::1::",
        ":::",
        "1:2:3:4:5:6:7:8:9",
        "[12345::1]",
        "[::ffff:0127.0.0.1]",
        "[::ffff:1.2.3]",
        "1.2.3.4.5",
        "1.2.3.4..",
        "0x100000000",
        "4294967296",
        "256.256.256.256",
        "127.0.0.256",
        "08.0.0.1",
        "127.0.0.1%25eth0",
        "1.1.1.1 ",
        " 127.0.0.1",
        "127.0.0.1\u0000.example",
        "%00",
        "\u0000",
        "a..b",
        "a".repeat(64) + ".example",
        "a".repeat(100_000),
        "1.".repeat(50_000),
        ":".repeat(50_000),
        "\u0661\u0662\u0667.0.0.1",
        "\uff11\uff12\uff17.0.0.1",
        "b\u00fccher.example",
        "user@127.0.0.1",
        "127.0.0.1#.example",
        "nowhere.example");
  }

  @Test
  void theAllowListIsKeptAsGiven() {
    assertThat(LOOPBACK_ALLOWED.allowed())
        .containsExactly(IpRange.parse("127.0.0.0/8"), IpRange.parse("::1/128"));
  }

  @Test
  void noHostIsRefused() {
    assertThat(STRICT.check(null, dns)).isEqualTo(new Refused("no host"));
    assertThat(STRICT.check("", dns)).isEqualTo(new Refused("no host"));
  }
}
