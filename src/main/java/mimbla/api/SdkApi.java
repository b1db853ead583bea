package mimbla.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mimbla.business.Business;
import mimbla.business.Businesses;
import mimbla.chain.Crypto;
import mimbla.chain.PaymentSources;
import mimbla.invoice.Invoice;
import mimbla.invoice.InvoiceView;
import mimbla.invoice.Invoices;
import mimbla.rates.RateSnapshot;
import mimbla.rates.Rates;

/**
 * The browser SDK API under {@code /api/v1/sdk}, authenticated by the public {@code MB-CLIENT-ID}.
 * A client id is no secret, so each business lists the web origins that may use it: CORS answers
 * only those, and a request from any other origin, or without one, is refused. The invoice routes
 * run the merchant API's own handlers; only who is asking differs.
 *
 * <p>The origin check stops other sites' pages in a browser, not a script that forges the header:
 * everything here is what a business's own checkout page may do in public.
 */
final class SdkApi {
  static final String BASE = "/api/v1/sdk";
  private static final String ALLOWED_HEADERS = "Content-Type, MB-CLIENT-ID";

  private final Businesses businesses;
  private final Invoices invoices;
  private final PaymentSources sources;
  private final Rates rates;
  private final MerchantApi merchant;

  SdkApi(
      Businesses businesses,
      Invoices invoices,
      PaymentSources sources,
      Rates rates,
      MerchantApi merchant) {
    this.businesses = businesses;
    this.invoices = invoices;
    this.sources = sources;
    this.rates = rates;
    this.merchant = merchant;
  }

  void register(RoutesConfig routes) {
    routes.beforeMatched(BASE + "/*", this::authenticate);

    routes.post(BASE + "/invoice", merchant::createInvoice);
    routes.get(BASE + "/invoice/{slug}", this::getInvoice);
    routes.get(BASE + "/invoice/{slug}/status", this::status);
    routes.post(BASE + "/invoice/rp/{slug}", merchant::requestPayment);
    routes.get(BASE + "/cryptos", this::cryptos);
    routes.get(BASE + "/rates", this::rates);

    for (String path :
        List.of(
            "/invoice",
            "/invoice/{slug}",
            "/invoice/{slug}/status",
            "/invoice/rp/{slug}",
            "/cryptos",
            "/rates")) {
      routes.options(BASE + path, this::preflight);
    }
  }

  /**
   * A CORS preflight carries no client id, only the origin, so it is answered for an origin that
   * some business allows; the request itself is then checked against its own business's list.
   */
  private void preflight(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null || !businesses.anyAllows(origin)) {
      throw originRefused();
    }
    allow(ctx, origin);
    ctx.header("Access-Control-Allow-Methods", "GET, POST");
    ctx.header("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    ctx.header("Access-Control-Max-Age", "600");
    ctx.status(204);
  }

  private void authenticate(Context ctx) {
    if (ctx.method().name().equals("OPTIONS")) {
      return;
    }
    String clientId = ctx.header("MB-CLIENT-ID");
    if (clientId == null || clientId.isBlank()) {
      throw ApiError.messageOnly(401, "Client ID not provided");
    }
    Business business =
        businesses
            .byClientId(clientId.strip())
            .orElseThrow(() -> ApiError.messageOnly(401, "Invalid client ID"));

    List<String> allowed = businesses.origins(business.id());
    if (allowed.isEmpty()) {
      throw ApiError.problem(
          403,
          "sdk.no_origins",
          "This business allows no web origin to use the SDK API;"
              + " set some with: mimbla business origins");
    }
    String origin = ctx.header("Origin");
    if (origin == null || !allowed.contains(origin)) {
      throw originRefused();
    }
    allow(ctx, origin);
    ctx.attribute(MerchantApi.BUSINESS, business);
  }

  private static void allow(Context ctx, String origin) {
    ctx.header("Access-Control-Allow-Origin", origin);
    ctx.header("Vary", "Origin");
  }

  private static ApiError originRefused() {
    return ApiError.problem(
        403, "sdk.origin_refused", "This origin may not use the SDK API with this client ID");
  }

  /** The invoice as the merchant API shows it, less its webhook URL, which may hold a secret. */
  private void getInvoice(Context ctx) {
    InvoiceView view = invoices.find(MerchantApi.business(ctx), ctx.pathParam("slug"));
    ctx.json(Views.forBrowser(Views.details(view, merchant.invoiceUrl(view.invoice()))));
  }

  /** The compact status a checkout page polls. */
  private void status(Context ctx) {
    InvoiceView view = invoices.find(MerchantApi.business(ctx), ctx.pathParam("slug"));
    Invoice invoice = view.invoice();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("url_slug", invoice.slug());
    status.put("status", invoice.status().wire());
    status.put("payment_status", view.payment().map(p -> p.status().wire()).orElse(null));
    status.put("received", view.payment().map(p -> p.seenText()).orElse(null));
    status.put("confirmations", view.payment().map(p -> p.confirmations()).orElse(0));
    ctx.json(status);
  }

  private void cryptos(Context ctx) {
    List<String> accepted =
        MerchantApi.business(ctx).accepted(sources.offered()).stream().map(Crypto::name).toList();
    ctx.json(Map.of("cryptos", accepted));
  }

  /** Prices of every crypto the business accepts, keyed by symbol. */
  private void rates(Context ctx) {
    RateSnapshot snapshot = rates.fresh();
    Map<String, Map<String, String>> all = new LinkedHashMap<>();
    for (Crypto crypto : MerchantApi.business(ctx).accepted(sources.offered())) {
      all.put(crypto.name(), MerchantApi.prices(crypto, snapshot));
    }
    ctx.json(all);
  }
}
