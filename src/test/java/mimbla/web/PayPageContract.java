package mimbla.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import mimbla.business.Businesses;
import mimbla.chain.Crypto;
import mimbla.testing.Http;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The pay page as a browser without scripts sees it: rendered on the server, forms that post and
 * redirect, the same payment the API requests, and every value escaped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PayPageContract {
  protected abstract StoreKind kind();

  TestServer server;
  Http merchant;
  Browserless payer;

  @BeforeAll
  void start() {
    server = TestServer.start(kind());
    merchant = server.merchant;
    payer = new Browserless("http://127.0.0.1:" + server.mimbla.port());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  String invoice(String json) {
    Http.Answer created = merchant.post("/api/v1/merchant/invoice", json);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.text("id");
  }

  @Test
  void anyCryptoInvoiceOffersTheBusinessesCryptosAndRequestsThePaymentTheApiDoes() {
    String slug = invoice("{\"amount\": 25.5, \"currency\": \"EUR\", \"crypto\": \"ALL\"}");

    Browserless.Page page = payer.get("/pay/" + slug);
    assertThat(page.status()).isEqualTo(200);
    HtmlChecks.strict(page);
    assertThat(page.body())
        .contains("25.5", "EUR", "Choose how to pay")
        .contains(
            "name=\"crypto\" value=\"BTC\"", "value=\"BCH\"", "value=\"LTC\"", "value=\"XMR\"");
    assertThat(merchant.get("/api/v1/merchant/invoice/" + slug).json().get("payment").isNull())
        .isTrue();

    Browserless.Page chosen = payer.post("/pay/" + slug, Map.of("crypto", "LTC"));
    assertThat(chosen.status()).isEqualTo(303);
    assertThat(chosen.header("Location")).isEqualTo("/pay/" + slug);

    var payment = merchant.get("/api/v1/merchant/invoice/" + slug).json().get("payment");
    assertThat(payment.get("crypto").asText()).isEqualTo("LTC");
    Browserless.Page shown = payer.get("/pay/" + slug);
    HtmlChecks.strict(shown);
    HtmlChecks.labelled(shown.body());
    String address = payment.get("address").asText();
    String amount = payment.get("amount").asText();
    assertThat(shown.body())
        .contains("Waiting for your payment")
        .contains("value=\"" + address + "\"", "value=\"" + amount + "\"")
        .contains("href=\"litecoin:" + address + "?amount=" + amount + "\"")
        .contains("src=\"/pay/" + slug + "/qr.svg\"")
        .contains("Time left");

    // A second choice is refused by the same rule as the API's: one payment per invoice.
    assertThat(payer.post("/pay/" + slug, Map.of("crypto", "BTC")).status()).isEqualTo(303);
    assertThat(
            merchant
                .get("/api/v1/merchant/invoice/" + slug)
                .json()
                .get("payment")
                .get("address")
                .asText())
        .isEqualTo(address);
    assertThat(
            merchant.post("/api/v1/merchant/invoice/rp/" + slug, "{\"crypto\": \"BTC\"}").status())
        .isEqualTo(400);
  }

  @Test
  void fixedCryptoInvoiceGetsItsPaymentOnFirstView() {
    String slug = invoice("{\"amount\": 30, \"crypto\": \"XMR\"}");

    Browserless.Page page = payer.get("/pay/" + slug);

    var payment = merchant.get("/api/v1/merchant/invoice/" + slug).json().get("payment");
    assertThat(payment.get("crypto").asText()).isEqualTo("XMR");
    assertThat(page.body())
        .contains(
            "href=\"monero:"
                + payment.get("address").asText()
                + "?tx_amount="
                + payment.get("amount").asText()
                + "\"");
    payer.get("/pay/" + slug);
    assertThat(
            server.count(
                "SELECT COUNT(*) FROM payment p JOIN invoice i ON i.id = p.invoice_id"
                    + " WHERE i.slug = '"
                    + slug
                    + "'"))
        .isEqualTo(1);
  }

  @Test
  void qrCodeIsAnSvgOfThePayment() {
    String slug = invoice("{\"amount\": 30, \"crypto\": \"BCH\"}");
    payer.get("/pay/" + slug);

    Browserless.Page qr = payer.get("/pay/" + slug + "/qr.svg");
    assertThat(qr.status()).isEqualTo(200);
    assertThat(qr.header("Content-Type")).startsWith("image/svg+xml");
    assertThat(qr.header("Content-Security-Policy")).startsWith("default-src 'self'");
    assertThat(qr.body()).startsWith("<?xml").contains("<svg", "<path d=\"M");
    String page = payer.get("/pay/" + slug).body();
    assertThat(page).contains("href=\"bitcoincash:qsandbox");

    String unpaid = invoice("{\"amount\": 30, \"crypto\": \"ALL\"}");
    assertThat(payer.get("/pay/" + unpaid + "/qr.svg").status()).isEqualTo(404);
  }

  @Test
  void sandboxButtonPaysAndThePageTurnsPaidWithItsReturnLink() {
    String slug =
        invoice(
            "{\"amount\": 30, \"crypto\": \"BTC\", \"close_url\": \"https://shop.example/cart\","
                + " \"redirect_url\": \"https://shop.example/thanks?order=7&x=1\","
                + " \"automatic_redirect\": true}");
    Browserless.Page waiting = payer.get("/pay/" + slug);
    assertThat(waiting.body())
        .contains("Pay with sandbox", "Sandbox</strong>")
        .contains("href=\"https://shop.example/cart\"")
        .contains("<noscript><meta http-equiv=\"refresh\" content=\"10\"></noscript>");

    Browserless.Page unconfirmed =
        payer.post("/pay/" + slug + "/sandbox", Map.of("action", "pay-unconfirmed"));
    assertThat(unconfirmed.status()).isEqualTo(303);
    server.await("funds seen", () -> payer.get("/pay/" + slug).body().contains("Confirmations:"));
    assertThat(payer.get("/pay/" + slug + "/status").body()).contains("\"state\":\"seen\"");

    payer.post("/pay/" + slug + "/sandbox", Map.of("action", "mine"));
    payer.post("/pay/" + slug + "/sandbox", Map.of("action", "mine"));
    server.await("paid", () -> payer.get("/pay/" + slug).body().contains("Paid. Thank you!"));

    Browserless.Page paid = payer.get("/pay/" + slug);
    HtmlChecks.strict(paid);
    assertThat(paid.body())
        .contains("href=\"https://shop.example/thanks?order=7&amp;x=1\"")
        .contains(
            "<meta http-equiv=\"refresh\" content=\"3;url=https://shop.example/thanks?order=7&amp;x=1\">")
        .doesNotContain("Pay with sandbox")
        .doesNotContain("noscript");
    assertThat(merchant.get("/api/v1/merchant/invoice/" + slug).text("status")).isEqualTo("paid");
  }

  @Test
  void paidWithoutAutomaticRedirectOffersTheCloseUrlAndDoesNotMove() {
    String slug =
        invoice(
            "{\"amount\": 30, \"crypto\": \"BTC\", \"close_url\": \"https://shop.example/cart\"}");
    server.payInFull(merchant, slug);

    String paid = payer.get("/pay/" + slug).body();
    assertThat(paid).contains("id=\"return-link\" href=\"https://shop.example/cart\"");
    assertThat(paid).doesNotContain("http-equiv=\"refresh\"");
  }

  @Test
  void canceledAndExpiredInvoicesSaySoAndOfferNoPayment() {
    String canceled = invoice("{\"amount\": 30, \"crypto\": \"ALL\"}");
    merchant.delete("/api/v1/merchant/invoice/" + canceled);
    String page = payer.get("/pay/" + canceled).body();
    assertThat(page).contains("This invoice was canceled").doesNotContain("name=\"crypto\"");
    assertThat(payer.post("/pay/" + canceled, Map.of("crypto", "BTC")).body())
        .contains("This invoice can no longer be paid.");
  }

  @Test
  void unknownOrMalformedSlugIsAFriendly404() {
    for (String path :
        new String[] {
          "/pay/AAAAAAAAAAAA",
          "/pay/short",
          "/pay/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
          "/pay/AAAAAAAAAAAA/qr.svg"
        }) {
      Browserless.Page missing = payer.get(path);
      assertThat(missing.status()).as(path).isEqualTo(404);
      assertThat(missing.header("Content-Security-Policy")).startsWith("default-src 'self'");
      assertThat(missing.body()).doesNotContain("<script>alert");
    }
    Browserless.Page missing = payer.get("/pay/AAAAAAAAAAAA");
    HtmlChecks.strict(missing);
    assertThat(missing.body()).contains("Invoice not found");
    assertThat(payer.post("/pay/AAAAAAAAAAAA", Map.of("crypto", "BTC")).status()).isEqualTo(404);
    assertThat(payer.get("/pay/AAAAAAAAAAAA/status").status()).isEqualTo(404);
  }

  @Test
  void hostileFormValuesAreRefusedInHtmlAndEscaped() {
    String slug = invoice("{\"amount\": 30, \"crypto\": \"ALL\"}");
    for (String crypto :
        new String[] {"<script>alert(1)</script>", "btc", "", "BTC\u0000", "X".repeat(10_000)}) {
      Browserless.Page refused = payer.post("/pay/" + slug, Map.of("crypto", crypto));
      assertThat(refused.status()).as(crypto).isEqualTo(400);
      HtmlChecks.strict(refused);
      assertThat(refused.body()).doesNotContain("<script>alert");
    }
    assertThat(payer.postRaw("/pay/" + slug, "crypto=%ZZ&&=").status()).isLessThan(500);
    assertThat(payer.postRaw("/pay/" + slug, "").status()).isEqualTo(400);
    Browserless.Page tooLarge = payer.postRaw("/pay/" + slug, "crypto=" + "A".repeat(70_000));
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(payer.post("/pay/" + slug + "/sandbox", Map.of("action", "<b>")).status())
        .isEqualTo(400);
    assertThat(merchant.get("/api/v1/merchant/invoice/" + slug).json().get("payment").isNull())
        .isTrue();
  }

  @Test
  void merchantTextIsEscapedOnThePage() {
    Businesses.Issued evil =
        server.newBusiness("<img src=x onerror=alert(1)> & \"Co\"", Set.of(Crypto.BTC));
    Http as = server.as(evil);
    Http.Answer created =
        as.post(
            "/api/v1/merchant/invoice",
            "{\"amount\": 30, \"close_url\": \"https://shop.example/a?b=%22%3E%3Cscript%3E\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);

    Browserless.Page page = payer.get("/pay/" + created.text("id"));
    HtmlChecks.strict(page);
    assertThat(page.body())
        .contains("&lt;img src=x onerror=alert(1)&gt; &amp; \"Co\"")
        .doesNotContain("<img src=x")
        .contains("value=\"BTC\"")
        .doesNotContain("value=\"XMR\"");
  }

  @Test
  void pastTheDueDateThePageSaysExpired() {
    TestServer expiring = TestServer.start(kind());
    try (expiring) {
      Http.Answer created =
          expiring.merchant.post(
              "/api/v1/merchant/invoice", "{\"amount\": 30, \"crypto\": \"BTC\"}");
      String slug = created.text("id");
      Browserless browser = new Browserless("http://127.0.0.1:" + expiring.mimbla.port());
      assertThat(browser.get("/pay/" + slug).body()).contains("Waiting for your payment");

      expiring.clock.advance(Duration.ofDays(40));
      expiring.await(
          "invoice expired",
          () -> browser.get("/pay/" + slug).body().contains("This invoice has expired"));
      assertThat(browser.get("/pay/" + slug).body())
          .doesNotContain("Pay with sandbox")
          .doesNotContain("qr.svg");
    }
  }

  @Test
  void withoutFreshPricesThePageExplainsAndTriesAgain() {
    try (TestServer stale = TestServer.start(kind(), Map.of("rates.max-age", "1m"))) {
      String fixed = stale.unpaidInvoice(stale.merchant, "");
      Http.Answer any =
          stale.merchant.post("/api/v1/merchant/invoice", "{\"amount\": 30, \"crypto\": \"ALL\"}");
      stale.clock.advance(Duration.ofMinutes(10));
      Browserless browser = new Browserless("http://127.0.0.1:" + stale.mimbla.port());

      Browserless.Page waiting = browser.get("/pay/" + fixed);
      assertThat(waiting.status()).isEqualTo(200);
      HtmlChecks.strict(waiting);
      assertThat(waiting.body())
          .contains("Payment not available yet", "Prices are not available right now")
          .contains("<noscript><meta http-equiv=\"refresh\"");

      Browserless.Page refused = browser.post("/pay/" + any.text("id"), Map.of("crypto", "BTC"));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.body()).contains("Prices are not available right now");
      assertThat(stale.count("SELECT COUNT(*) FROM payment")).isZero();
    }
  }
}
