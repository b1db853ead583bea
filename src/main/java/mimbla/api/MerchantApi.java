package mimbla.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import mimbla.business.Business;
import mimbla.business.Businesses;
import mimbla.chain.Crypto;
import mimbla.chain.PaymentSources;
import mimbla.invoice.Invoice;
import mimbla.invoice.InvoiceView;
import mimbla.invoice.Invoices;
import mimbla.invoice.NewInvoice;
import mimbla.rates.Fiat;
import mimbla.rates.RateSnapshot;
import mimbla.rates.Rates;

/** The merchant API under {@code /api/v1/merchant}, authenticated by {@code MB-API-KEY}. */
final class MerchantApi {
  static final String BASE = "/api/v1/merchant";
  static final String BUSINESS = "mimbla.business";

  private final Businesses businesses;
  private final Invoices invoices;
  private final PaymentSources sources;
  private final Rates rates;
  private final String publicBase;

  MerchantApi(
      Businesses businesses,
      Invoices invoices,
      PaymentSources sources,
      Rates rates,
      String publicBase) {
    this.businesses = businesses;
    this.invoices = invoices;
    this.sources = sources;
    this.rates = rates;
    this.publicBase = publicBase;
  }

  void register(RoutesConfig routes) {
    // Matched routes only: an unknown path is a 404 and a wrong method a 405, key or not.
    routes.beforeMatched(BASE + "/*", this::authenticate);

    routes.post(BASE + "/invoice", this::createInvoice);
    routes.get(BASE + "/invoice/{slug}", this::getInvoice);
    routes.delete(BASE + "/invoice/{slug}", this::deleteInvoice);
    routes.post(BASE + "/invoice/rp/{slug}", this::requestPayment);
    routes.get(BASE + "/invoice/{slug}/history", this::history);
    routes.get(BASE + "/rates/{crypto}", this::rates);
  }

  private void authenticate(Context ctx) {
    String key = ctx.header("MB-API-KEY");
    if (key == null || key.isBlank()) {
      throw ApiError.messageOnly(401, "API key not provided");
    }
    Business business =
        businesses
            .authenticate(key.strip())
            .orElseThrow(() -> ApiError.messageOnly(401, "Invalid API key"));
    ctx.attribute(BUSINESS, business);
  }

  static Business business(Context ctx) {
    return ctx.attribute(BUSINESS);
  }

  void createInvoice(Context ctx) {
    RequestBody body = RequestBody.read(ctx, "invoice");
    NewInvoice request =
        new NewInvoice(
            RequestBody.required(body.decimal("amount"), "invoice.amount_required", "amount"),
            body.text("currency"),
            body.text("crypto"),
            body.text("due_date"),
            body.text("close_url"),
            body.text("redirect_url"),
            body.text("webhook_url"),
            body.bool("automatic_redirect"));
    Invoice invoice = invoices.create(business(ctx), request);
    ctx.status(201).json(Views.created(invoice, invoiceUrl(invoice)));
  }

  void getInvoice(Context ctx) {
    InvoiceView view = invoices.find(business(ctx), ctx.pathParam("slug"));
    ctx.json(Views.details(view, invoiceUrl(view.invoice())));
  }

  private void deleteInvoice(Context ctx) {
    invoices.cancel(business(ctx), ctx.pathParam("slug"));
    ctx.json(new Views.Message("Invoice deleted"));
  }

  void requestPayment(Context ctx) {
    RequestBody body = RequestBody.read(ctx, "payment");
    InvoiceView view =
        invoices.requestPayment(business(ctx), ctx.pathParam("slug"), body.text("crypto"));
    ctx.status(201).json(Views.requested(view.invoice(), view.payment().orElseThrow()));
  }

  private void history(Context ctx) {
    String slug = ctx.pathParam("slug");
    ctx.json(Views.history(slug, invoices.history(business(ctx), slug)));
  }

  /** {@code GET /rates/{crypto}}: the crypto must be one this server offers. */
  private void rates(Context ctx) {
    Crypto crypto =
        Crypto.bySymbol(ctx.pathParam("crypto"))
            .filter(sources::offers)
            .orElseThrow(() -> ApiError.errorOnly(404, "Crypto not found"));
    ctx.json(prices(crypto, rates.fresh()));
  }

  /** Prices of one crypto in USD, EUR and GBP as strings with two decimals. */
  static Map<String, String> prices(Crypto crypto, RateSnapshot snapshot) {
    Map<String, String> prices = new LinkedHashMap<>();
    for (Fiat fiat : new Fiat[] {Fiat.USD, Fiat.EUR, Fiat.GBP}) {
      snapshot
          .price(crypto, fiat)
          .ifPresent(
              price -> prices.put(fiat.name().toLowerCase(Locale.ROOT), RateSnapshot.shown(price)));
    }
    return prices;
  }

  String invoiceUrl(Invoice invoice) {
    return publicBase + "/pay/" + invoice.slug();
  }
}
