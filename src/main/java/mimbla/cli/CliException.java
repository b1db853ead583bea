package mimbla.cli;

/** A command that cannot do what was asked; the message is printed as is. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean usage;

  CliException(String message, boolean usage) {
    super(message);
    this.usage = usage;
  }

  CliException(String message, Throwable cause) {
    super(message, cause);
    this.usage = false;
  }

  /** True when the command line itself was wrong (exit code 2). */
  boolean usage() {
    return usage;
  }
}
