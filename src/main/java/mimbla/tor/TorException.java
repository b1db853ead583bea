package mimbla.tor;

/** Tor was asked for and cannot be had: the launched tor would not start. Stops start-up. */
public final class TorException extends RuntimeException {
  TorException(String message) {
    super(message);
  }

  TorException(String message, Throwable cause) {
    super(message, cause);
  }
}
