package mimbla.net;

import static mimbla.net.FakeDns.literal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CIDR ranges as operators write them in the webhook allow-list. */
class IpRangeTest {
  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/8, 10.0.0.0/8",
    "10.1.2.3/8, 10.0.0.0/8",
    "' 192.168.0.0/16 ', 192.168.0.0/16",
    "1.2.3.4, 1.2.3.4/32",
    "0.0.0.0/0, 0.0.0.0/0",
    "172.31.255.255/12, 172.16.0.0/12",
    "::1/128, ::1/128",
    "::1, ::1/128",
    "fd00::/8, fd00::/8",
    "FD12:3456::1/16, fd12::/16",
    "0:0:0:0:0:0:0:1, ::1/128",
    "::/0, ::/0",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1/128",
    "1:0:0:2:0:0:0:3, 1:0:0:2::3/128",
    "::ffff:127.0.0.1/128, ::ffff:7f00:1/128",
    "64:ff9b::/96, 64:ff9b::/96"
  })
  void parsesAndPrintsCanonically(String text, String canonical) {
    IpRange range = IpRange.parse(text);

    assertThat(range).hasToString(canonical);
    assertThat(IpRange.parse(canonical)).isEqualTo(range);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ''             | "" is not an IP range
          /8             | "/8" is not an IP range
          10.0.0.0/33    | "10.0.0.0/33" is not an IP range: expected a prefix length from 0 to 32
          ::/129         | "::/129" is not an IP range: expected a prefix length from 0 to 128
          localhost/8    | "localhost/8" is not an IP range: expected an address
          localhost      | "localhost" is not an IP range
          10.0.0.0/-1    | "10.0.0.0/-1" is not an IP range
          1.2.3.4/8/9    | "1.2.3.4/8/9" is not an IP range
          999.1.1.1/8    | "999.1.1.1/8" is not an IP range
          10.0.0.0/      | "10.0.0.0/" is not an IP range
          10.0.0.0/ 8    | "10.0.0.0/ 8" is not an IP range
          10.0.0.0/0008  | "10.0.0.0/0008" is not an IP range
          10/8           | "10/8" is not an IP range
          127.1          | "127.1" is not an IP range
          010.0.0.0/8    | "010.0.0.0/8" is not an IP range
          0x7f000001     | "0x7f000001" is not an IP range
          [::1]/128      | "[::1]/128" is not an IP range
          fe80::1%eth0   | "fe80::1%eth0" is not an IP range
          10.0.0.0/８    | is not an IP range
          """)
  void refusesAnythingButALiteralAndAPrefix(String text, String message) {
    assertThatThrownBy(() -> IpRange.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void refusesNoTextAtAll() {
    assertThatThrownBy(() -> IpRange.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no IP range given");
  }

  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/8, 10.0.0.0, true",
    "10.0.0.0/8, 10.255.255.255, true",
    "10.0.0.0/8, 11.0.0.0, false",
    "172.16.0.0/12, 172.31.0.1, true",
    "172.16.0.0/12, 172.32.0.1, false",
    "0.0.0.0/0, 8.8.8.8, true",
    "0.0.0.0/0, ::1, false",
    "0.0.0.0/0, 2606:4700::1, false",
    "127.0.0.0/8, ::ffff:127.0.0.1, true",
    "127.0.0.0/8, ::127.0.0.1, false",
    "::1/128, ::1, true",
    "::1/128, 127.0.0.1, false",
    "fc00::/7, fdff:ffff::1, true",
    "fc00::/7, fe00::1, false",
    "fe80::/10, fe80::1, true",
    "fe80::/10, febf::1, true",
    "fe80::/10, fec0::1, false",
    "::ffff:0:0/96, 10.0.0.1, true",
    "::ffff:0:0/96, ::1, false",
    "1.2.3.4, 1.2.3.4, true",
    "1.2.3.4, 1.2.3.5, false"
  })
  void containsTheAddressesOfItsBlock(String range, String address, boolean contained) {
    assertThat(IpRange.parse(range).contains(literal(address))).isEqualTo(contained);
  }

  @Test
  void anIpv4RangeContainsAnIpv4MappedIpv6Address() throws UnknownHostException {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 1, 2, 3};

    assertThat(IpRange.parse("10.0.0.0/8").contains(Inet6Address.getByAddress(null, mapped, -1)))
        .isTrue();
  }

  @Test
  void parsesAList() {
    assertThat(IpRange.parseList(" 10.0.0.0/8 , ::1/128,fd00::/8 "))
        .containsExactly(
            IpRange.parse("10.0.0.0/8"), IpRange.parse("::1/128"), IpRange.parse("fd00::/8"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t\n"})
  void blankListsHoldNoRanges(String text) {
    assertThat(IpRange.parseList(text)).isEmpty();
    assertThat(IpRange.parseList(null)).isEmpty();
  }

  @Test
  void aListNamesItsBadItem() {
    assertThatThrownBy(() -> IpRange.parseList("10.0.0.0/8, 300.0.0.0/8"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"300.0.0.0/8\" is not an IP range");
    assertThatThrownBy(() -> IpRange.parseList("10.0.0.0/8,,::1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"\" is not an IP range");
  }

  @Test
  void theConstructorClearsHostBitsAndChecksThePrefix() {
    assertThat(new IpRange(literal("192.168.77.1"), 16)).isEqualTo(IpRange.parse("192.168.0.0/16"));
    assertThatThrownBy(() -> new IpRange(literal("10.0.0.0"), 33))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prefix length 33 is not from 0 to 32");
  }
}
