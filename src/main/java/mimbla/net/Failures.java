package mimbla.net;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Names what went wrong when no HTTP answer arrived, as the attempt record shows it. */
final class Failures {
  static final String BLOCKED = "blocked";
  static final String URL = "url";
  static final String DNS = "dns";
  static final String REFUSED = "refused";
  static final String UNREACHABLE = "unreachable";
  static final String CONNECT_TIMEOUT = "connect_timeout";
  static final String TIMEOUT = "timeout";
  static final String RESET = "reset";
  static final String TLS = "tls";
  static final String PROTOCOL = "protocol";
  static final String TOR_OFF = "tor_off";
  static final String ONION_BAD_ADDRESS = "onion_bad_address";
  static final String IO = "io";

  /** Longest message kept; a peer's error text is not ours to store in full. */
  private static final int MESSAGE_LIMIT = 300;

  private Failures() {}

  /** The kind of failure, judged from the most telling exception in the chain. */
  static String kind(IOException failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof AddressRefusedException) {
        return BLOCKED;
      }
      if (cause instanceof TorRefusalException tor) {
        return tor.kind();
      }
    }
    String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
    return switch (failure) {
      case UnknownHostException unknown -> DNS;
      case ConnectException refused when message.contains("timed out") -> CONNECT_TIMEOUT;
      case ConnectException refused -> REFUSED;
      case NoRouteToHostException unreachable -> UNREACHABLE;
      case SSLException tls -> TLS;
      case InterruptedIOException timeout when message.contains("connect") -> CONNECT_TIMEOUT;
      case InterruptedIOException timeout -> TIMEOUT;
      case ProtocolException protocol -> PROTOCOL;
      case SocketException socket when message.contains("reset") -> RESET;
      case SocketException socket when message.contains("broken pipe") -> RESET;
      default -> message.contains("unexpected end of stream") ? PROTOCOL : IO;
    };
  }

  /** The message to keep: the exception's own text, shortened. */
  static String message(IOException failure) {
    String message =
        failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    return message.length() <= MESSAGE_LIMIT ? message : message.substring(0, MESSAGE_LIMIT) + "…";
  }
}
