package mimbla.web;

import java.util.List;

/**
 * What the pay page shows, worked out on the server so the page is complete without JavaScript.
 * Public because the compiled templates live in jte's package; {@code null} marks what is absent.
 *
 * @param state one of {@code choose}, {@code unavailable}, {@code waiting}, {@code seen}, {@code
 *     paid}, {@code overdue}, {@code canceled}: also the stylesheet's and the script's key
 */
public record PayView(
    String slug,
    String businessName,
    String fiatAmount,
    String currency,
    String state,
    String stateTitle,
    String stateText,
    List<Choice> choices,
    Shown payment,
    String dueAt,
    String dueShown,
    String now,
    String timeLeft,
    String returnUrl,
    String closeUrl,
    boolean automaticRedirect,
    boolean sandbox,
    String error) {

  /** A crypto the payer may choose. */
  public record Choice(String symbol, String name) {}

  /** The requested payment. */
  public record Shown(
      String crypto,
      String coinName,
      String amount,
      String address,
      String uri,
      String received,
      int confirmations,
      int requiredConfirmations) {}

  /** Whether the page may still change by itself, so it refreshes and polls. */
  public boolean live() {
    return switch (state) {
      case "choose", "waiting", "seen", "unavailable" -> true;
      default -> false;
    };
  }

  /** Seconds between refreshes of the page when scripts are off. */
  public int refreshSeconds() {
    return 10;
  }

  /** Whether the sandbox controls apply: a sandbox server and a payment still open. */
  public boolean sandboxControls() {
    return sandbox && payment != null && (state.equals("waiting") || state.equals("seen"));
  }

  /** Where the paid payer goes on: the redirect URL, else the close URL. */
  public boolean redirectsNow() {
    return state.equals("paid") && automaticRedirect && returnUrl != null;
  }
}
