package mimbla.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OnionAddressTest {
  /** The Tor Project's own address, whose key is published: a known-good v3 address. */
  static final String TOR_PROJECT =
      "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion";

  @Test
  void aRealAddressIsValid() {
    assertThat(OnionAddress.problem(TOR_PROJECT)).isEmpty();
    assertThat(OnionAddress.problem(TOR_PROJECT.toUpperCase(java.util.Locale.ROOT))).isEmpty();
    assertThat(OnionAddress.problem("www." + TOR_PROJECT)).isEmpty();
  }

  @Test
  void anAddressMadeFromAKeyIsValidAndDecodesBack() {
    byte[] key = HexFormat.of().parseHex("00112233445566778899aabbccddeeff".repeat(2));
    String address = OnionAddress.of(key);

    assertThat(address).hasSize(56 + ".onion".length());
    assertThat(OnionAddress.problem(address)).isEmpty();
  }

  @Test
  void oneChangedCharacterFailsTheChecksum() {
    char first = TOR_PROJECT.charAt(0);
    String typo = (first == 'a' ? 'b' : 'a') + TOR_PROJECT.substring(1);

    assertThat(OnionAddress.problem(typo))
        .hasValueSatisfying(p -> assertThat(p).contains("checksum"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "short.onion",
        ".onion",
        "expyuzz4wqqyqhjn.onion",
        "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wi1.onion",
        "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid0.onion",
        "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wi.onion",
        "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wi-.onion",
      })
  void malformedAddressesAreRefusedWithAReason(String host) {
    assertThat(OnionAddress.problem(host)).isPresent();
  }

  @Test
  void aWrongVersionByteIsNamed() {
    byte[] key = new byte[32];
    String v3 = OnionAddress.of(key);
    // The version is the last 8 of 280 bits: the final two base32 characters hold its low bits.
    String other = v3.substring(0, 54) + "ab" + ".onion";

    assertThat(OnionAddress.problem(other)).isPresent();
  }
}
