package mimbla.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Requests no HTTP client library would send, written byte by byte on a socket: whatever Jetty
 * refuses before a route runs must still answer JSON, never an HTML error page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RawRequestTest {
  TestServer server;

  @BeforeAll
  void start() {
    server = TestServer.start(StoreKind.SQLITE);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  String exchange(String head, byte[] body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.mimbla.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      try {
        out.write(body);
        out.flush();
      } catch (IOException closedEarly) {
        // The server may answer and close before reading a body it refuses.
      }
      return readAll(socket.getInputStream());
    }
  }

  static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        answer.write(buffer, 0, n);
      }
    } catch (IOException reset) {
      // A reset after the answer was read still leaves the answer.
    }
    return answer.toString(StandardCharsets.ISO_8859_1);
  }

  static void assertJsonRefusal(String answer, int status) {
    assertThat(answer).startsWith("HTTP/1.1 " + status);
    assertThat(answer.toLowerCase(java.util.Locale.ROOT))
        .contains("content-type: application/json");
    assertThat(answer).doesNotContain("<html", "<HTML", "Exception");
    assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4))
        .startsWith("{")
        .contains("\"error\"");
  }

  @Test
  void aMalformedPathEncodingAnswersJson() throws IOException {
    String answer =
        exchange(
            "GET /api/v1/merchant/invoice/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            new byte[0]);
    assertJsonRefusal(answer, 400);
  }

  @Test
  void anOversizedHeaderAnswersJson() throws IOException {
    String answer =
        exchange(
            "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: "
                + "a".repeat(64 * 1024)
                + "\r\nConnection: close\r\n\r\n",
            new byte[0]);
    assertJsonRefusal(answer, 431);
  }

  @Test
  void aHugeDeclaredBodyIsRefusedBeforeItIsSent() throws IOException {
    String answer =
        exchange(
            "POST /api/v1/merchant/invoice HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "MB-API-KEY: "
                + server.shop.apiKey()
                + "\r\nContent-Length: 10485760\r\nConnection: close\r\n\r\n",
            new byte[0]);
    assertJsonRefusal(answer, 413);
  }

  @Test
  void aHugeChunkedBodyIsCutOffAt64KiB() throws IOException {
    StringBuilder chunks = new StringBuilder();
    String chunk = "x".repeat(8192);
    for (int i = 0; i < 20; i++) {
      chunks
          .append(Integer.toHexString(chunk.length()))
          .append("\r\n")
          .append(chunk)
          .append("\r\n");
    }
    chunks.append("0\r\n\r\n");
    String answer =
        exchange(
            "POST /api/v1/merchant/invoice HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "MB-API-KEY: "
                + server.shop.apiKey()
                + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            chunks.toString().getBytes(StandardCharsets.ISO_8859_1));
    assertJsonRefusal(answer, 413);
    assertThat(server.count("SELECT COUNT(*) FROM invoice")).isZero();
  }

  @Test
  void invalidUtf8InABodyIsRefusedAsMalformed() throws IOException {
    byte[] body = {
      '{', '"', 'a', 'm', 'o', 'u', 'n', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'
    };
    String answer =
        exchange(
            "POST /api/v1/merchant/invoice HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "MB-API-KEY: "
                + server.shop.apiKey()
                + "\r\nContent-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n",
            body);
    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(answer).contains("\"error\"").doesNotContain("Exception");
  }

  @Test
  void aGarbageRequestLineAnswersJsonOrCloses() throws IOException {
    String answer = exchange("\u0001\u0002 NOT HTTP\r\n\r\n", new byte[0]);
    if (!answer.isEmpty()) {
      assertJsonRefusal(answer, 400);
    }
  }
}
