package mimbla.net;

import java.io.IOException;

/**
 * Tor could not open the stream: it answered the SOCKS request with an error, could not be reached,
 * or is not ready. The kind is the word the attempt record shows.
 */
final class TorRefusalException extends IOException {
  private final String kind;

  TorRefusalException(String kind, String message) {
    super(message);
    this.kind = kind;
  }

  TorRefusalException(String kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  String kind() {
    return kind;
  }
}
