package mimbla.web;

import java.util.List;

/**
 * What the dashboard's pages show. Public because the compiled templates live in jte's package;
 * {@code null} marks what is absent.
 */
public final class BoardView {
  private BoardView() {}

  /** The frame around every signed-in page: who is signed in, and the sign-out form's token. */
  public record Frame(String businessName, String csrf, String section) {}

  public record SignIn(String csrf, String error) {}

  public record Invoices(
      Frame frame,
      String status,
      String query,
      List<Row> rows,
      String nextPage,
      boolean firstPage,
      String error) {}

  public record Row(
      String slug,
      String createdAt,
      String amount,
      String currency,
      String crypto,
      String status,
      String paymentStatus,
      String dueAt) {}

  public record Invoice(
      Frame frame,
      String slug,
      String status,
      String amount,
      String currency,
      String crypto,
      String createdAt,
      String dueAt,
      String invoiceUrl,
      String webhookUrl,
      String redirectUrl,
      String closeUrl,
      Payment payment,
      List<HistoryLine> history,
      List<Delivery> deliveries,
      boolean canRedeliver,
      String notice,
      String error) {}

  public record Payment(
      String crypto,
      String status,
      String address,
      String amount,
      String received,
      int confirmations,
      String rates,
      String createdAt) {}

  public record HistoryLine(String at, String event, String amount, String note) {}

  public record Delivery(
      String kind,
      String state,
      String createdAt,
      String outcome,
      String url,
      List<Attempt> attempts) {}

  public record Attempt(
      int number,
      String startedAt,
      String route,
      String outcome,
      String durationMs,
      boolean reclaimed) {}

  public record WebhookTest(Frame frame, String url, TestResult result, String error) {}

  public record TestResult(
      boolean reachable, String route, String outcome, String durationMs, String startedAt) {}
}
