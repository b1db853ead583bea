package mimbla.api;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import mimbla.business.Businesses;
import mimbla.chain.PaymentSource;
import mimbla.chain.PaymentSources;
import mimbla.chain.Sandbox;
import mimbla.chain.SandboxException;
import mimbla.chain.SourceHealth;
import mimbla.chain.SourceUnavailableException;
import mimbla.invoice.InvoiceException;
import mimbla.invoice.Invoices;
import mimbla.invoice.PaymentWatcher;
import mimbla.net.TorMode;
import mimbla.net.WebhookClient;
import mimbla.rates.Rates;
import mimbla.rates.RatesUnavailableException;
import mimbla.store.Store;
import mimbla.store.Timestamps;
import mimbla.tor.Tor;
import mimbla.webhook.Deliveries;
import mimbla.webhook.DeliveryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: routes, body limits and the one mapping from failures to JSON answers. No
 * request, however malformed, gets an HTML page or a stack trace.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  /** Request bodies above this size are refused with 413 before they are read. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  /** The parts the API serves. */
  public record Parts(
      Store store,
      Businesses businesses,
      Invoices invoices,
      PaymentSources sources,
      Rates rates,
      Optional<Sandbox> sandbox,
      PaymentWatcher watcher,
      String publicBase,
      Deliveries deliveries,
      WebhookClient webhookClient,
      Optional<PrometheusMeterRegistry> metrics,
      TorMode torMode,
      Optional<Tor> tor) {}

  private final Javalin javalin;

  private ApiServer(Javalin javalin) {
    this.javalin = javalin;
  }

  /** Starts listening; port 0 picks a free one. */
  public static ApiServer start(Parts parts, String host, int port) {
    return start(parts, host, port, routes -> {});
  }

  /**
   * Starts listening with more routes beside the API's: the pages, which add their own routes and
   * answer their own failures in HTML.
   */
  public static ApiServer start(
      Parts parts, String host, int port, Consumer<RoutesConfig> moreRoutes) {
    MerchantApi merchant =
        new MerchantApi(
            parts.businesses(),
            parts.invoices(),
            parts.sources(),
            parts.rates(),
            parts.publicBase());
    SandboxApi sandbox = new SandboxApi(parts.sandbox(), parts.watcher());
    SdkApi sdk =
        new SdkApi(parts.businesses(), parts.invoices(), parts.sources(), parts.rates(), merchant);
    ChainNotifyApi chainNotify = new ChainNotifyApi(parts.sources(), parts.watcher());
    DeliveriesApi deliveries =
        new DeliveriesApi(parts.invoices(), parts.deliveries(), parts.webhookClient());

    Javalin javalin =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.concurrency.useVirtualThreads = true;
              config.http.maxRequestSize = MAX_BODY_BYTES;
              config.http.prefer405over404 = true;
              config.jsonMapper(new JavalinJackson(Json.MAPPER, true));
              config.jetty.host = host;
              config.jetty.port = port;
              config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
              // Jetty reuses header fields already seen on a connection, matched by default without
              // regard to case: after a cookie "x", a session token "Xab…" arrived as "xab…". Keys
              // and tokens are case-sensitive, and a proxy may carry many browsers on one
              // connection.
              config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));

              config.routes.before(ApiServer::limitBody);
              config.routes.get("/", ctx -> ctx.json(about(parts)));
              config.routes.get("/health", ctx -> health(ctx, parts));
              merchant.register(config.routes);
              sdk.register(config.routes);
              deliveries.register(config.routes);
              parts.metrics().ifPresent(metrics -> serveMetrics(config.routes, metrics));
              sandbox.register(config.routes);
              moreRoutes.accept(config.routes);
              chainNotify.register(config.routes);
              registerErrors(config.routes);
            });
    javalin.start();
    log.info("api: listening on http://{}:{}", host, javalin.port());
    return new ApiServer(javalin);
  }

  public int port() {
    return javalin.port();
  }

  /**
   * A refused body is still read and dropped up to this much, so the client, still sending, is not
   * reset before it can read the 413. Beyond it the connection is closed: clients that send large
   * bodies should ask first with {@code Expect: 100-continue}, as curl does.
   */
  private static final long DRAIN_BYTES = 1 << 20;

  private static void limitBody(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > MAX_BODY_BYTES) {
      if (declared <= DRAIN_BYTES) {
        drain(ctx);
      }
      throw tooLarge();
    }
  }

  /** Reads and drops what is left of a refused body, up to the drain limit. */
  static void drain(Context ctx) {
    try {
      InputStream body = ctx.req().getInputStream();
      long left = DRAIN_BYTES;
      byte[] sink = new byte[8192];
      for (int n; left > 0 && (n = body.read(sink)) > 0; ) {
        left -= n;
      }
    } catch (IOException | RuntimeException e) {
      // The client went away or sent less than it declared; the 413 goes out regardless.
    }
  }

  static ApiError tooLarge() {
    return ApiError.problem(
        413, "request.too_large", "Request body is larger than " + MAX_BODY_BYTES + " bytes");
  }

  /** Prometheus's text format, version 0.0.4, which every scraper reads. */
  private static void serveMetrics(RoutesConfig routes, PrometheusMeterRegistry metrics) {
    routes.get(
        "/metrics",
        ctx ->
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
  }

  private static Map<String, Object> about(Parts parts) {
    Map<String, Object> about = new LinkedHashMap<>();
    about.put("name", "mimbla-server");
    about.put("api", MerchantApi.BASE);
    about.put("cryptos", parts.sources().offered());
    about.put("sandbox", parts.sandbox().isPresent());
    return about;
  }

  private static void health(Context ctx, Parts parts) {
    boolean database = parts.store().reachable();
    Map<String, Object> rates = new LinkedHashMap<>();
    rates.put("provider", parts.rates().providerName());
    rates.put(
        "fetched_at",
        parts.rates().last().map(snapshot -> Timestamps.wire(snapshot.fetchedAt())).orElse(null));
    boolean ratesFresh;
    try {
      parts.rates().fresh();
      ratesFresh = true;
    } catch (RatesUnavailableException e) {
      ratesFresh = false;
      rates.put("problem", e.getMessage());
    }
    rates.put("fresh", ratesFresh);

    Map<String, Object> payments = new LinkedHashMap<>();
    boolean sourcesUsable = true;
    for (PaymentSource source : parts.sources().all()) {
      SourceHealth sourceHealth = source.health();
      sourcesUsable &= sourceHealth.usable();
      Map<String, Object> shown = new LinkedHashMap<>();
      shown.put("source", source.kind());
      shown.put("state", sourceHealth.state().wire());
      sourceHealth.problem().ifPresent(problem -> shown.put("problem", problem));
      payments.put(source.crypto().name(), shown);
    }

    Map<String, Object> tor = new LinkedHashMap<>();
    tor.put("mode", parts.torMode().toString());
    parts.tor().ifPresent(link -> tor.putAll(link.health()));
    boolean torReady = parts.tor().map(Tor::ready).orElse(true);

    // A dead daemon or Tor degrades the server but does not fail the check: the other cryptos,
    // every invoice already issued, and clearnet webhooks keep working.
    Map<String, Object> health = new LinkedHashMap<>();
    health.put("status", database && ratesFresh && sourcesUsable && torReady ? "ok" : "degraded");
    health.put("database", database ? "ok" : "unreachable");
    health.put("rates", rates);
    health.put("payments", payments);
    health.put("tor", tor);
    ctx.status(database ? 200 : 503).json(health);
  }

  private static void registerErrors(RoutesConfig routes) {
    routes.exception(ApiError.class, (e, ctx) -> ctx.status(e.status()).json(e.body()));
    routes.exception(InvoiceException.class, (e, ctx) -> answer(ctx, InvoiceErrors.of(e)));
    routes.exception(
        RatesUnavailableException.class,
        (e, ctx) -> answer(ctx, ApiError.problem(503, e.code(), e.getMessage())));
    routes.exception(
        SourceUnavailableException.class,
        (e, ctx) ->
            answer(ctx, ApiError.problem(503, "payment.source_unavailable", e.getMessage())));
    routes.exception(
        SandboxException.class,
        (e, ctx) ->
            answer(ctx, ApiError.problem(e.notFound() ? 404 : 400, e.code(), e.getMessage())));
    routes.exception(
        DeliveryException.class,
        (e, ctx) -> answer(ctx, ApiError.problem(409, e.code(), e.getMessage())));
    routes.exception(HttpResponseException.class, ApiServer::frameworkError);
    routes.exception(
        Exception.class,
        (e, ctx) -> {
          log.error("api: {} {} failed", ctx.method(), ctx.path(), e);
          answer(ctx, ApiError.problem(500, "server.error", "Internal server error"));
        });
  }

  private static void answer(Context ctx, ApiError error) {
    ctx.status(error.status()).json(error.body());
  }

  /** Javalin's own refusals (unknown route, wrong method, body too large) in our envelope. */
  private static void frameworkError(HttpResponseException e, Context ctx) {
    ApiError error =
        switch (e.getStatus()) {
          case 404 ->
              ApiError.problem(
                  404, "route.not_found", "No route for " + ctx.method() + " " + ctx.path());
          case 405 ->
              ApiError.problem(
                  405,
                  "route.method_not_allowed",
                  "Method " + ctx.method() + " is not allowed here");
          case 413 -> tooLarge();
          default -> ApiError.problem(e.getStatus(), "request.refused", e.getMessage());
        };
    answer(ctx, error);
  }

  @Override
  public void close() {
    javalin.stop();
  }
}
