package mimbla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import mimbla.testing.Http;
import mimbla.testing.Http.Answer;
import mimbla.testing.ServerPerClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input on every field of every endpoint: each gets a 4xx JSON answer that names the problem,
 * never a 500, and leaves no row behind. Runs once per store (see the subclasses).
 */
abstract class HostileInputContract extends ServerPerClass {
  static final String API = "/api/v1/merchant";
  static final String LONG_URL = "https://shop.example/" + "a".repeat(2030);

  long rows() {
    return server.count(
        "SELECT (SELECT COUNT(*) FROM invoice) + (SELECT COUNT(*) FROM payment)"
            + " + (SELECT COUNT(*) FROM invoice_event) + (SELECT COUNT(*) FROM ledger_entry)"
            + " + (SELECT COUNT(*) FROM sandbox_transfer)");
  }

  /** Sends, then checks the answer is the expected refusal and nothing was written. */
  Answer refused(String method, String path, String body, int status, String code, String field) {
    long before = rows();

    Answer answer = merchant.send(method, path, body);

    assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
    assertThat(answer.contentType()).as(answer.toString()).startsWith("application/json");
    assertThat(answer.text("error")).as(answer.toString()).isEqualTo(code);
    assertThat(answer.text("message")).as(answer.toString()).contains(field);
    assertThat(answer.body()).doesNotContain("Exception", "\tat ", "<html");
    assertThat(rows()).as("rows after " + answer).isEqualTo(before);
    return answer;
  }

  static Stream<Arguments> badInvoices() {
    return Stream.of(
        // amount
        arguments("{}", "invoice.amount_required", "amount"),
        arguments("{\"amount\": null}", "invoice.amount_required", "amount"),
        arguments("{\"amount\": \"\"}", "invoice.amount_required", "amount"),
        arguments("{\"amount\": \"ten\"}", "invoice.amount_invalid", "amount"),
        arguments("{\"amount\": \"NaN\"}", "invoice.amount_invalid", "amount"),
        arguments("{\"amount\": \"Infinity\"}", "invoice.amount_invalid", "amount"),
        arguments("{\"amount\": \"0x10\"}", "invoice.amount_invalid", "amount"),
        arguments("{\"amount\": true}", "invoice.amount_invalid", "amount"),
        arguments("{\"amount\": {\"value\": 10}}", "invoice.amount_invalid", "amount"),
        arguments("{\"amount\": [10]}", "invoice.amount_invalid", "amount"),
        arguments("{\"amount\": -10}", "invoice.amount_too_small", "amount"),
        arguments("{\"amount\": 0}", "invoice.amount_too_small", "amount"),
        arguments("{\"amount\": -0.0}", "invoice.amount_too_small", "amount"),
        arguments("{\"amount\": 9.99}", "invoice.amount_too_small", "amount"),
        arguments("{\"amount\": 10.001}", "invoice.amount_precision", "amount"),
        arguments("{\"amount\": 1e-999999999}", "invoice.amount_precision", "amount"),
        arguments(
            "{\"amount\": 1500.5, \"currency\": \"JPY\"}", "invoice.amount_precision", "amount"),
        arguments("{\"amount\": 1e309}", "invoice.amount_too_large", "amount"),
        arguments("{\"amount\": \"1e309\"}", "invoice.amount_too_large", "amount"),
        arguments("{\"amount\": 1e999999999}", "invoice.amount_too_large", "amount"),
        arguments("{\"amount\": 10000000000000}", "invoice.amount_too_large", "amount"),
        arguments(
            "{\"amount\": 123456789012345678901234567890123456789}",
            "invoice.amount_too_large",
            "amount"),
        // currency
        arguments("{\"amount\": 10, \"currency\": \"usd\"}", "currency.unsupported", "currency"),
        arguments("{\"amount\": 10, \"currency\": \"XBT\"}", "currency.unsupported", "currency"),
        arguments("{\"amount\": 10, \"currency\": \"US\"}", "currency.unsupported", "currency"),
        arguments("{\"amount\": 10, \"currency\": 840}", "invoice.currency_invalid", "currency"),
        arguments(
            "{\"amount\": 10, \"currency\": [\"USD\"]}", "invoice.currency_invalid", "currency"),
        // crypto
        arguments("{\"amount\": 10, \"crypto\": \"btc\"}", "crypto.unsupported", "crypto"),
        arguments("{\"amount\": 10, \"crypto\": \"ETH\"}", "crypto.unsupported", "crypto"),
        arguments("{\"amount\": 10, \"crypto\": \"all\"}", "crypto.unsupported", "crypto"),
        arguments(
            "{\"amount\": 10, \"crypto\": \"" + "B".repeat(5000) + "\"}",
            "crypto.unsupported",
            "crypto"),
        arguments("{\"amount\": 10, \"crypto\": 1}", "invoice.crypto_invalid", "crypto"),
        arguments(
            "{\"amount\": 10, \"crypto\": {\"BTC\": true}}", "invoice.crypto_invalid", "crypto"),
        arguments("{\"amount\": 10, \"crypto\": false}", "invoice.crypto_invalid", "crypto"),
        // due_date
        arguments(
            "{\"amount\": 10, \"due_date\": \"13/01/2026\"}",
            "invoice.due_date_invalid",
            "due_date"),
        arguments(
            "{\"amount\": 10, \"due_date\": \"00/10/2026\"}",
            "invoice.due_date_invalid",
            "due_date"),
        arguments(
            "{\"amount\": 10, \"due_date\": \"02/29/2027\"}",
            "invoice.due_date_invalid",
            "due_date"),
        arguments(
            "{\"amount\": 10, \"due_date\": \"02/30/2028\"}",
            "invoice.due_date_invalid",
            "due_date"),
        arguments(
            "{\"amount\": 10, \"due_date\": \"06/31/2026\"}",
            "invoice.due_date_invalid",
            "due_date"),
        arguments(
            "{\"amount\": 10, \"due_date\": \"2026-07-01\"}",
            "invoice.due_date_invalid",
            "due_date"),
        arguments(
            "{\"amount\": 10, \"due_date\": \"7/1/2026\"}", "invoice.due_date_invalid", "due_date"),
        arguments(
            "{\"amount\": 10, \"due_date\": \"07/01/26\"}", "invoice.due_date_invalid", "due_date"),
        arguments(
            "{\"amount\": 10, \"due_date\": \"07/01/2026 12:00\"}",
            "invoice.due_date_invalid",
            "due_date"),
        arguments(
            "{\"amount\": 10, \"due_date\": \"０７/01/2026\"}",
            "invoice.due_date_invalid",
            "due_date"),
        arguments(
            "{\"amount\": 10, \"due_date\": 7012026}", "invoice.due_date_invalid", "due_date"),
        arguments(
            "{\"amount\": 10, \"due_date\": \"06/14/2026\"}", "invoice.due_date_past", "due_date"),
        arguments(
            "{\"amount\": 10, \"due_date\": \"01/01/1970\"}", "invoice.due_date_past", "due_date"),
        // URLs
        arguments(
            "{\"amount\": 10, \"webhook_url\": \"ftp://shop.example/hook\"}",
            "invoice.webhook_url_invalid",
            "webhook_url"),
        arguments(
            "{\"amount\": 10, \"webhook_url\": \"not a url\"}",
            "invoice.webhook_url_invalid",
            "webhook_url"),
        arguments(
            "{\"amount\": 10, \"webhook_url\": \"/relative/hook\"}",
            "invoice.webhook_url_invalid",
            "webhook_url"),
        arguments(
            "{\"amount\": 10, \"webhook_url\": \"https://\"}",
            "invoice.webhook_url_invalid",
            "webhook_url"),
        arguments(
            "{\"amount\": 10, \"webhook_url\": \"http://user:secret@shop.example/\"}",
            "invoice.webhook_url_invalid",
            "webhook_url"),
        arguments(
            "{\"amount\": 10, \"webhook_url\": \"" + LONG_URL + "\"}",
            "invoice.webhook_url_invalid",
            "webhook_url"),
        arguments(
            "{\"amount\": 10, \"webhook_url\": \"http://short.onion/hook\"}",
            "invoice.webhook_url_invalid",
            "webhook_url"),
        arguments(
            "{\"amount\": 10, \"webhook_url\": \"http://" + "a".repeat(16) + ".onion/\"}",
            "invoice.webhook_url_invalid",
            "webhook_url"),
        arguments(
            "{\"amount\": 10, \"webhook_url\": 42}", "invoice.webhook_url_invalid", "webhook_url"),
        arguments(
            "{\"amount\": 10, \"close_url\": \"javascript:alert(1)\"}",
            "invoice.close_url_invalid",
            "close_url"),
        arguments(
            "{\"amount\": 10, \"close_url\": \"data:text/html,hi\"}",
            "invoice.close_url_invalid",
            "close_url"),
        arguments(
            "{\"amount\": 10, \"redirect_url\": \"//shop.example/thanks\"}",
            "invoice.redirect_url_invalid",
            "redirect_url"),
        arguments(
            "{\"amount\": 10, \"redirect_url\": [\"https://a.example\"]}",
            "invoice.redirect_url_invalid",
            "redirect_url"),
        // automatic_redirect
        arguments(
            "{\"amount\": 10, \"automatic_redirect\": \"yes\"}",
            "invoice.automatic_redirect_invalid",
            "automatic_redirect"),
        arguments(
            "{\"amount\": 10, \"automatic_redirect\": 2}",
            "invoice.automatic_redirect_invalid",
            "automatic_redirect"),
        arguments(
            "{\"amount\": 10, \"automatic_redirect\": 1e999999999}",
            "invoice.automatic_redirect_invalid",
            "automatic_redirect"),
        arguments(
            "{\"amount\": 10, \"automatic_redirect\": {}}",
            "invoice.automatic_redirect_invalid",
            "automatic_redirect"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInvoices")
  void badInvoiceFieldsAreRefusedByName(String body, String code, String field) {
    refused("POST", API + "/invoice", body, 400, code, field);
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        arguments("{\"amount\": ", "request.malformed_json"),
        arguments("{amount: 10}", "request.malformed_json"),
        arguments("{\"amount\": 10,}", "request.malformed_json"),
        arguments("{\"amount\": 10} {\"amount\": 20}", "request.malformed_json"),
        arguments("{\"amount\": NaN}", "request.malformed_json"),
        arguments("{\"amount\": Infinity}", "request.malformed_json"),
        arguments("{\"amount\": 10, \"amount\": 20}", "request.malformed_json"),
        arguments("{\"amount\": 1" + "0".repeat(1000) + "}", "request.malformed_json"),
        arguments("[".repeat(2000) + "]".repeat(2000), "request.malformed_json"),
        arguments("{\"a\":".repeat(100) + "1" + "}".repeat(100), "request.malformed_json"),
        arguments("\u0000\u0001garbage", "request.malformed_json"),
        arguments("[{\"amount\": 10}]", "request.body_not_object"),
        arguments("\"amount\"", "request.body_not_object"),
        arguments("10", "request.body_not_object"),
        arguments("null", "request.body_not_object"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void malformedBodiesAreRefusedOnEveryWritingEndpoint(String body, String code) {
    String slug = merchant.post(API + "/invoice", "{\"amount\": 10}").text("id");

    refused("POST", API + "/invoice", body, 400, code, "body");
    refused("POST", API + "/invoice/rp/" + slug, body, 400, code, "body");
    refused("POST", "/api/v1/sandbox/pay", body, 400, code, "body");
  }

  @Test
  void aTenMegabyteBodyIsRefusedWith413() {
    String huge = "{\"amount\": 10, \"pad\": \"" + "x".repeat(10 * 1024 * 1024) + "\"}";
    String slug = merchant.post(API + "/invoice", "{\"amount\": 10}").text("id");

    refused("POST", API + "/invoice", huge, 413, "request.too_large", "larger than");
    refused("POST", API + "/invoice/rp/" + slug, huge, 413, "request.too_large", "larger than");
    refused("DELETE", API + "/invoice/" + slug, huge, 413, "request.too_large", "larger than");
  }

  @Test
  void aBodyJustOverTheLimitIsRefusedAndOneJustUnderIsRead() {
    String prefix = "{\"amount\": 10, \"pad\": \"";
    int room = ApiServer.MAX_BODY_BYTES - prefix.length() - 2;

    refused(
        "POST",
        API + "/invoice",
        prefix + "x".repeat(room + 1) + "\"}",
        413,
        "request.too_large",
        "larger than");
    assertThat(merchant.post(API + "/invoice", prefix + "x".repeat(room) + "\"}").status())
        .isEqualTo(201);
  }

  static Stream<Arguments> badPaymentRequests() {
    return Stream.of(
        arguments("{\"crypto\": 5}", "payment.crypto_invalid", "crypto"),
        arguments("{\"crypto\": [\"BTC\"]}", "payment.crypto_invalid", "crypto"),
        arguments("{\"crypto\": {}}", "payment.crypto_invalid", "crypto"),
        arguments("{\"crypto\": true}", "payment.crypto_invalid", "crypto"),
        arguments("{\"crypto\": \"btc\"}", "crypto.unsupported", "crypto"),
        arguments("{\"crypto\": \"BTC\\u0000\"}", "crypto.unsupported", "crypto"),
        arguments("{\"crypto\": \"" + "X".repeat(60000) + "\"}", "crypto.unsupported", "crypto"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badPaymentRequests")
  void badPaymentRequestsAreRefusedByName(String body, String code, String field) {
    String slug = merchant.post(API + "/invoice", "{\"amount\": 10}").text("id");
    refused("POST", API + "/invoice/rp/" + slug, body, 400, code, field);
  }

  static Stream<Arguments> badSandboxPayments() {
    return Stream.of(
        arguments("{\"amount\": 1}", 400, "sandbox.address_required", "address"),
        arguments("{\"address\": \"\", \"amount\": 1}", 400, "sandbox.address_required", "address"),
        arguments("{\"address\": 7, \"amount\": 1}", 400, "sandbox.address_invalid", "address"),
        arguments(
            "{\"address\": \"bc1qnotours\", \"amount\": 1}",
            404,
            "sandbox.unknown_address",
            "address"),
        arguments("{\"address\": \"ADDRESS\"}", 400, "sandbox.amount_required", "amount"),
        arguments(
            "{\"address\": \"ADDRESS\", \"amount\": \"lots\"}",
            400,
            "sandbox.amount_invalid",
            "amount"),
        arguments(
            "{\"address\": \"ADDRESS\", \"amount\": -1}", 400, "sandbox.amount_invalid", "amount"),
        arguments(
            "{\"address\": \"ADDRESS\", \"amount\": 0}", 400, "sandbox.amount_invalid", "amount"),
        arguments(
            "{\"address\": \"ADDRESS\", \"amount\": 0.000000001}",
            400,
            "sandbox.amount_invalid",
            "amount"),
        arguments(
            "{\"address\": \"ADDRESS\", \"amount\": 1e300}",
            400,
            "sandbox.amount_invalid",
            "amount"),
        arguments(
            "{\"address\": \"ADDRESS\", \"amount\": 1, \"confirmations\": -1}",
            400,
            "sandbox.confirmations_invalid",
            "confirmations"),
        arguments(
            "{\"address\": \"ADDRESS\", \"amount\": 1, \"confirmations\": 1.5}",
            400,
            "sandbox.confirmations_invalid",
            "confirmations"),
        arguments(
            "{\"address\": \"ADDRESS\", \"amount\": 1, \"confirmations\": 1e12}",
            400,
            "sandbox.confirmations_invalid",
            "confirmations"),
        arguments(
            "{\"address\": \"ADDRESS\", \"amount\": 1, \"confirmations\": \"many\"}",
            400,
            "sandbox.confirmations_invalid",
            "confirmations"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSandboxPayments")
  void badSandboxPaymentsAreRefusedByName(String body, int status, String code, String field) {
    String slug =
        merchant.post(API + "/invoice", "{\"amount\": 10, \"crypto\": \"BTC\"}").text("id");
    String address = merchant.post(API + "/invoice/rp/" + slug, "").text("address");

    refused("POST", "/api/v1/sandbox/pay", body.replace("ADDRESS", address), status, code, field);
  }

  @Test
  void badMiningIsRefusedByName() {
    refused(
        "POST", "/api/v1/sandbox/mine", "{\"blocks\": 0}", 400, "sandbox.blocks_invalid", "blocks");
    refused(
        "POST",
        "/api/v1/sandbox/mine",
        "{\"blocks\": -3}",
        400,
        "sandbox.blocks_invalid",
        "blocks");
    refused(
        "POST",
        "/api/v1/sandbox/mine",
        "{\"blocks\": \"x\"}",
        400,
        "sandbox.blocks_invalid",
        "blocks");
  }

  @Test
  void missingEmptyAndWrongKeysGetTheDocumentedBodies() {
    Http anonymous = server.http;
    for (Answer answer :
        new Answer[] {
          anonymous.post(API + "/invoice", "{\"amount\": 10}"),
          anonymous.with("MB-API-KEY", "").get(API + "/invoice/AAAAAAAAAAAA"),
          anonymous.with("MB-API-KEY", "   ").get(API + "/rates/BTC")
        }) {
      assertThat(answer.status()).isEqualTo(401);
      assertThat(answer.json()).isEqualTo(Http.parse("{\"message\":\"API key not provided\"}"));
    }
    String key = server.shop.apiKey();
    for (String wrong :
        new String[] {
          "nope",
          key.substring(0, 39),
          key + "x",
          key.toLowerCase(java.util.Locale.ROOT).equals(key)
              ? "x"
              : key.toLowerCase(java.util.Locale.ROOT),
          "x".repeat(5000),
          "' OR 1=1 --" + " ".repeat(29)
        }) {
      Answer answer =
          anonymous.with("MB-API-KEY", wrong).post(API + "/invoice", "{\"amount\": 10}");
      assertThat(answer.status()).as(wrong).isEqualTo(401);
      assertThat(answer.json()).isEqualTo(Http.parse("{\"message\":\"Invalid API key\"}"));
    }
  }

  @Test
  void unknownRoutesAndWrongMethodsAnswerJson() {
    Answer unknown = merchant.get(API + "/invoices");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.text("error")).isEqualTo("route.not_found");

    Answer anonymousUnknown = server.http.get("/api/v2/nothing");
    assertThat(anonymousUnknown.status()).isEqualTo(404);
    assertThat(anonymousUnknown.contentType()).startsWith("application/json");

    for (String[] call :
        new String[][] {
          {"PUT", API + "/invoice"},
          {"GET", API + "/invoice"},
          {"PATCH", API + "/invoice/AAAAAAAAAAAA"},
          {"GET", API + "/invoice/rp/AAAAAAAAAAAA"},
          {"POST", API + "/rates/BTC"},
          {"GET", "/api/v1/sandbox/pay"}
        }) {
      Answer answer = server.http.send(call[0], call[1], null);
      assertThat(answer.status()).as(call[0] + " " + call[1]).isEqualTo(405);
      assertThat(answer.text("error")).isEqualTo("route.method_not_allowed");
      assertThat(answer.contentType()).startsWith("application/json");
    }
  }
}
