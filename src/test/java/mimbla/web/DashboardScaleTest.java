package mimbla.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mimbla.business.Businesses;
import mimbla.ids.RandomText;
import mimbla.store.Timestamps;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.junit.jupiter.api.Test;

/**
 * The dashboard with 100,000 invoices of one business: the first page, a filtered page, a search
 * and pages deep into the list each answer well within a generous bound, because every page is read
 * from an index from the last row shown, never by counting or skipping rows.
 */
class DashboardScaleTest {
  private static final int INVOICES = 100_000;
  private static final Duration GENEROUS = Duration.ofSeconds(5);

  @Test
  void pagesStayFastAtOneHundredThousandInvoices() {
    try (TestServer server = TestServer.start(StoreKind.SQLITE)) {
      Businesses.Issued big = server.newBusiness("big", Set.of());
      String lastSlug = insertInvoices(server, big.business().id());

      Browserless browser = new Browserless("http://127.0.0.1:" + server.mimbla.port());
      String form = browser.get("/dashboard/sign-in").body();
      Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(form);
      assertThat(csrf.find()).isTrue();
      browser.post("/dashboard/sign-in", Map.of("csrf", csrf.group(1), "api_key", big.apiKey()));

      String first = timed(browser, "/dashboard/invoices");
      assertThat(first).contains(lastSlug);
      assertThat(rows(first)).isEqualTo(Dashboard.PAGE_SIZE);

      String next = first;
      for (int page = 0; page < 20; page++) {
        next = timed(browser, nextPage(next));
        assertThat(rows(next)).isEqualTo(Dashboard.PAGE_SIZE);
      }
      assertThat(rows(timed(browser, "/dashboard/invoices?status=paid")))
          .isEqualTo(Dashboard.PAGE_SIZE);
      assertThat(timed(browser, "/dashboard/invoices?q=" + lastSlug)).contains(lastSlug);
      assertThat(rows(timed(browser, "/dashboard/invoices?q=" + lastSlug.substring(0, 3))))
          .isPositive();
    }
  }

  /** Writes the invoices straight into the database, newest last; returns the newest's slug. */
  private static String insertInvoices(TestServer server, String businessId) {
    long start = Timestamps.micros(TestServer.START.minus(Duration.ofDays(30)));
    String[] last = new String[1];
    server
        .mimbla
        .store()
        .useTransaction(
            handle -> {
              PreparedBatch batch =
                  handle.prepareBatch(
                      "INSERT INTO invoice (id, slug, business_id, amount_minor, currency, crypto,"
                          + " status, due_at, automatic_redirect, created_at, updated_at)"
                          + " VALUES (:id, :slug, :business, 2600, 'USD', 'ALL', :status, :due,"
                          + " FALSE, :at, :at)");
              for (int i = 0; i < INVOICES; i++) {
                String slug = RandomText.base62(12);
                last[0] = slug;
                batch
                    .bind("id", UUID.randomUUID().toString())
                    .bind("slug", slug)
                    .bind("business", businessId)
                    .bind("status", i % 10 == 0 ? "PAID" : i % 10 == 1 ? "CANCELED" : "UNPAID")
                    .bind("due", start + Duration.ofDays(60).toNanos() / 1000)
                    .bind("at", start + i * 1_000_000L)
                    .add();
              }
              batch.execute();
            });
    return last[0];
  }

  private static String timed(Browserless browser, String path) {
    long started = System.nanoTime();
    Browserless.Page page = browser.get(path);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(page.status()).as(path).isEqualTo(200);
    assertThat(took).as(path + " answered in " + took).isLessThan(GENEROUS);
    return page.body();
  }

  private static int rows(String body) {
    Matcher slugs = Pattern.compile("href=\"/dashboard/invoices/([A-Za-z0-9]{12})\"").matcher(body);
    int rows = 0;
    while (slugs.find()) {
      rows++;
    }
    return rows;
  }

  private static String nextPage(String body) {
    Matcher matcher = Pattern.compile("href=\"([^\"]+)\" id=\"next-page\"").matcher(body);
    assertThat(matcher.find()).as("a next page").isTrue();
    return matcher.group(1).replace("&amp;", "&");
  }
}
