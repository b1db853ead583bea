package mimbla.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which peers may send chain notifications. Tests reach the server over loopback only, so the
 * refused side is checked here on the address text the socket reports.
 */
class ChainNotifyApiTest {
  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, true",
    "127.8.9.10, true",
    "::1, true",
    "[::1], true",
    "0:0:0:0:0:0:0:1, true",
    "10.0.0.1, false",
    "192.168.1.20, false",
    "::ffff:10.0.0.1, false",
    "2001:db8::1, false",
    "localhost, false",
    "'', false",
  })
  void notificationsAreAcceptedFromThisMachineOnly(String remote, boolean accepted) {
    assertThat(ChainNotifyApi.fromThisMachine(remote)).isEqualTo(accepted);
  }
}
