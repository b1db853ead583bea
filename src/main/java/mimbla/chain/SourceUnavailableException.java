package mimbla.chain;

/**
 * A payment source cannot do what was asked because its daemon or wallet is unreachable or still
 * syncing. The message is safe for an API answer: it names the crypto and the state, never a URL or
 * a credential.
 */
public final class SourceUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Crypto crypto;

  public SourceUnavailableException(Crypto crypto, String message) {
    super(message);
    this.crypto = crypto;
  }

  public Crypto crypto() {
    return crypto;
  }
}
