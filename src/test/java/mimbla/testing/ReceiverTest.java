package mimbla.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import mimbla.testing.Receiver.Received;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook receiver itself: it records the bytes that really arrive, and each way of misbehaving
 * looks to a client exactly as its name says.
 */
class ReceiverTest {
  static final Duration WAIT = Duration.ofSeconds(5);
  static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

  /** Like the sender: no redirects followed, no silent retries. */
  static final OkHttpClient CLIENT =
      new OkHttpClient.Builder()
          .callTimeout(WAIT)
          .followRedirects(false)
          .retryOnConnectionFailure(false)
          .build();

  Receiver receiver;

  @BeforeEach
  void start() {
    receiver = Receiver.start();
  }

  @AfterEach
  void stop() {
    receiver.close();
    assertThat(receiver.errors()).isEmpty();
  }

  String head(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + receiver.port() + "\r\n\r\n";
  }

  Socket connect(String request) throws IOException {
    Socket socket = new Socket(Receiver.LOOPBACK, receiver.port());
    socket.setSoTimeout((int) WAIT.toMillis());
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    return socket;
  }

  String exchange(String request) throws IOException {
    try (Socket socket = connect(request)) {
      return readAll(socket.getInputStream());
    }
  }

  static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    in.transferTo(answer);
    return answer.toString(StandardCharsets.ISO_8859_1);
  }

  static Response get(OkHttpClient client, String url) throws IOException {
    return client.newCall(new Request.Builder().url(url).build()).execute();
  }

  @Test
  void recordsTheExactBytesThatArrived() throws IOException {
    String request =
        "GET /hook?invoice=a%20b HTTP/1.1\r\nHost: 127.0.0.1:"
            + receiver.port()
            + "\r\nConnection: close\r\n\r\n";

    assertThat(exchange(request)).isEqualTo(OK);

    Received received = receiver.awaitRequest(WAIT);
    assertThat(received.bytes()).isEqualTo(request.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(received.raw()).isEqualTo(request);
    assertThat(received.path()).isEqualTo("/hook?invoice=a%20b");
    assertThat(received.at()).isNotNull();
    assertThat(receiver.url("/hook")).isEqualTo("http://127.0.0.1:" + receiver.port() + "/hook");
  }

  @Test
  void recordsABodyOnlyWhenContentLengthAnnouncesOne() throws IOException {
    String post = "POST /p HTTP/1.1\r\nHost: x\r\ncontent-length: 5\r\n\r\nhello";
    exchange(post);
    String bare = head("/bare");
    Socket unread = connect(bare + "not a body");
    receiver.awaitRequests(2, WAIT);
    unread.close();

    assertThat(receiver.requests()).extracting(Received::raw).containsExactly(post, bare);
  }

  @Test
  void answersTheStatusItIsTold() throws IOException {
    receiver.answer(503);

    try (Response response = get(CLIENT, receiver.url("/status"))) {
      assertThat(response.code()).isEqualTo(503);
      assertThat(response.header("Content-Length")).isEqualTo("0");
    }
    assertThat(receiver.awaitRequest(WAIT).raw()).startsWith("GET /status HTTP/1.1\r\n");
  }

  @Test
  void redirectsWithALocation() throws IOException {
    receiver.redirect(307, "http://127.0.0.1:1/elsewhere");

    try (Response response = get(CLIENT, receiver.url("/moved"))) {
      assertThat(response.code()).isEqualTo(307);
      assertThat(response.header("Location")).isEqualTo("http://127.0.0.1:1/elsewhere");
    }
  }

  @Test
  void hangKeepsTheClientWaitingUntilItsReadTimeout() throws IOException {
    receiver.hang();

    try (Socket socket = connect(head("/hang"))) {
      socket.setSoTimeout(300);
      long started = System.nanoTime();

      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(ms(250));
    }
    assertThat(receiver.count()).isEqualTo(1);
  }

  @Test
  void resetGivesTheClientAConnectionReset() throws IOException {
    receiver.reset();

    try (Socket socket = connect(head("/reset"))) {
      assertThatThrownBy(() -> socket.getInputStream().read())
          .isInstanceOf(SocketException.class)
          .hasMessageContaining("Connection reset");
    }
    assertThat(receiver.awaitRequest(WAIT).path()).isEqualTo("/reset");
  }

  @Test
  void slowHeadersPauseBetweenEveryByte() throws IOException {
    receiver.slowHeaders(ms(10));
    long started = System.nanoTime();

    String answer = exchange(head("/slow"));

    assertThat(answer).isEqualTo(OK);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(ms(10).multipliedBy(OK.length() - 1));
  }

  @Test
  void delayAnswersOnlyAfterTheWait() throws IOException {
    receiver.delay(ms(300));
    long started = System.nanoTime();

    try (Response response = get(CLIENT, receiver.url("/late"))) {
      assertThat(response.code()).isEqualTo(200);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(ms(300));
  }

  @Test
  void closeWithoutAnswerSendsNotASingleByte() throws IOException {
    receiver.closeWithoutAnswer();

    assertThat(exchange(head("/silent"))).isEmpty();
    assertThat(receiver.awaitRequest(WAIT).path()).isEqualTo("/silent");
  }

  @Test
  void tlsAnswersAClientThatTrustsItsCertificateOnly() throws IOException {
    HeldCertificate certificate = Receiver.selfSigned();
    HandshakeCertificates trusting =
        new HandshakeCertificates.Builder()
            .addTrustedCertificate(certificate.certificate())
            .build();
    OkHttpClient trustingClient =
        CLIENT
            .newBuilder()
            .sslSocketFactory(trusting.sslSocketFactory(), trusting.trustManager())
            .build();

    Receiver tls = Receiver.startTls(certificate);
    try {
      assertThat(tls.url("/hook")).isEqualTo("https://127.0.0.1:" + tls.port() + "/hook");
      assertThatThrownBy(() -> get(CLIENT, tls.url("/hook")).close())
          .isInstanceOf(SSLHandshakeException.class);
      try (Response response = get(trustingClient, tls.url("/hook"))) {
        assertThat(response.code()).isEqualTo(200);
      }

      assertThat(tls.awaitRequests(1, WAIT)).extracting(Received::path).containsExactly("/hook");
      assertThat(tls.connections()).isEqualTo(2);
    } finally {
      tls.close();
    }
    assertThat(tls.errors()).isEmpty();
  }

  @Test
  void awaitRequestNamesItsTimeout() {
    assertThatThrownBy(() -> receiver.awaitRequest(ms(150)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("within 150 ms");
  }

  @Test
  void assertNoMoreWithinCatchesARequestBeyondThoseAwaited() throws IOException {
    exchange(head("/first"));
    exchange(head("/again"));
    receiver.awaitRequests(2, WAIT);
    receiver.assertNoMoreWithin(ms(100));

    exchange(head("/third"));

    assertThatThrownBy(() -> receiver.assertNoMoreWithin(ms(100)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("/third");
    assertThat(receiver.awaitRequest(WAIT).path()).isEqualTo("/third");
  }

  @Test
  void refusingPortRefuses() {
    int port = Receiver.refusingPort();

    assertThatThrownBy(() -> new Socket(Receiver.LOOPBACK, port).close())
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void closeReleasesHungConnectionsAndLaterConnectionsGetTheNewBehaviour() throws IOException {
    receiver.hang();
    try (Socket hung = connect(head("/hung"))) {
      receiver.awaitRequest(WAIT);
      receiver.answer(200);
      assertThat(exchange(head("/after"))).isEqualTo(OK);
      long started = System.nanoTime();

      receiver.close();

      assertThat(hung.getInputStream().read()).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(WAIT);
    }
  }

  @Test
  void survivesHostileClients() throws IOException {
    try (Socket silent = new Socket(Receiver.LOOPBACK, receiver.port())) {
      silent.shutdownOutput();
    }
    try (Socket garbage = connect("\u0000\u00ffgarbage\n\n")) {
      garbage.shutdownOutput();
      assertThat(garbage.getInputStream().read()).isEqualTo(-1);
    }
    try (Socket half = connect("GET /half HTTP/1.1\r\nHost: x\r\n")) {
      half.shutdownOutput();
      assertThat(half.getInputStream().read()).isEqualTo(-1);
    }
    try (Socket huge = new Socket(Receiver.LOOPBACK, receiver.port())) {
      writeUntilCutOff(huge, "GET /huge HTTP/1.1\r\nX-Pad: " + "a".repeat(70_000));
      receiver.awaitRequests(3, WAIT);
    }

    List<Received> received = receiver.awaitRequests(3, WAIT);
    assertThat(received).extracting(Received::path).containsExactly("", "/half", "/huge");
    assertThat(received).extracting(r -> r.bytes().length).contains(Receiver.CAP);
    assertThat(exchange(head("/fine"))).isEqualTo(OK);
    assertThat(receiver.connections()).isEqualTo(5);
    assertThat(receiver.count()).isEqualTo(4);
  }

  /** Writes as much as the receiver takes: it hangs up once it has read its cap. */
  static void writeUntilCutOff(Socket socket, String text) throws IOException {
    try {
      socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    } catch (SocketException cutOff) {
      // The receiver closed before the last of the padding was written.
    }
  }

  static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
