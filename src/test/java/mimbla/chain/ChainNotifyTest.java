package mimbla.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import mimbla.testing.Http;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /api/v1/chains/{crypto}/notify}, which a node's walletnotify or blocknotify calls:
 * what it accepts and refuses. That it moves a real payment along is in {@link LitecoinRegtestIT}.
 */
class ChainNotifyTest {
  TestServer server;

  @BeforeEach
  void start() {
    server = TestServer.start(StoreKind.values()[0], Map.of("cryptos", "BTC,XMR"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anOfferedCryptoIsWoken() {
    Http.Answer answer = server.http.post("/api/v1/chains/BTC/notify", "");

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.json().path("crypto").asText()).isEqualTo("BTC");
    assertThat(answer.json().path("woken").asBoolean()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"btc", "LTC", "DOGE", "ALL"})
  void anythingButAnOfferedCryptoIsNotFound(String crypto) {
    Http.Answer answer = server.http.post("/api/v1/chains/" + crypto + "/notify", "{}");

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.contentType()).startsWith("application/json");
    assertThat(answer.body()).doesNotContain("Exception");
  }

  @Test
  void aControlCharacterInThePathIsRefusedWithJson() {
    Http.Answer answer = server.http.post("/api/v1/chains/%00/notify", "");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.contentType()).startsWith("application/json");
  }

  @Test
  void onlyPostIsAllowedAndABodyIsIgnored() {
    assertThat(server.http.get("/api/v1/chains/BTC/notify").status()).isEqualTo(405);
    assertThat(server.http.post("/api/v1/chains/BTC/notify", "not json at all").status())
        .isEqualTo(202);
    assertThat(server.http.post("/api/v1/chains/BTC/notify", "x".repeat(70_000)).status())
        .isEqualTo(413);
  }
}
