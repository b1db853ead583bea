package mimbla.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import mimbla.testing.Http;

/**
 * Invoices made and paid over a server process's HTTP API, the way a merchant and a payer would:
 * create a 26 USD BTC invoice with a webhook URL, request its payment, pay it in full with
 * confirmed sandbox money. The server's payment watcher then marks it paid on its own.
 */
final class ProcessInvoices {
  static final String API = "/api/v1/merchant";

  private ProcessInvoices() {}

  /** Creates an invoice notifying {@code webhookUrl}; returns its slug. */
  static String create(Http merchant, String webhookUrl) {
    Http.Answer created =
        merchant.post(
            API + "/invoice",
            "{\"amount\": 26, \"crypto\": \"BTC\", \"webhook_url\": \"" + webhookUrl + "\"}");
    if (created.status() != 201) {
      throw new AssertionError("invoice not created: " + created);
    }
    return created.text("id");
  }

  /** Requests the invoice's payment and pays the full amount with 10 confirmations. */
  static void pay(Http merchant, Http server, String slug) {
    Http.Answer payment = merchant.post(API + "/invoice/rp/" + slug, "");
    if (payment.status() != 201) {
      throw new AssertionError("payment not requested for " + slug + ": " + payment);
    }
    String body =
        "{\"address\": \"%s\", \"amount\": \"%s\", \"confirmations\": 10}"
            .formatted(payment.text("address"), payment.text("amount"));
    Http.Answer paid = server.post("/api/v1/sandbox/pay", body);
    if (paid.status() != 201) {
      throw new AssertionError("sandbox payment refused for " + slug + ": " + paid);
    }
  }

  /** Waits until the server reports every one of these invoices paid. */
  static void awaitPaid(Http merchant, Collection<String> slugs, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> unpaid = new ArrayList<>(slugs);
    while (!unpaid.isEmpty()) {
      unpaid.removeIf(slug -> merchant.get(API + "/invoice/" + slug).text("status").equals("paid"));
      if (unpaid.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            unpaid.size() + " invoices not paid within " + timeout + ": " + unpaid);
      }
      sleep(Duration.ofMillis(100));
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
