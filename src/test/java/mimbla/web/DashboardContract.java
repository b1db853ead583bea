package mimbla.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mimbla.business.Businesses;
import mimbla.testing.Http;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard over plain HTTP: signing in with an API key into a cookie session, CSRF on every
 * form, invoices listed, filtered, searched and paged, one invoice's payment, history and
 * deliveries, redelivery, the reachability test, and another business's invoices out of reach.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DashboardContract {
  protected abstract StoreKind kind();

  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  TestServer server;
  Shop shop;

  @BeforeAll
  void start() {
    server = TestServer.start(kind());
    shop = Shop.start();
  }

  @AfterAll
  void stop() {
    shop.close();
    server.close();
  }

  Browserless browser() {
    return new Browserless("http://127.0.0.1:" + server.mimbla.port());
  }

  static String csrf(String body) {
    Matcher matcher = CSRF.matcher(body);
    assertThat(matcher.find()).as("a CSRF field in:\n" + body).isTrue();
    return matcher.group(1);
  }

  /** Signs in with the key; returns the browser holding the session. */
  Browserless signedIn(Businesses.Issued business) {
    Browserless browser = browser();
    String form = browser.get("/dashboard/sign-in").body();
    Browserless.Page in =
        browser.post(
            "/dashboard/sign-in", Map.of("csrf", csrf(form), "api_key", business.apiKey()));
    assertThat(in.status()).as(in.body()).isEqualTo(303);
    assertThat(in.header("Location")).isEqualTo("/dashboard/invoices");
    return browser;
  }

  @Test
  void signingInKeepsOnlyARandomTokenInAnHttpOnlyStrictCookie() {
    Browserless browser = browser();
    assertThat(browser.get("/dashboard").header("Location")).isEqualTo("/dashboard/sign-in");
    assertThat(browser.get("/dashboard/invoices").header("Location"))
        .isEqualTo("/dashboard/sign-in");

    Browserless.Page form = browser.get("/dashboard/sign-in");
    HtmlChecks.strict(form);
    HtmlChecks.labelled(form.body());
    assertThat(form.body()).contains("type=\"password\"");

    Browserless.Page in =
        browser.post(
            "/dashboard/sign-in",
            Map.of("csrf", csrf(form.body()), "api_key", server.shop.apiKey()));
    assertThat(in.status()).isEqualTo(303);
    String cookie =
        in.headers().all("Set-Cookie").stream()
            .filter(c -> c.startsWith(Dashboard.SESSION_COOKIE + "="))
            .findFirst()
            .orElseThrow();
    assertThat(cookie)
        .containsIgnoringCase("HttpOnly")
        .containsIgnoringCase("SameSite=Strict")
        .contains("Path=/dashboard")
        .doesNotContain(server.shop.apiKey());
    assertThat(server.count("SELECT COUNT(*) FROM dashboard_session")).isPositive();
    assertThat(
            server.count(
                "SELECT COUNT(*) FROM dashboard_session WHERE id = '"
                    + browser.cookies.get(Dashboard.SESSION_COOKIE)
                    + "'"))
        .as("the database holds the token's hash, not the token")
        .isZero();

    Browserless.Page list = browser.get("/dashboard/invoices");
    assertThat(list.status()).isEqualTo(200);
    HtmlChecks.strict(list);
    assertThat(list.body()).contains("Signed in as <strong>shop</strong>");
  }

  @Test
  void signInIsRefusedWithoutItsFormTokenOrWithABadKey() {
    Browserless browser = browser();
    String token = csrf(browser.get("/dashboard/sign-in").body());

    Browserless.Page noToken =
        browser.post("/dashboard/sign-in", Map.of("api_key", server.shop.apiKey()));
    assertThat(noToken.status()).isEqualTo(403);
    assertThat(browser.cookies).doesNotContainKey(Dashboard.SESSION_COOKIE);

    Browserless stranger = browser();
    Browserless.Page forged =
        stranger.post("/dashboard/sign-in", Map.of("csrf", token, "api_key", server.shop.apiKey()));
    assertThat(forged.status()).as("a token without its cookie").isEqualTo(403);

    token = csrf(browser.get("/dashboard/sign-in").body());
    for (String key :
        new String[] {"", "nope", "<script>alert(1)</script>", "A".repeat(40), "x".repeat(5000)}) {
      Browserless.Page refused =
          browser.post("/dashboard/sign-in", Map.of("csrf", token, "api_key", key));
      assertThat(refused.status()).as(key).isIn(401);
      HtmlChecks.strict(refused);
      assertThat(refused.body()).doesNotContain("<script>alert");
      token = csrf(refused.body());
    }
    assertThat(browser.cookies).doesNotContainKey(Dashboard.SESSION_COOKIE);
  }

  @Test
  void forgedSessionCookiesAreSentToSignIn() {
    for (String forged :
        new String[] {"", "x", "' OR 1=1 --", "A".repeat(40), "A".repeat(4000), "%00"}) {
      Browserless browser = browser();
      browser.cookies.put(Dashboard.SESSION_COOKIE, forged);
      Browserless.Page page = browser.get("/dashboard/invoices");
      assertThat(page.status()).as(forged).isEqualTo(303);
      assertThat(page.header("Location")).isEqualTo("/dashboard/sign-in");
    }
  }

  /**
   * Jetty caches header fields per connection and, by default, matches that cache without regard to
   * case: after a request with the cookie {@code x}, a session token starting with {@code X}
   * arrived as {@code x…} and the merchant was sent back to sign in. Behind a proxy that keeps
   * connections open for many browsers, one browser's stale cookie could sign the next one out.
   * Written on a raw socket, because a client library may or may not reuse a connection.
   */
  @Test
  void aSessionCookieArrivesByteForByteAfterAnotherOnTheSameConnection() throws IOException {
    String token;
    do {
      token = signedIn(server.shop).cookies.get(Dashboard.SESSION_COOKIE);
    } while (!Character.isLetter(token.charAt(0)));
    char first = token.charAt(0);
    char spoiler =
        Character.isUpperCase(first) ? Character.toLowerCase(first) : Character.toUpperCase(first);
    String request =
        "GET /dashboard/invoices HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s=%s\r\n%s\r\n";

    String answers =
        exchange(
            request.formatted(Dashboard.SESSION_COOKIE, spoiler, "")
                + request.formatted(Dashboard.SESSION_COOKIE, token, "Connection: close\r\n"));

    assertThat(answers).startsWith("HTTP/1.1 303");
    int second = answers.indexOf("HTTP/1.1 ", 1);
    assertThat(second).as("two answers:\n" + answers).isPositive();
    assertThat(answers.substring(second))
        .as("the real token, after a one-letter cookie of the other case")
        .startsWith("HTTP/1.1 200");
  }

  /** Writes the requests on one socket and reads until the server closes it. */
  private String exchange(String requests) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.mimbla.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void signOutAndRevokingTheKeyEndTheSession() {
    Businesses.Issued owner = server.newBusiness("signout", Set.of());
    Browserless browser = signedIn(owner);
    String token = browser.cookies.get(Dashboard.SESSION_COOKIE);
    String list = browser.get("/dashboard/invoices").body();

    assertThat(browser.post("/dashboard/sign-out", Map.of()).status())
        .as("sign-out without the CSRF token")
        .isEqualTo(403);
    assertThat(browser.post("/dashboard/sign-out", Map.of("csrf", csrf(list))).status())
        .isEqualTo(303);
    Browserless replay = browser();
    replay.cookies.put(Dashboard.SESSION_COOKIE, token);
    assertThat(replay.get("/dashboard/invoices").status()).isEqualTo(303);

    Browserless again = signedIn(owner);
    assertThat(again.get("/dashboard/invoices").status()).isEqualTo(200);
    server.mimbla.businesses().revoke(owner.keyPrefix());
    assertThat(again.get("/dashboard/invoices").status()).isEqualTo(303);
  }

  @Test
  void invoicesAreListedFilteredSearchedAndPaged() {
    Businesses.Issued owner = server.newBusiness("pager", Set.of());
    Http api = server.as(owner);
    Set<String> created = new HashSet<>();
    for (int i = 0; i < 120; i++) {
      created.add(server.unpaidInvoice(api, ""));
    }
    String paid = server.paidInvoice(api, "");
    created.add(paid);
    String canceled = server.unpaidInvoice(api, "");
    api.delete("/api/v1/merchant/invoice/" + canceled);
    created.add(canceled);
    String otherBusinesses = server.unpaidInvoice(server.merchant, "");

    Browserless browser = signedIn(owner);
    Set<String> seen = new HashSet<>();
    String next = "/dashboard/invoices";
    int pages = 0;
    while (next != null) {
      Browserless.Page page = browser.get(next);
      assertThat(page.status())
          .as("page %d, %s, cookies %s", pages + 1, next, browser.cookies.keySet())
          .isEqualTo(200);
      Matcher slugs =
          Pattern.compile("href=\"/dashboard/invoices/([A-Za-z0-9]{12})\"").matcher(page.body());
      int rows = 0;
      while (slugs.find()) {
        assertThat(seen.add(slugs.group(1))).as("shown once: " + slugs.group(1)).isTrue();
        rows++;
      }
      assertThat(rows).isLessThanOrEqualTo(Dashboard.PAGE_SIZE);
      next = nextPage(page.body());
      pages++;
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).isEqualTo(created).doesNotContain(otherBusinesses);

    String paidOnly = browser.get("/dashboard/invoices?status=paid").body();
    assertThat(paidOnly).contains(paid).doesNotContain(canceled);
    assertThat(browser.get("/dashboard/invoices?status=canceled").body())
        .contains(canceled)
        .doesNotContain(paid);
    assertThat(browser.get("/dashboard/invoices?q=" + paid.substring(0, 6)).body()).contains(paid);
    assertThat(browser.get("/dashboard/invoices?q=" + otherBusinesses).body())
        .contains("No invoices match.");
  }

  @Test
  void hostileFiltersAreRefusedAndEscaped() {
    Browserless browser = signedIn(server.shop);
    for (String query :
        new String[] {
          "?status=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
          "?status=PAID",
          "?q=%27%20OR%201%3D1--",
          "?q=%25",
          "?q=" + "a".repeat(13),
          "?after=bm9wZQ",
          "?after=%25%25%25",
          "?after=" + "A".repeat(3000)
        }) {
      Browserless.Page refused = browser.get("/dashboard/invoices" + query);
      assertThat(refused.status()).as(query).isEqualTo(400);
      HtmlChecks.strict(refused);
      assertThat(refused.body()).doesNotContain("<script>alert");
    }
  }

  @Test
  void anInvoiceShowsItsPaymentHistoryAndDeliveriesAndCanBeRedelivered() {
    String slug =
        server.paidInvoice(server.merchant, "\"webhook_url\": \"" + shop.url("/hook/dash") + "\"");
    server.await("notification delivered", () -> shop.hooks.contains("/hook/dash"));
    Browserless browser = signedIn(server.shop);
    server.await(
        "attempt recorded",
        () -> browser.get("/dashboard/invoices/" + slug).body().contains("HTTP 200"));

    Browserless.Page page = browser.get("/dashboard/invoices/" + slug);
    HtmlChecks.strict(page);
    assertThat(page.body())
        .contains("payment_requested", "funds_confirmed", "paid")
        .contains("notification", "direct", "HTTP 200")
        .contains("id=\"redeliver\"");

    assertThat(browser.post("/dashboard/invoices/" + slug + "/redeliver", Map.of()).status())
        .isEqualTo(403);
    Browserless.Page queued =
        browser.post(
            "/dashboard/invoices/" + slug + "/redeliver", Map.of("csrf", csrf(page.body())));
    assertThat(queued.status()).isEqualTo(303);
    assertThat(queued.header("Location")).endsWith("?done=redelivery");
    server.await(
        "redelivery sent",
        () ->
            shop.hooks.stream().filter("/hook/dash"::equals).count() == 2
                && browser.get("/dashboard/invoices/" + slug).body().contains("redelivery"));
    assertThat(browser.get(queued.header("Location")).body()).contains("Redelivery queued");
  }

  @Test
  void redeliveryOfAnUnpaidInvoiceIsRefusedOnThePage() {
    String slug =
        server.unpaidInvoice(server.merchant, "\"webhook_url\": \"" + shop.url("/hook/x") + "\"");
    Browserless browser = signedIn(server.shop);
    String page = browser.get("/dashboard/invoices/" + slug).body();
    assertThat(page).doesNotContain("id=\"redeliver\"").contains("No deliveries");
    Browserless.Page refused =
        browser.post("/dashboard/invoices/" + slug + "/redeliver", Map.of("csrf", csrf(page)));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.body()).contains("Only a paid invoice");
  }

  @Test
  void anotherBusinesssInvoiceIsNotFound() {
    String slug = server.unpaidInvoice(server.merchant, "");
    Businesses.Issued stranger = server.newBusiness("stranger", Set.of());
    Browserless browser = signedIn(stranger);

    Browserless.Page page = browser.get("/dashboard/invoices/" + slug);
    assertThat(page.status()).isEqualTo(404);
    assertThat(page.body()).contains("Invoice not found").doesNotContain(slug + "</code>");
    String list = browser.get("/dashboard/invoices").body();
    assertThat(
            browser
                .post("/dashboard/invoices/" + slug + "/redeliver", Map.of("csrf", csrf(list)))
                .status())
        .isEqualTo(404);
    assertThat(browser.get("/dashboard/invoices/%3Cb%3E").status()).isEqualTo(404);
  }

  @Test
  void theReachabilityTestSendsOneGetAndRefusesWhatCreationRefuses() {
    Browserless browser = signedIn(server.shop);
    Browserless.Page form = browser.get("/dashboard/webhook-test");
    HtmlChecks.strict(form);
    HtmlChecks.labelled(form.body());
    String token = csrf(form.body());

    Browserless.Page reached =
        browser.post(
            "/dashboard/webhook-test", Map.of("csrf", token, "url", shop.url("/hook/probe")));
    assertThat(reached.status()).isEqualTo(200);
    assertThat(reached.body()).contains("Reachable", "HTTP 200");
    assertThat(shop.hooks).contains("/hook/probe");

    Map<String, String> refusals = new LinkedHashMap<>();
    refusals.put("javascript:alert(1)", "url");
    refusals.put("http://10.1.2.3/hook", "url");
    refusals.put("http://169.254.169.254/latest/meta-data", "url");
    refusals.put("", "Enter the URL");
    refusals.put("https://user:pw@shop.example/", "url");
    for (var refusal : refusals.entrySet()) {
      Browserless.Page refused =
          browser.post("/dashboard/webhook-test", Map.of("csrf", token, "url", refusal.getKey()));
      assertThat(refused.status()).as(refusal.getKey()).isEqualTo(400);
      assertThat(refused.body()).contains(refusal.getValue()).doesNotContain("Reachable");
      HtmlChecks.strict(refused);
    }
    assertThat(
            browser
                .post("/dashboard/webhook-test", Map.of("url", shop.url("/hook/forged")))
                .status())
        .isEqualTo(403);
    assertThat(shop.hooks).doesNotContain("/hook/forged");
  }

  private static String nextPage(String body) {
    Matcher matcher = Pattern.compile("href=\"([^\"]+)\" id=\"next-page\"").matcher(body);
    return matcher.find() ? matcher.group(1).replace("&amp;", "&") : null;
  }
}
