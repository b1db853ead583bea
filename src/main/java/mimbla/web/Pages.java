package mimbla.web;

import io.javalin.config.RoutesConfig;
import java.time.Clock;
import java.util.Optional;
import mimbla.business.Businesses;
import mimbla.chain.PaymentSources;
import mimbla.chain.Sandbox;
import mimbla.invoice.Invoices;
import mimbla.invoice.PaymentWatcher;
import mimbla.net.WebhookClient;
import mimbla.store.Store;
import mimbla.webhook.Deliveries;

/**
 * The server's HTML: the hosted pay page and the merchant dashboard, with their style sheet and
 * scripts. Every answer carries a strict Content-Security-Policy. Pages call the same parts the API
 * calls; they hold no rules of their own.
 */
public final class Pages {
  private final PayPage pay;
  private final Dashboard dashboard;
  private final Assets assets = new Assets();

  /** The parts the pages show and act on. */
  public record Parts(
      Businesses businesses,
      Invoices invoices,
      PaymentSources sources,
      Optional<Sandbox> sandbox,
      PaymentWatcher watcher,
      Deliveries deliveries,
      WebhookClient webhookClient,
      Store store,
      String publicBase,
      Clock clock) {}

  public Pages(Parts parts) {
    Templates templates = new Templates();
    this.pay =
        new PayPage(
            parts.businesses(),
            parts.invoices(),
            parts.sources(),
            parts.sandbox(),
            parts.watcher(),
            templates,
            parts.clock());
    this.dashboard =
        new Dashboard(
            parts.businesses(),
            parts.invoices(),
            parts.deliveries(),
            parts.webhookClient(),
            new Sessions(parts.store(), parts.businesses(), parts.clock()),
            templates,
            parts.publicBase());
  }

  /** Adds the pages' routes to the server. */
  public void register(RoutesConfig routes) {
    for (String path : new String[] {"/pay/*", "/assets/*", "/dashboard", "/dashboard/*"}) {
      routes.before(
          path,
          ctx -> {
            Headers.secure(ctx);
            Headers.noStore(ctx);
          });
    }
    routes.get("/assets/{file}", assets::serve);
    pay.register(routes);
    dashboard.register(routes);
  }
}
