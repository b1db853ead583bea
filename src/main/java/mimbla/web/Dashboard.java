package mimbla.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import mimbla.business.Business;
import mimbla.business.Businesses;
import mimbla.ids.RandomText;
import mimbla.invoice.Invoice;
import mimbla.invoice.InvoiceEvent;
import mimbla.invoice.InvoiceException;
import mimbla.invoice.InvoiceListing;
import mimbla.invoice.InvoiceStatus;
import mimbla.invoice.InvoiceView;
import mimbla.invoice.Invoices;
import mimbla.invoice.Payment;
import mimbla.net.Outcome;
import mimbla.net.WebhookClient;
import mimbla.webhook.Attempt;
import mimbla.webhook.Deliveries;
import mimbla.webhook.Delivery;
import mimbla.webhook.DeliveryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merchant dashboard, {@code /dashboard}: sign in with an API key, list and search invoices,
 * read one invoice's payment, history and webhook deliveries, ask for a redelivery, and run the
 * reachability test. Every action calls the part the merchant API calls.
 *
 * <p>The session is an HttpOnly, SameSite=Strict cookie holding a random token; the API key never
 * reaches the browser's storage. Every form carries a CSRF token checked in constant time: the
 * session's once signed in, and before that one from a short-lived cookie (double submit).
 */
final class Dashboard {
  private static final Logger log = LoggerFactory.getLogger(Dashboard.class);

  static final String SESSION_COOKIE = "mimbla_session";
  static final String SIGN_IN_COOKIE = "mimbla_sign_in";
  static final int PAGE_SIZE = 50;
  private static final String PATH = "/dashboard";
  private static final Duration SIGN_IN_FORM_LIFETIME = Duration.ofHours(1);
  private static final DateTimeFormatter SHOWN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private final Businesses businesses;
  private final Invoices invoices;
  private final Deliveries deliveries;
  private final WebhookClient webhookClient;
  private final Sessions sessions;
  private final Templates templates;
  private final String publicBase;

  Dashboard(
      Businesses businesses,
      Invoices invoices,
      Deliveries deliveries,
      WebhookClient webhookClient,
      Sessions sessions,
      Templates templates,
      String publicBase) {
    this.businesses = businesses;
    this.invoices = invoices;
    this.deliveries = deliveries;
    this.webhookClient = webhookClient;
    this.sessions = sessions;
    this.templates = templates;
    this.publicBase = publicBase;
  }

  void register(RoutesConfig routes) {
    routes.get(PATH, templates.guarded(this::home));
    routes.get(PATH + "/sign-in", templates.guarded(this::signInForm));
    routes.post(PATH + "/sign-in", templates.guarded(this::signIn));
    routes.post(PATH + "/sign-out", templates.guarded(this::signOut));
    routes.get(PATH + "/invoices", templates.guarded(this::list));
    routes.get(PATH + "/invoices/{slug}", templates.guarded(this::invoice));
    routes.post(PATH + "/invoices/{slug}/redeliver", templates.guarded(this::redeliver));
    routes.get(PATH + "/webhook-test", templates.guarded(this::webhookTestForm));
    routes.post(PATH + "/webhook-test", templates.guarded(this::webhookTest));
  }

  private void home(Context ctx) {
    ctx.redirect(
        session(ctx).isPresent() ? PATH + "/invoices" : PATH + "/sign-in", HttpStatus.SEE_OTHER);
  }

  // Signing in and out

  private void signInForm(Context ctx) {
    if (session(ctx).isPresent()) {
      ctx.redirect(PATH + "/invoices", HttpStatus.SEE_OTHER);
      return;
    }
    showSignIn(ctx, 200, null);
  }

  private void showSignIn(Context ctx, int status, String error) {
    String token = RandomText.base62(32);
    ctx.cookie(cookie(SIGN_IN_COOKIE, token, (int) SIGN_IN_FORM_LIFETIME.toSeconds()));
    templates.render(ctx, status, "dashboard/sign_in.jte", new BoardView.SignIn(token, error));
  }

  private void signIn(Context ctx) {
    String expected = ctx.cookie(SIGN_IN_COOKIE);
    if (expected == null || !Sessions.sameToken(expected, ctx.formParam("csrf"))) {
      showSignIn(ctx, 403, "The sign-in form expired. Please enter your API key again.");
      return;
    }
    String key = Optional.ofNullable(ctx.formParam("api_key")).orElse("").strip();
    Optional<Business> business = businesses.authenticate(key);
    if (business.isEmpty()) {
      showSignIn(ctx, 401, key.isEmpty() ? "Enter your API key." : "That API key is not valid.");
      return;
    }

    String prefix = key.substring(0, Businesses.PREFIX_LENGTH);
    Sessions.Opened opened = sessions.open(business.get(), prefix);
    ctx.cookie(cookie(SESSION_COOKIE, opened.token(), (int) Sessions.LIFETIME.toSeconds()));
    ctx.cookie(cookie(SIGN_IN_COOKIE, "", 0));
    log.info("business={} key={} signed in to the dashboard", business.get().id(), prefix);
    ctx.redirect(PATH + "/invoices", HttpStatus.SEE_OTHER);
  }

  private void signOut(Context ctx) {
    Optional<Sessions.Session> session = checkedSession(ctx);
    if (session.isEmpty()) {
      return;
    }
    sessions.close(ctx.cookie(SESSION_COOKIE));
    ctx.cookie(cookie(SESSION_COOKIE, "", 0));
    ctx.redirect(PATH + "/sign-in", HttpStatus.SEE_OTHER);
  }

  private Cookie cookie(String name, String value, int maxAgeSeconds) {
    return new Cookie(
        name,
        value,
        PATH,
        maxAgeSeconds,
        publicBase.startsWith("https://"),
        true,
        null,
        SameSite.STRICT);
  }

  /** The session of a page view; without one, the answer is a redirect to the sign-in form. */
  private Optional<Sessions.Session> session(Context ctx) {
    return sessions.find(ctx.cookie(SESSION_COOKIE));
  }

  private Optional<Sessions.Session> viewer(Context ctx) {
    Optional<Sessions.Session> session = session(ctx);
    if (session.isEmpty()) {
      ctx.redirect(PATH + "/sign-in", HttpStatus.SEE_OTHER);
    }
    return session;
  }

  /** The session of a form post, with its CSRF token checked; otherwise answered with 403. */
  private Optional<Sessions.Session> checkedSession(Context ctx) {
    Optional<Sessions.Session> session = session(ctx);
    if (session.isEmpty()) {
      ctx.redirect(PATH + "/sign-in", HttpStatus.SEE_OTHER);
      return session;
    }
    if (!Sessions.sameToken(session.get().csrf(), ctx.formParam("csrf"))) {
      ctx.status(403)
          .contentType("text/plain; charset=utf-8")
          .result("This form has expired. Go back, reload the page and try again.");
      return Optional.empty();
    }
    return session;
  }

  private static BoardView.Frame frame(Sessions.Session session, String section) {
    return new BoardView.Frame(session.business().name(), session.csrf(), section);
  }

  // Invoices

  private void list(Context ctx) {
    Optional<Sessions.Session> session = viewer(ctx);
    if (session.isEmpty()) {
      return;
    }

    String status = Optional.ofNullable(ctx.queryParam("status")).orElse("");
    String query = Optional.ofNullable(ctx.queryParam("q")).orElse("").strip();
    String after = ctx.queryParam("after");
    InvoiceListing.Page page;
    try {
      page =
          invoices.list(
              session.get().business(),
              InvoiceListing.Query.parse(status, query, after),
              PAGE_SIZE);
    } catch (InvoiceException e) {
      BoardView.Invoices refused =
          new BoardView.Invoices(
              frame(session.get(), "invoices"), "", "", List.of(), null, true, e.getMessage());
      templates.render(ctx, 400, "dashboard/invoices.jte", refused);
      return;
    }

    List<BoardView.Row> rows = page.rows().stream().map(Dashboard::row).toList();
    String next = page.next().map(cursor -> listLink(status, query, cursor.text())).orElse(null);
    templates.render(
        ctx,
        200,
        "dashboard/invoices.jte",
        new BoardView.Invoices(
            frame(session.get(), "invoices"),
            status,
            query,
            rows,
            next,
            after == null || after.isBlank(),
            null));
  }

  private static String listLink(String status, String query, String after) {
    StringJoiner link = new StringJoiner("&", PATH + "/invoices?", "");
    if (!status.isEmpty()) {
      link.add("status=" + URLEncoder.encode(status, StandardCharsets.UTF_8));
    }
    if (!query.isEmpty()) {
      link.add("q=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
    }
    link.add("after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
    return link.toString();
  }

  private static BoardView.Row row(InvoiceListing.Row row) {
    return new BoardView.Row(
        row.slug(),
        SHOWN.format(Instant.EPOCH.plusNanos(row.cursor().createdAtMicros() * 1000)),
        row.amount(),
        row.currency(),
        row.paymentCrypto().orElse(row.crypto()),
        row.status().wire(),
        row.paymentStatus().map(s -> s.wire()).orElse("none"),
        SHOWN.format(row.dueAt()));
  }

  private void invoice(Context ctx) {
    Optional<Sessions.Session> session = viewer(ctx);
    if (session.isEmpty()) {
      return;
    }
    String notice =
        "redelivery".equals(ctx.queryParam("done"))
            ? "Redelivery queued: it is sent at once and shows below when it is done."
            : null;
    showInvoice(ctx, session.get(), 200, notice, null);
  }

  private void showInvoice(
      Context ctx, Sessions.Session session, int status, String notice, String error) {
    Business business = session.business();
    String slug = ctx.pathParam("slug");
    InvoiceView view;
    try {
      view = invoices.find(business, slug);
    } catch (InvoiceException e) {
      templates.render(
          ctx, 404, "dashboard/missing.jte", Map.of("frame", frame(session, "invoices")));
      return;
    }

    Invoice invoice = view.invoice();
    List<BoardView.HistoryLine> history =
        invoices.history(business, slug).stream().map(Dashboard::line).toList();
    List<BoardView.Delivery> shown =
        deliveries.of(invoice).stream().map(Dashboard::delivery).toList();
    templates.render(
        ctx,
        status,
        "dashboard/invoice.jte",
        new BoardView.Invoice(
            frame(session, "invoices"),
            invoice.slug(),
            invoice.status().wire(),
            invoice.amountText(),
            invoice.currency().name(),
            invoice.cryptoText(),
            SHOWN.format(invoice.createdAt()),
            SHOWN.format(invoice.dueAt()),
            publicBase + "/pay/" + invoice.slug(),
            invoice.webhookUrl().orElse(null),
            invoice.redirectUrl().orElse(null),
            invoice.closeUrl().orElse(null),
            view.payment().map(Dashboard::payment).orElse(null),
            history,
            shown,
            invoice.status() == InvoiceStatus.PAID && invoice.webhookUrl().isPresent(),
            notice,
            error));
  }

  private static BoardView.Payment payment(Payment payment) {
    return new BoardView.Payment(
        payment.crypto().name(),
        payment.status().wire(),
        payment.address(),
        payment.amountText(),
        payment.seenText(),
        payment.confirmations(),
        payment.rates(),
        SHOWN.format(payment.createdAt()));
  }

  private static BoardView.HistoryLine line(InvoiceEvent event) {
    String amount =
        event.crypto().isPresent() && event.amountAtomic().isPresent()
            ? event.crypto().get().format(event.amountAtomic().get())
                + " "
                + event.crypto().get().name()
            : "";
    return new BoardView.HistoryLine(
        SHOWN.format(event.at()), event.kind().wire(), amount, event.note());
  }

  private static BoardView.Delivery delivery(Delivery delivery) {
    return new BoardView.Delivery(
        delivery.kind().wire(),
        delivery.state().wire(),
        SHOWN.format(delivery.createdAt()),
        delivery.outcome().orElse("—"),
        delivery.url(),
        delivery.attemptLog().stream().map(Dashboard::attempt).toList());
  }

  private static BoardView.Attempt attempt(Attempt attempt) {
    String outcome =
        attempt.httpStatus().isPresent()
            ? "HTTP " + attempt.httpStatus().getAsInt()
            : attempt.errorKind().orElse("?")
                + attempt.errorMessage().map(message -> ": " + message).orElse("");
    return new BoardView.Attempt(
        attempt.number(),
        SHOWN.format(attempt.startedAt()),
        attempt.route(),
        outcome,
        millis(attempt.duration()),
        attempt.reclaimed());
  }

  private static String millis(Duration duration) {
    return String.format(Locale.ROOT, "%.1f ms", duration.toNanos() / 1_000_000.0);
  }

  private void redeliver(Context ctx) {
    Optional<Sessions.Session> session = checkedSession(ctx);
    if (session.isEmpty()) {
      return;
    }
    String slug = ctx.pathParam("slug");
    try {
      Invoice invoice = invoices.find(session.get().business(), slug).invoice();
      deliveries.redeliver(invoice);
    } catch (InvoiceException e) {
      templates.render(
          ctx, 404, "dashboard/missing.jte", Map.of("frame", frame(session.get(), "invoices")));
      return;
    } catch (DeliveryException e) {
      showInvoice(ctx, session.get(), 409, null, e.getMessage());
      return;
    }
    ctx.redirect(PATH + "/invoices/" + slug + "?done=redelivery", HttpStatus.SEE_OTHER);
  }

  // The reachability test

  private void webhookTestForm(Context ctx) {
    Optional<Sessions.Session> session = viewer(ctx);
    if (session.isEmpty()) {
      return;
    }
    String url = Optional.ofNullable(ctx.queryParam("url")).orElse("");
    templates.render(
        ctx,
        200,
        "dashboard/webhook_test.jte",
        new BoardView.WebhookTest(frame(session.get(), "webhook-test"), url, null, null));
  }

  /** Sends one test GET as a notification would go: the same checks, the same client. */
  private void webhookTest(Context ctx) {
    Optional<Sessions.Session> session = checkedSession(ctx);
    if (session.isEmpty()) {
      return;
    }
    BoardView.Frame frame = frame(session.get(), "webhook-test");
    String url = Optional.ofNullable(ctx.formParam("url")).orElse("").strip();
    if (url.isEmpty()) {
      templates.render(
          ctx,
          400,
          "dashboard/webhook_test.jte",
          new BoardView.WebhookTest(frame, url, null, "Enter the URL to test."));
      return;
    }
    try {
      invoices.checkWebhookUrl("url", url);
    } catch (InvoiceException e) {
      templates.render(
          ctx,
          400,
          "dashboard/webhook_test.jte",
          new BoardView.WebhookTest(frame, url, null, e.getMessage()));
      return;
    }

    Outcome outcome = webhookClient.send(url, session.get().business().id());
    BoardView.TestResult result =
        new BoardView.TestResult(
            outcome.httpStatus().isPresent(),
            outcome.route(),
            outcome.httpStatus().isPresent()
                ? "HTTP " + outcome.httpStatus().getAsInt()
                : outcome
                    .failure()
                    .map(failure -> failure.kind() + ": " + failure.message())
                    .orElse("no answer"),
            millis(outcome.duration()),
            SHOWN.format(outcome.startedAt()));
    templates.render(
        ctx,
        200,
        "dashboard/webhook_test.jte",
        new BoardView.WebhookTest(frame, url, result, null));
  }
}
