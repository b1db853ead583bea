package mimbla.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import mimbla.chain.Crypto;
import mimbla.chain.PaymentSources;
import mimbla.invoice.PaymentWatcher;

/**
 * Where a node's {@code walletnotify} or {@code blocknotify} command tells the server that
 * something arrived, so the crypto's source is scanned now instead of at the next poll. The call
 * carries nothing the server believes: it only brings a scan forward, and the scan asks the wallet.
 * Accepted from this machine only, since it is not authenticated.
 */
final class ChainNotifyApi {
  static final String PATH = "/api/v1/chains/{crypto}/notify";

  private final PaymentSources sources;
  private final PaymentWatcher watcher;

  ChainNotifyApi(PaymentSources sources, PaymentWatcher watcher) {
    this.sources = sources;
    this.watcher = watcher;
  }

  record Woken(String crypto, boolean woken) {}

  void register(RoutesConfig routes) {
    routes.post(PATH, this::notify);
  }

  private void notify(Context ctx) {
    if (!fromThisMachine(ctx.req().getRemoteAddr())) {
      throw ApiError.problem(
          403, "chain.notify_forbidden", "Chain notifications are accepted from this machine only");
    }
    Crypto crypto =
        Crypto.bySymbol(ctx.pathParam("crypto"))
            .filter(sources::offers)
            .orElseThrow(
                () -> ApiError.problem(404, "crypto.not_offered", "crypto is not offered here"));

    watcher.wake(crypto);
    ctx.status(202).json(new Woken(crypto.name(), true));
  }

  /** True for a loopback peer. The address is a literal from the socket: nothing is resolved. */
  static boolean fromThisMachine(String remoteAddress) {
    try {
      String literal =
          remoteAddress.startsWith("[") && remoteAddress.endsWith("]")
              ? remoteAddress.substring(1, remoteAddress.length() - 1)
              : remoteAddress;
      if (!literal.matches("[0-9a-fA-F:.]+")) {
        return false;
      }
      return InetAddress.getByName(literal).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
