package mimbla.chain;

/**
 * A JSON-RPC call that did not return a result. {@link Kind#UNREACHABLE} and {@link Kind#SYNCING}
 * are the daemon's state; {@link Kind#ERROR} is an answer with an error code. The message never
 * holds a credential or a URL beyond host and port.
 */
final class RpcFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  enum Kind {
    UNREACHABLE,
    SYNCING,
    ERROR
  }

  /** Bitcoin Core: the wallet named in the URL is not loaded. */
  static final int WALLET_NOT_FOUND = -18;

  /** Bitcoin Core: loading blocks or the wallet, or verifying, after a start. */
  static final int WARMING_UP = -28;

  /** Bitcoin Core: the block hash given is not known to the node. */
  static final int BLOCK_NOT_FOUND = -5;

  private final Kind kind;
  private final int code;

  RpcFailure(Kind kind, int code, String message) {
    super(message);
    this.kind = kind;
    this.code = code;
  }

  Kind kind() {
    return kind;
  }

  int code() {
    return code;
  }
}
