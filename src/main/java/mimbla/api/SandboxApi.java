package mimbla.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Optional;
import mimbla.chain.Sandbox;
import mimbla.chain.Transfer;
import mimbla.invoice.PaymentWatcher;

/** Play-money payments for demos and tests; refused unless the sandbox is enabled. */
final class SandboxApi {
  static final String BASE = "/api/v1/sandbox";

  private final Optional<Sandbox> sandbox;
  private final PaymentWatcher watcher;

  SandboxApi(Optional<Sandbox> sandbox, PaymentWatcher watcher) {
    this.sandbox = sandbox;
    this.watcher = watcher;
  }

  record Paid(String transfer, String address, String amount, int confirmations) {}

  record Mined(int blocks, int transfers) {}

  void register(RoutesConfig routes) {
    routes.post(BASE + "/pay", this::pay);
    routes.post(BASE + "/mine", this::mine);
  }

  private Sandbox enabled() {
    return sandbox.orElseThrow(
        () -> ApiError.problem(403, "sandbox.disabled", "The sandbox is disabled on this server"));
  }

  private void pay(Context ctx) {
    Sandbox enabled = enabled();
    RequestBody body = RequestBody.read(ctx, "sandbox");
    String address =
        RequestBody.required(body.text("address"), "sandbox.address_required", "address");
    var amount = RequestBody.required(body.decimal("amount"), "sandbox.amount_required", "amount");
    Optional<Integer> confirmations = body.integer("confirmations", 0, Sandbox.MAX_CONFIRMATIONS);

    Transfer transfer = enabled.pay(address, amount, confirmations);
    watcher.wake();
    ctx.status(201)
        .json(
            new Paid(
                transfer.id(),
                address,
                amount.stripTrailingZeros().toPlainString(),
                transfer.confirmations()));
  }

  private void mine(Context ctx) {
    Sandbox enabled = enabled();
    RequestBody body = RequestBody.read(ctx, "sandbox");
    int blocks = body.integer("blocks", 1, Sandbox.MAX_CONFIRMATIONS).orElse(1);
    int transfers = enabled.mine(blocks);
    watcher.wake();
    ctx.json(new Mined(blocks, transfers));
  }
}
