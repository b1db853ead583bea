package mimbla.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import mimbla.business.Businesses;
import mimbla.chain.Crypto;
import mimbla.testing.Http;
import mimbla.testing.Http.Answer;
import mimbla.testing.ServerPerClass;
import org.junit.jupiter.api.Test;

/**
 * The merchant API of profile.md §1–§2, answer by answer, over real HTTP. Runs once per store (see
 * the subclasses): the same requests must get the same answers on SQLite and PostgreSQL.
 */
abstract class InvoiceApiContract extends ServerPerClass {
  static final String API = "/api/v1/merchant";
  static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z";

  String create(String json) {
    Answer answer = merchant.post(API + "/invoice", json);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    return answer.text("id");
  }

  JsonNode invoice(String slug) {
    Answer answer = merchant.get(API + "/invoice/" + slug);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.json();
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void createAnswers201WithTheDocumentedFieldsInOrder() {
    Answer answer = merchant.post(API + "/invoice", "{\"amount\": 10}");

    assertThat(answer.status()).isEqualTo(201);
    assertThat(answer.contentType()).startsWith("application/json");
    JsonNode body = answer.json();
    assertThat(fieldNames(body))
        .containsExactly("id", "success", "invoice_url", "due_date", "amount", "crypto");
    String slug = body.get("id").asText();
    assertThat(slug).matches("[A-Za-z0-9]{12}");
    assertThat(body.get("success").isBoolean()).isTrue();
    assertThat(body.get("success").booleanValue()).isTrue();
    assertThat(body.get("invoice_url").asText()).isEqualTo("http://localhost:8080/pay/" + slug);
    // The clock stands at 2026-06-15: the default due date is the end of June, in UTC.
    assertThat(body.get("due_date").asText()).isEqualTo("2026-06-30T23:59:59.000000Z");
    assertThat(body.get("amount").isTextual()).isTrue();
    assertThat(body.get("amount").asText()).isEqualTo("10");
    assertThat(body.get("crypto").asText()).isEqualTo("ALL");
  }

  @Test
  void createKeepsEveryFieldAndGetShowsThem() {
    String slug =
        create(
            """
            {"amount": 25.50, "currency": "EUR", "crypto": "BTC", "due_date": "07/04/2026",
             "close_url": "https://shop.example/closed", "redirect_url": "https://shop.example/thanks",
             "webhook_url": "https://shop.example/hook?order=7&token=x#frag",
             "automatic_redirect": true, "unknown_field": {"ignored": [1, 2]}}
            """);

    JsonNode body = invoice(slug);
    assertThat(fieldNames(body))
        .startsWith("due_date", "amount", "crypto", "url_slug", "status", "payment");
    assertThat(body.get("due_date").asText()).isEqualTo("2026-07-04T23:59:59.000000Z");
    assertThat(body.get("amount").asText()).isEqualTo("25.5");
    assertThat(body.get("crypto").asText()).isEqualTo("BTC");
    assertThat(body.get("url_slug").asText()).isEqualTo(slug);
    assertThat(body.get("status").asText()).isEqualTo("unpaid");
    assertThat(body.get("payment").isNull()).isTrue();
    assertThat(body.get("currency").asText()).isEqualTo("EUR");
    assertThat(body.get("close_url").asText()).isEqualTo("https://shop.example/closed");
    assertThat(body.get("redirect_url").asText()).isEqualTo("https://shop.example/thanks");
    assertThat(body.get("webhook_url").asText())
        .isEqualTo("https://shop.example/hook?order=7&token=x#frag");
    assertThat(body.get("automatic_redirect").booleanValue()).isTrue();
    assertThat(body.get("created_at").asText()).matches(TIMESTAMP);
  }

  @Test
  void acceptsNumericStringsAndLaravelBooleansAndEmptyOptionals() {
    String slug =
        create(
            "{\"amount\": \"12.5\", \"automatic_redirect\": \"1\", \"close_url\": \"\","
                + " \"crypto\": \"\", \"due_date\": \"\", \"currency\": null}");

    JsonNode body = invoice(slug);
    assertThat(body.get("amount").asText()).isEqualTo("12.5");
    assertThat(body.get("crypto").asText()).isEqualTo("ALL");
    assertThat(body.get("currency").asText()).isEqualTo("USD");
    assertThat(body.get("close_url").isNull()).isTrue();
    assertThat(body.get("automatic_redirect").booleanValue()).isTrue();
  }

  @Test
  void acceptsFormEncodedBodiesAsLaravelDoes() {
    Answer answer =
        merchant
            .with("Content-Type", "application/x-www-form-urlencoded")
            .post(API + "/invoice", "amount=15&crypto=LTC&due_date=07%2F01%2F2026");

    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    assertThat(answer.text("crypto")).isEqualTo("LTC");
    assertThat(answer.text("due_date")).isEqualTo("2026-07-01T23:59:59.000000Z");
  }

  @Test
  void dueDateMayBeTodayOrALeapDay() {
    assertThat(
            merchant
                .post(API + "/invoice", "{\"amount\":10,\"due_date\":\"06/15/2026\"}")
                .text("due_date"))
        .isEqualTo("2026-06-15T23:59:59.000000Z");
    assertThat(
            merchant
                .post(API + "/invoice", "{\"amount\":10,\"due_date\":\"02/29/2028\"}")
                .text("due_date"))
        .isEqualTo("2028-02-29T23:59:59.000000Z");
  }

  @Test
  void minimumIsTenDollarsAtCreationInAnyCurrency() {
    // Fixed demo rates: 150 JPY and 0.92 EUR to the dollar.
    assertThat(merchant.post(API + "/invoice", "{\"amount\":1500,\"currency\":\"JPY\"}").status())
        .isEqualTo(201);
    Answer tooSmall = merchant.post(API + "/invoice", "{\"amount\":1499,\"currency\":\"JPY\"}");
    assertThat(tooSmall.status()).isEqualTo(400);
    assertThat(tooSmall.text("error")).isEqualTo("invoice.amount_too_small");
    assertThat(tooSmall.text("message")).contains("amount", "10 USD", "1499 JPY");

    assertThat(merchant.post(API + "/invoice", "{\"amount\":9.2,\"currency\":\"EUR\"}").status())
        .isEqualTo(201);
    assertThat(merchant.post(API + "/invoice", "{\"amount\":9.19,\"currency\":\"EUR\"}").status())
        .isEqualTo(400);
    assertThat(merchant.post(API + "/invoice", "{\"amount\":9.99}").text("error"))
        .isEqualTo("invoice.amount_too_small");
  }

  @Test
  void requestPaymentAnswers201WithTheDocumentedShape() {
    String slug = create("{\"amount\": 25}");

    Answer answer = merchant.post(API + "/invoice/rp/" + slug, "{\"crypto\": \"BTC\"}");

    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    JsonNode body = answer.json();
    assertThat(fieldNames(body))
        .containsExactly(
            "invoice_id",
            "address",
            "amount",
            "status",
            "crypto",
            "rates",
            "created_at",
            "updated_at");
    assertThat(body.get("invoice_id").asText())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(body.get("address").asText()).startsWith("bcsandbox1q");
    // 25 USD at 65000 USD/BTC is 0.000384615…, rounded up to the satoshi.
    assertThat(body.get("amount").asText()).isEqualTo("0.00038462");
    assertThat(body.get("status").asText()).isEqualTo("pending");
    assertThat(body.get("crypto").asText()).isEqualTo("BTC");
    assertThat(body.get("rates").isTextual()).isTrue();
    assertThat(body.get("rates").asText()).isEqualTo("{\"usd\":65000.00,\"eur\":59800.00}");
    assertThat(Http.parse(body.get("rates").asText()).get("usd").isNumber()).isTrue();
    assertThat(body.get("created_at").asText()).matches(TIMESTAMP);
    assertThat(body.get("updated_at").asText()).matches(TIMESTAMP);

    JsonNode payment = invoice(slug).get("payment");
    assertThat(fieldNames(payment)).startsWith("status", "address", "amount", "crypto");
    assertThat(payment.get("status").asText()).isEqualTo("pending");
    assertThat(payment.get("address").asText()).isEqualTo(body.get("address").asText());
    assertThat(payment.get("amount").asText()).isEqualTo("0.00038462");
    assertThat(payment.get("crypto").asText()).isEqualTo("BTC");
    assertThat(payment.get("received").asText()).isEqualTo("0.00000000");
  }

  @Test
  void moneroAmountsHaveTwelveDecimalsAndEurUsesTheEurPrice() {
    String usd = create("{\"amount\": 25, \"crypto\": \"XMR\"}");
    Answer xmr = merchant.post(API + "/invoice/rp/" + usd, "");
    assertThat(xmr.text("amount")).isEqualTo("0.156250000000");
    assertThat(xmr.text("address")).startsWith("8Sandbox").hasSize(95);

    String eur = create("{\"amount\": 46, \"currency\": \"EUR\", \"crypto\": \"LTC\"}");
    // 46 EUR at 85 USD × 0.92 EUR/USD = 78.2 EUR/LTC: 0.58823529… LTC, rounded up.
    assertThat(merchant.post(API + "/invoice/rp/" + eur, "{}").text("amount"))
        .isEqualTo("0.58823530");
  }

  @Test
  void everyPaymentGetsAFreshAddress() {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String slug = create("{\"amount\": 10, \"crypto\": \"BCH\"}");
      addresses.add(merchant.post(API + "/invoice/rp/" + slug, "").text("address"));
    }
    assertThat(addresses)
        .doesNotHaveDuplicates()
        .allMatch(a -> a.startsWith("bitcoincash:qsandbox"));
  }

  @Test
  void paymentForAFixedCryptoNeedsNoBodyAndRefusesAnotherCrypto() {
    String slug = create("{\"amount\": 10, \"crypto\": \"LTC\"}");

    Answer other = merchant.post(API + "/invoice/rp/" + slug, "{\"crypto\":\"BTC\"}");
    assertThat(other.status()).isEqualTo(400);
    assertThat(other.text("error")).isEqualTo("payment.crypto_mismatch");

    Answer answer = merchant.send("POST", API + "/invoice/rp/" + slug, null);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    assertThat(answer.text("crypto")).isEqualTo("LTC");
  }

  @Test
  void paymentForAllNeedsACryptoWithTheDocumentedBody() {
    String slug = create("{\"amount\": 10}");

    Answer missing = merchant.post(API + "/invoice/rp/" + slug, "{}");

    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json())
        .isEqualTo(Http.parse("{\"message\":\"crypto parameter is required for this invoice\"}"));
  }

  @Test
  void unsupportedCryptoGetsTheProfileBody() {
    String slug = create("{\"amount\": 10}");
    for (String crypto : List.of("btc", "ETH", "ALL", "USDT", "BTC ")) {
      Answer answer = merchant.post(API + "/invoice/rp/" + slug, "{\"crypto\":\"" + crypto + "\"}");
      assertThat(answer.status()).as(crypto).isEqualTo(400);
      assertThat(answer.json())
          .as(crypto)
          .isEqualTo(
              Http.parse(
                  "{\"message\":\"crypto not supported\",\"error\":\"crypto.unsupported\"}"));
    }
  }

  @Test
  void paymentIsRequestedOnlyOnce() {
    String slug = create("{\"amount\": 10}");
    assertThat(merchant.post(API + "/invoice/rp/" + slug, "{\"crypto\":\"BTC\"}").status())
        .isEqualTo(201);

    Answer again = merchant.post(API + "/invoice/rp/" + slug, "{\"crypto\":\"LTC\"}");

    assertThat(again.status()).isEqualTo(400);
    assertThat(again.json())
        .isEqualTo(
            Http.parse(
                "{\"message\":\"Payment already requested\",\"error\":\"payment.requested\"}"));
    assertThat(invoice(slug).at("/payment/crypto").asText()).isEqualTo("BTC");
  }

  @Test
  void concurrentPaymentRequestsMakeExactlyOnePayment() throws Exception {
    String slug = create("{\"amount\": 10, \"crypto\": \"BTC\"}");
    List<Thread> threads = new ArrayList<>();
    List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 8; i++) {
      threads.add(
          Thread.startVirtualThread(
              () -> statuses.add(merchant.post(API + "/invoice/rp/" + slug, "").status())));
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(statuses).containsOnlyOnce(201).containsOnly(201, 400);
    assertThat(
            server.count(
                "SELECT COUNT(*) FROM payment p JOIN invoice i ON i.id = p.invoice_id"
                    + " WHERE i.slug = '"
                    + slug
                    + "'"))
        .isEqualTo(1);
  }

  @Test
  void manyConcurrentWritersAllSucceed() throws Exception {
    long before = server.count("SELECT COUNT(*) FROM invoice");
    List<Thread> threads = new ArrayList<>();
    List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 40; i++) {
      threads.add(
          Thread.startVirtualThread(
              () -> {
                Answer created =
                    merchant.post(API + "/invoice", "{\"amount\": 10, \"crypto\": \"XMR\"}");
                statuses.add(created.status());
                statuses.add(merchant.post(API + "/invoice/rp/" + created.text("id"), "").status());
              }));
    }
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(statuses).hasSize(80).containsOnly(201);
    assertThat(server.count("SELECT COUNT(*) FROM invoice")).isEqualTo(before + 40);
  }

  @Test
  void deleteCancelsAndTheInvoiceStaysReadable() {
    String slug = create("{\"amount\": 10}");

    Answer deleted = merchant.delete(API + "/invoice/" + slug);

    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json()).isEqualTo(Http.parse("{\"message\":\"Invoice deleted\"}"));
    assertThat(invoice(slug).get("status").asText()).isEqualTo("canceled");
    assertThat(merchant.delete(API + "/invoice/" + slug).status()).isEqualTo(200);

    Answer payment = merchant.post(API + "/invoice/rp/" + slug, "{\"crypto\":\"BTC\"}");
    assertThat(payment.status()).isEqualTo(400);
    assertThat(payment.json())
        .isEqualTo(
            Http.parse("{\"message\":\"Invoice is not unpaid\",\"error\":\"invoice.not_unpaid\"}"));
  }

  @Test
  void deleteIsRefusedWhileAPaymentIsPending() {
    String slug = create("{\"amount\": 10, \"crypto\": \"BTC\"}");
    merchant.post(API + "/invoice/rp/" + slug, "");

    Answer refused = merchant.delete(API + "/invoice/" + slug);

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json())
        .isEqualTo(
            Http.parse(
                "{\"error\":\"Invoice has a pending payment, cannot be deleted at this time\"}"));
    assertThat(invoice(slug).get("status").asText()).isEqualTo("unpaid");
  }

  @Test
  void anotherBusinessesInvoiceIsIndistinguishableFromAMissingOne() {
    String slug = create("{\"amount\": 10}");
    Http rival = server.as(server.newBusiness("rival-" + slug, Set.of()));
    JsonNode notFound = Http.parse("{\"error\":\"Invoice not found\"}");

    for (Answer answer :
        List.of(
            rival.get(API + "/invoice/" + slug),
            rival.delete(API + "/invoice/" + slug),
            rival.post(API + "/invoice/rp/" + slug, "{\"crypto\":\"BTC\"}"),
            rival.get(API + "/invoice/" + slug + "/history"),
            merchant.get(API + "/invoice/AAAAAAAAAAAA"),
            merchant.get(API + "/invoice/short"),
            merchant.delete(API + "/invoice/" + slug.toLowerCase(java.util.Locale.ROOT) + "x"),
            merchant.post(API + "/invoice/rp/%2e%2e", "{}"))) {
      assertThat(answer.status()).as(answer.toString()).isEqualTo(404);
      assertThat(answer.json()).isEqualTo(notFound);
    }
    assertThat(invoice(slug).get("status").asText()).isEqualTo("unpaid");
  }

  @Test
  void businessesOnlyOfferTheCryptosTheyAccept() {
    Businesses.Issued monero = server.newBusiness("monero-only", Set.of(Crypto.XMR));
    Http client = server.as(monero);

    Answer btc = client.post(API + "/invoice", "{\"amount\":10,\"crypto\":\"BTC\"}");
    assertThat(btc.status()).isEqualTo(400);
    assertThat(btc.text("error")).isEqualTo("crypto.unsupported");

    String slug = client.post(API + "/invoice", "{\"amount\":10}").text("id");
    assertThat(client.post(API + "/invoice/rp/" + slug, "{\"crypto\":\"BTC\"}").text("error"))
        .isEqualTo("crypto.unsupported");
    assertThat(client.post(API + "/invoice/rp/" + slug, "{\"crypto\":\"XMR\"}").status())
        .isEqualTo(201);
  }

  @Test
  void ratesAnswerUsdEurGbpAsTwoDecimalStrings() {
    Answer answer = merchant.get(API + "/rates/BTC");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json())
        .isEqualTo(Http.parse("{\"usd\":\"65000.00\",\"eur\":\"59800.00\",\"gbp\":\"51350.00\"}"));
    assertThat(fieldNames(answer.json())).containsExactly("usd", "eur", "gbp");
    assertThat(merchant.get(API + "/rates/XMR").text("usd")).isEqualTo("160.00");
  }

  @Test
  void ratesOfAnUnknownOrLowerCaseCryptoAreNotFound() {
    for (String crypto : List.of("btc", "ETH", "ALL", "Btc", "%20BTC")) {
      Answer answer = merchant.get(API + "/rates/" + crypto);
      assertThat(answer.status()).as(crypto).isEqualTo(404);
      assertThat(answer.json()).isEqualTo(Http.parse("{\"error\":\"Crypto not found\"}"));
    }
  }

  @Test
  void historyListsWhatHappenedInOrder() {
    String slug = create("{\"amount\": 10}");
    merchant.post(API + "/invoice/rp/" + slug, "{\"crypto\":\"BTC\"}");

    JsonNode history = merchant.get(API + "/invoice/" + slug + "/history").json();

    assertThat(history.get("url_slug").asText()).isEqualTo(slug);
    assertThat(history.get("history").findValuesAsText("event"))
        .containsExactly("created", "payment_requested");
    assertThat(history.at("/history/0/at").asText()).matches(TIMESTAMP);
  }
}
