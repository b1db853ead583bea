package mimbla.store;

/** The database cannot be opened or migrated; start-up stops with this message. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
