package mimbla.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** IP literals read as C resolvers and browsers read them, without DNS. */
class HostLiteralTest {
  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, 127.0.0.1",
    "127.1, 127.0.0.1",
    "127.0.1, 127.0.0.1",
    "2130706433, 127.0.0.1",
    "0x7f000001, 127.0.0.1",
    "0X7F000001, 127.0.0.1",
    "017700000001, 127.0.0.1",
    "0x7f.0.0.1, 127.0.0.1",
    "0177.0.0.01, 127.0.0.1",
    "0x7f.1, 127.0.0.1",
    "0177.1, 127.0.0.1",
    "127.0.0.1., 127.0.0.1",
    "0, 0.0.0.0",
    "0x0, 0.0.0.0",
    "0x, 0.0.0.0",
    "00000000000000000000177.1, 127.0.0.1",
    "010.0.0.1, 8.0.0.1",
    "1.2.3, 1.2.0.3",
    "4294967295, 255.255.255.255",
    "1.16777215, 1.255.255.255",
    "1.2.65535, 1.2.255.255",
    "0x1.0x100, 1.0.1.0",
    "[::1], ::1",
    "::1, ::1",
    "[::], ::",
    "[0:0:0:0:0:0:0:1], ::1",
    "[1:2:3:4:5:6:7::], 1:2:3:4:5:6:7:0",
    "[::2:3:4:5:6:7:8], 0:2:3:4:5:6:7:8",
    "[FE80::1%25eth0], fe80::1",
    "[fe80::1%eth0], fe80::1",
    "fe80::1%eth0, fe80::1",
    "[::ffff:127.0.0.1], 127.0.0.1",
    "[::ffff:7f00:1], 127.0.0.1",
    "[::127.0.0.1], ::7f00:1",
    "[64:ff9b::8.8.8.8], 64:ff9b::808:808",
    "[2001:db8:0:0:1:0:0:1], 2001:db8::1:0:0:1",
    "[2001:0db8:0000:0000:0000:0000:0000:0001], 2001:db8::1"
  })
  void readsLiteralsAsTheCResolverDoes(String host, String expected) {
    InetAddress address = HostLiteral.parse(host).orElseThrow();

    assertThat(HostLiteral.format(address)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "localhost",
        "example.com",
        "1.2.3.4.5",
        "256.1.1.1",
        "1.256.1.1",
        "1.2.3.256",
        "1.2.65536",
        "1.16777216",
        "4294967296",
        "0x100000000",
        "08.0.0.1",
        "0x7g.0.0.1",
        "1..2.3",
        ".1.2.3",
        "1.2.3.4..",
        "+1.2.3.4",
        "-1",
        " 1.2.3.4",
        "1.2.3.4 ",
        "\u0661.\u0662.\u0663.\u0664",
        "\uff11.2.3.4",
        "[127.0.0.1]",
        "[",
        "[]",
        "[::1",
        "::1]",
        "[::1]:80",
        ":::",
        "::1::",
        "1::2::3",
        ":1",
        "1:",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8::",
        "12345::",
        "::fffg",
        "::ffff:1.2.3",
        "::ffff:1.2.3.4.5",
        "::ffff:01.2.3.4",
        "::ffff:1.2.3.256",
        "1.2.3.4::",
        "::1.2.3.4:5",
        "%25eth0",
        "0x7f.example"
      })
  void leavesNamesAndNonsenseToTheNameRules(String host) {
    assertThat(HostLiteral.parse(host)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, 127.0.0.1",
    "0177.0.0.1, 177.0.0.1",
    "010.0.0.1, 10.0.0.1",
    "2130706433, 127.0.0.1",
    "127.1, 127.0.0.1"
  })
  void readsDecimalLiteralsAsJavaDoes(String host, String expected) {
    assertThat(HostLiteral.javaReading(host).map(HostLiteral::format)).contains(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0x7f000001", "0x7f.1", "localhost", "[::1]"})
  void javaReadsHexAndNamesAsNoAddress(String host) {
    assertThat(HostLiteral.javaReading(host)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"[::ffff:10.0.0.1], true", "[::ffff:0:10.0.0.1], false", "[::10.0.0.1], false"})
  void javaTurnsOnlyIpv4MappedAddressesIntoIpv4(String host, boolean ipv4) {
    InetAddress address = HostLiteral.parse(host).orElseThrow();

    assertThat(address).isInstanceOf(ipv4 ? Inet4Address.class : Inet6Address.class);
  }
}
