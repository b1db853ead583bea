package mimbla.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import mimbla.business.Business;
import mimbla.invoice.Invoice;
import mimbla.invoice.InvoiceException;
import mimbla.invoice.Invoices;
import mimbla.net.Outcome;
import mimbla.net.WebhookClient;
import mimbla.store.Timestamps;
import mimbla.webhook.Attempt;
import mimbla.webhook.Deliveries;
import mimbla.webhook.Delivery;

/**
 * The webhook routes of the merchant API, beyond Mimbla's: an invoice's delivery log, a redelivery
 * on request, and a reachability test that sends one GET the way a notification goes.
 */
final class DeliveriesApi {
  private final Invoices invoices;
  private final Deliveries deliveries;
  private final WebhookClient client;

  DeliveriesApi(Invoices invoices, Deliveries deliveries, WebhookClient client) {
    this.invoices = invoices;
    this.deliveries = deliveries;
    this.client = client;
  }

  void register(RoutesConfig routes) {
    routes.get(MerchantApi.BASE + "/invoice/{slug}/deliveries", this::log);
    routes.post(MerchantApi.BASE + "/invoice/{slug}/deliveries", this::redeliver);
    routes.post(MerchantApi.BASE + "/webhook/test", this::test);
  }

  private void log(Context ctx) {
    Invoice invoice = invoices.find(MerchantApi.business(ctx), ctx.pathParam("slug")).invoice();
    List<DeliveryView> shown = deliveries.of(invoice).stream().map(DeliveriesApi::view).toList();
    ctx.json(new DeliveryLog(invoice.slug(), invoice.webhookUrl().orElse(null), shown));
  }

  private void redeliver(Context ctx) {
    Invoice invoice = invoices.find(MerchantApi.business(ctx), ctx.pathParam("slug")).invoice();
    ctx.status(202).json(view(deliveries.redeliver(invoice)));
  }

  private void test(Context ctx) {
    RequestBody body = RequestBody.read(ctx, "webhook");
    String url = RequestBody.required(body.text("url"), "webhook.url_required", "url");
    try {
      invoices.checkWebhookUrl("url", url);
    } catch (InvoiceException e) {
      throw ApiError.badRequest("webhook.url_invalid", e.getMessage());
    }

    Business business = MerchantApi.business(ctx);
    Outcome outcome = client.send(url, business.id());
    ctx.json(
        new TestResult(
            outcome.httpStatus().isPresent(),
            outcome.route(),
            Timestamps.wire(outcome.startedAt()),
            millis(outcome.duration()),
            outcome.httpStatus().isPresent() ? outcome.httpStatus().getAsInt() : null,
            outcome.failure().map(Outcome.Failure::kind).orElse(null),
            outcome.failure().map(Outcome.Failure::message).orElse(null)));
  }

  record DeliveryLog(String invoice, String webhookUrl, List<DeliveryView> deliveries) {}

  record DeliveryView(
      String id,
      String kind,
      String state,
      String url,
      String createdAt,
      String dueAt,
      int attempts,
      String outcome,
      List<AttemptView> attemptLog) {}

  record AttemptView(
      int number,
      String startedAt,
      double durationMs,
      String route,
      Integer status,
      String errorKind,
      String error,
      boolean redelivery,
      boolean retry,
      boolean reclaimed,
      String node) {}

  record TestResult(
      boolean reachable,
      String route,
      String startedAt,
      double durationMs,
      Integer status,
      String errorKind,
      String error) {}

  private static DeliveryView view(Delivery delivery) {
    boolean redelivery = delivery.kind() == Delivery.Kind.REDELIVERY;
    return new DeliveryView(
        delivery.id(),
        delivery.kind().wire(),
        delivery.state().wire(),
        delivery.url(),
        Timestamps.wire(delivery.createdAt()),
        delivery.state() == Delivery.State.DUE ? Timestamps.wire(delivery.dueAt()) : null,
        delivery.attempts(),
        delivery.outcome().orElse(null),
        delivery.attemptLog().stream().map(attempt -> view(attempt, redelivery)).toList());
  }

  private static AttemptView view(Attempt attempt, boolean redelivery) {
    return new AttemptView(
        attempt.number(),
        Timestamps.wire(attempt.startedAt()),
        millis(attempt.duration()),
        attempt.route(),
        attempt.httpStatus().isPresent() ? attempt.httpStatus().getAsInt() : null,
        attempt.errorKind().orElse(null),
        attempt.errorMessage().orElse(null),
        redelivery,
        attempt.number() > 1,
        attempt.reclaimed(),
        attempt.node());
  }

  /** Milliseconds with a tenth of a millisecond shown: loopback deliveries take less than one. */
  private static double millis(java.time.Duration duration) {
    return Math.round(duration.toNanos() / 100_000.0) / 10.0;
  }
}
