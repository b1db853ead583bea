package mimbla.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mimbla.business.Businesses;
import mimbla.testing.Http;
import mimbla.testing.ServerProcess;
import mimbla.testing.StoreKind;
import mimbla.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The pages in a real browser, Debian's Chromium: an invoice created through the API, opened at its
 * {@code invoice_url}, paid with the sandbox, watched turning paid and sending the payer back; the
 * same with JavaScript off. Screenshots of the main screens are saved on the way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserFlowTest {
  TestServer server;
  Http merchant;
  Shop shop;

  @BeforeAll
  void start() {
    // invoice_url must be the address the browser opens, so the port is chosen first.
    int port = ServerProcess.freePort();
    server =
        TestServer.start(
            StoreKind.SQLITE,
            Map.of(
                "server.port",
                String.valueOf(port),
                "server.public-url",
                "http://127.0.0.1:" + port));
    merchant = server.merchant;
    shop = Shop.start();
  }

  @AfterAll
  void stop() {
    shop.close();
    server.close();
  }

  /** Creates an invoice through the API with a return page and a webhook on the shop. */
  Http.Answer invoice(String crypto, String order) {
    Http.Answer created =
        merchant.post(
            "/api/v1/merchant/invoice",
            """
            {"amount": 49.90, "currency": "EUR", "crypto": "%s",
             "redirect_url": "%s", "close_url": "%s", "webhook_url": "%s",
             "automatic_redirect": true}
            """
                .formatted(
                    crypto,
                    shop.url("/thanks?order=" + order),
                    shop.url("/cart"),
                    shop.url("/hook/" + order)));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created;
  }

  @Test
  void payerChoosesACryptoPaysWithTheSandboxAndIsSentBackWithJavaScript() {
    Http.Answer created = invoice("ALL", "js");
    String slug = created.text("id");

    try (Chromium chromium = Chromium.start(true)) {
      chromium.driver.get(created.text("invoice_url"));
      assertThat(chromium.driver.findElement(By.id("fiat-amount")).getText()).isEqualTo("49.9");
      chromium.screenshot("pay-choose");

      chromium.driver.findElement(By.cssSelector("button[name=crypto][value=BTC]")).click();
      WebElement address = chromium.await(d -> d.findElement(By.id("address")));
      var payment = merchant.get("/api/v1/merchant/invoice/" + slug).json().get("payment");
      assertThat(address.getDomProperty("value")).isEqualTo(payment.get("address").asText());
      assertThat(chromium.driver.findElement(By.id("crypto-amount")).getDomProperty("value"))
          .isEqualTo(payment.get("amount").asText());
      assertQrCodeDrawn(chromium, true);
      WebElement copy = chromium.driver.findElement(By.cssSelector("button[data-copy=address]"));
      assertThat(copy.isDisplayed()).as("copy button shown by the script").isTrue();
      assertThat(chromium.driver.findElement(By.tagName("html")).getDomAttribute("class"))
          .isEqualTo("js");
      copy.click();
      chromium.await(d -> copy.getText().equals("Copied"));
      chromium.screenshot("pay-waiting");

      // Seen but unconfirmed, then confirmed by blocks mined elsewhere: the page follows alone.
      chromium.driver.findElement(By.id("sandbox-pay-unconfirmed")).click();
      chromium.await(
          d -> d.findElement(By.id("status-title")).getText().startsWith("Payment seen"));
      chromium.await(
          d -> d.findElement(By.id("confirmations")).getText().equals("Confirmations: 0 of 2"));
      chromium.screenshot("pay-seen");

      String before = chromium.driver.getCurrentUrl();
      assertThat(server.http.post("/api/v1/sandbox/mine", "{\"blocks\": 2}").status())
          .isEqualTo(200);
      chromium.await(d -> !d.getCurrentUrl().equals(before) || paidShown(d));
      chromium.await(d -> d.getCurrentUrl().equals(shop.url("/thanks?order=js")));
      assertThat(chromium.driver.findElement(By.tagName("h1")).getText())
          .isEqualTo("Thank you for your order");
      assertThat(cspViolations(chromium)).isEmpty();
    }
    assertThat(merchant.get("/api/v1/merchant/invoice/" + slug).text("status")).isEqualTo("paid");
  }

  @Test
  void theSameFlowWorksWithJavaScriptOff() {
    Http.Answer created = invoice("ALL", "nojs");
    String slug = created.text("id");

    try (Chromium chromium = Chromium.start(false)) {
      chromium.driver.get(created.text("invoice_url"));
      // Keyboard only: the skip link comes first, then the choices take Enter.
      chromium.driver.findElement(By.tagName("body")).sendKeys(Keys.TAB);
      assertThat(chromium.driver.switchTo().activeElement().getText()).isEqualTo("Skip to content");
      chromium
          .driver
          .findElement(By.cssSelector("button[name=crypto][value=XMR]"))
          .sendKeys(Keys.ENTER);
      WebElement address = chromium.await(d -> d.findElement(By.id("address")));
      assertThat(address.getDomProperty("value")).startsWith("8Sandbox");
      assertQrCodeDrawn(chromium, false);
      assertThat(
              chromium
                  .driver
                  .findElement(By.cssSelector("button[data-copy=address]"))
                  .isDisplayed())
          .as("without scripts the copy button stays hidden")
          .isFalse();
      assertThat(chromium.driver.findElement(By.tagName("html")).getDomAttribute("class"))
          .as("the page's script did not run")
          .isNull();
      chromium.screenshot("pay-waiting-nojs");

      chromium.driver.findElement(By.id("sandbox-pay")).click();
      // The form posts, the page comes back, refreshes itself until paid, then redirects.
      chromium.await(d -> d.getCurrentUrl().equals(shop.url("/thanks?order=nojs")));
    }
    assertThat(merchant.get("/api/v1/merchant/invoice/" + slug).text("status")).isEqualTo("paid");
  }

  @Test
  void aPaidPageShowsTheReturnLinkAndAMissingOneIsFriendly() {
    Http.Answer created =
        merchant.post(
            "/api/v1/merchant/invoice",
            "{\"amount\": 20, \"crypto\": \"LTC\", \"redirect_url\": \"%s\"}"
                .formatted(shop.url("/thanks?order=manual")));
    String slug = created.text("id");

    try (Chromium chromium = Chromium.start(true)) {
      chromium.driver.get(created.text("invoice_url"));
      chromium.await(d -> d.findElement(By.id("address")));
      var payment = merchant.get("/api/v1/merchant/invoice/" + slug).json().get("payment");
      Http.Answer paid =
          server.http.post(
              "/api/v1/sandbox/pay",
              "{\"address\": \"%s\", \"amount\": \"%s\"}"
                  .formatted(payment.get("address").asText(), payment.get("amount").asText()));
      assertThat(paid.status()).isEqualTo(201);
      chromium.await(BrowserFlowTest::paidShown);
      WebElement back = chromium.driver.findElement(By.id("return-link"));
      assertThat(back.getDomAttribute("href")).isEqualTo(shop.url("/thanks?order=manual"));
      chromium.screenshot("pay-paid");

      chromium.driver.get("http://127.0.0.1:" + server.mimbla.port() + "/pay/NoSuchInvoce");
      assertThat(chromium.driver.findElement(By.tagName("h1")).getText())
          .isEqualTo("Invoice not found");
      assertThat(cspViolations(chromium)).isEmpty();
    }
  }

  @Test
  void merchantSignsInFindsTheInvoiceSeesItsDeliveryAndRedelivers() {
    String slug =
        server.paidInvoice(merchant, "\"webhook_url\": \"" + shop.url("/hook/board") + "\"");
    server.unpaidInvoice(merchant, "");
    server.await("notification delivered", () -> shop.hooks.contains("/hook/board"));
    String base = "http://127.0.0.1:" + server.mimbla.port();

    try (Chromium chromium = Chromium.start(true)) {
      chromium.driver.get(base + "/dashboard");
      chromium.await(d -> d.getCurrentUrl().endsWith("/dashboard/sign-in"));
      chromium.screenshot("dashboard-sign-in");
      chromium.driver.findElement(By.id("api-key")).sendKeys(server.shop.apiKey());
      chromium.driver.findElement(By.id("sign-in")).click();
      chromium.await(d -> d.getCurrentUrl().endsWith("/dashboard/invoices"));
      assertThat(chromium.driver.findElements(By.cssSelector("#invoices tbody tr"))).isNotEmpty();
      chromium.screenshot("dashboard-invoices");
      var cookie = chromium.driver.manage().getCookieNamed(Dashboard.SESSION_COOKIE);
      assertThat(cookie.isHttpOnly()).isTrue();
      assertThat(cookie.getValue()).isNotEqualTo(server.shop.apiKey());

      chromium.driver.findElement(By.id("q")).sendKeys(slug);
      chromium.driver.findElement(By.id("filter")).click();
      chromium.await(d -> d.findElements(By.cssSelector("#invoices tbody tr")).size() == 1);
      chromium.driver.findElement(By.linkText(slug)).click();
      chromium.await(d -> d.findElement(By.id("slug")).getText().equals(slug));
      assertThat(chromium.driver.findElement(By.cssSelector("#deliveries .outcome")).getText())
          .isEqualTo("HTTP 200");

      chromium.driver.findElement(By.id("redeliver")).click();
      chromium.await(d -> d.findElement(By.id("notice")).getText().startsWith("Redelivery queued"));
      server.await(
          "redelivery arrived",
          () -> shop.hooks.stream().filter("/hook/board"::equals).count() == 2);
      chromium.await(
          d -> {
            d.navigate().refresh();
            return d.findElements(By.cssSelector("#deliveries .outcome")).size() == 2;
          });
      chromium.screenshot("dashboard-invoice");

      chromium.driver.findElement(By.linkText("Webhook test")).click();
      chromium.driver.findElement(By.id("url")).sendKeys(shop.url("/hook/probe"));
      chromium.driver.findElement(By.id("run-test")).click();
      chromium.await(d -> d.findElement(By.id("result-outcome")).getText().equals("HTTP 200"));
      chromium.screenshot("dashboard-webhook-test");

      chromium.driver.findElement(By.id("sign-out")).click();
      chromium.await(d -> d.getCurrentUrl().endsWith("/dashboard/sign-in"));
      chromium.driver.get(base + "/dashboard/invoices");
      assertThat(chromium.driver.getCurrentUrl()).endsWith("/dashboard/sign-in");
      assertThat(cspViolations(chromium)).isEmpty();
    }
  }

  @Test
  void aCheckoutPageUsesTheSdkApiFromItsAllowedOriginAndNoOtherCan() {
    Businesses.Issued web = server.newBusiness("sdk web", Set.of());
    String allowed = shop.url("");
    server.mimbla.businesses().allowOrigins("sdk web", List.of(allowed));
    String fragment =
        URLEncoder.encode(
                "http://127.0.0.1:" + server.mimbla.port() + "|" + web.business().clientId(),
                StandardCharsets.UTF_8)
            .replace("+", "%20");

    try (Chromium chromium = Chromium.start(true)) {
      chromium.driver.get(shop.url("/checkout#" + fragment));
      String created =
          chromium.await(
              d -> {
                String text = d.findElement(By.id("result")).getText();
                return text.equals("waiting") ? null : text;
              });
      assertThat(created).matches("status 201 [A-Za-z0-9]{12}");

      // The same page from another origin: the browser itself refuses to hand over the answer.
      chromium.driver.get(
          "http://localhost:" + shop.server.getAddress().getPort() + "/checkout#" + fragment);
      String refused =
          chromium.await(
              d -> {
                String text = d.findElement(By.id("result")).getText();
                return text.equals("waiting") ? null : text;
              });
      assertThat(refused).isEqualTo("blocked TypeError");
    }
  }

  private static boolean paidShown(org.openqa.selenium.WebDriver driver) {
    List<WebElement> title = driver.findElements(By.id("status-title"));
    return !title.isEmpty() && title.get(0).getText().equals("Paid. Thank you!");
  }

  /** The QR image loaded and has a size: the browser fetched and decoded the SVG. */
  private static void assertQrCodeDrawn(Chromium chromium, boolean scripts) {
    WebElement qr = chromium.driver.findElement(By.id("qr"));
    if (scripts) {
      Object width =
          ((JavascriptExecutor) chromium.driver)
              .executeScript("return arguments[0].complete && arguments[0].naturalWidth", qr);
      assertThat(((Number) width).intValue()).isGreaterThan(100);
    }
    assertThat(qr.getSize().getWidth()).isGreaterThan(100);
    assertThat(qr.getDomAttribute("alt")).startsWith("QR code of the payment");
  }

  private static List<?> cspViolations(Chromium chromium) {
    return chromium.driver.manage().logs().getAvailableLogTypes().contains("browser")
        ? chromium.driver.manage().logs().get("browser").getAll().stream()
            .filter(entry -> entry.getMessage().contains("Content Security Policy"))
            .toList()
        : List.of();
  }
}
