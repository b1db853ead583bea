package mimbla.chain;

/** A sandbox payment that cannot be made: a stable code and a message naming the field. */
public final class SandboxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final boolean notFound;

  SandboxException(String code, String message, boolean notFound) {
    super(message);
    this.code = code;
    this.notFound = notFound;
  }

  public String code() {
    return code;
  }

  /** True when the address was never issued by the sandbox. */
  public boolean notFound() {
    return notFound;
  }
}
