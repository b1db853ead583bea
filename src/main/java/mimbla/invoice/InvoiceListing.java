package mimbla.invoice;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A page of a business's invoices for the dashboard: newest first, filtered by status and by the
 * start of the slug, continued from an opaque cursor.
 */
public final class InvoiceListing {
  private static final Pattern SLUG_PREFIX = Pattern.compile("[A-Za-z0-9]{1,12}");
  private static final Pattern CURSOR = Pattern.compile("(\\d{1,19})\\.([0-9a-f-]{36})");

  private InvoiceListing() {}

  /** What to list. An empty filter lists everything. */
  public record Query(
      Optional<InvoiceStatus> status, Optional<String> slugPrefix, Optional<Cursor> after) {

    /**
     * Reads the filters as a browser sends them; a value that cannot be a status, a slug or a
     * cursor is refused with a message naming it, never passed to SQL.
     */
    public static Query parse(String status, String slug, String after) {
      return new Query(status(status), slugPrefix(slug), Cursor.parse(after));
    }

    private static Optional<InvoiceStatus> status(String text) {
      if (text == null || text.isBlank()) {
        return Optional.empty();
      }
      for (InvoiceStatus status : InvoiceStatus.values()) {
        if (status.wire().equals(text)) {
          return Optional.of(status);
        }
      }
      throw InvoiceException.invalid(
          "listing.status_invalid", "status must be unpaid, paid or canceled");
    }

    private static Optional<String> slugPrefix(String text) {
      if (text == null || text.isBlank()) {
        return Optional.empty();
      }
      String trimmed = text.strip();
      if (!SLUG_PREFIX.matcher(trimmed).matches()) {
        throw InvoiceException.invalid(
            "listing.slug_invalid", "An invoice id has up to 12 letters and digits");
      }
      return Optional.of(trimmed);
    }
  }

  /** A place in the list: the last row shown. */
  public record Cursor(long createdAtMicros, String id) {
    /** The cursor as a URL parameter. */
    public String text() {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((createdAtMicros + "." + id).getBytes(StandardCharsets.UTF_8));
    }

    static Optional<Cursor> parse(String text) {
      if (text == null || text.isBlank()) {
        return Optional.empty();
      }
      try {
        String decoded =
            new String(Base64.getUrlDecoder().decode(text.strip()), StandardCharsets.UTF_8);
        var matcher = CURSOR.matcher(decoded);
        if (matcher.matches()) {
          return Optional.of(new Cursor(Long.parseLong(matcher.group(1)), matcher.group(2)));
        }
      } catch (IllegalArgumentException notBase64OrNumber) {
        // Falls through to the refusal.
      }
      throw InvoiceException.invalid("listing.cursor_invalid", "The page link is not valid");
    }
  }

  /** One invoice as the list shows it. */
  public record Row(
      String slug,
      String amount,
      String currency,
      String crypto,
      Optional<String> paymentCrypto,
      InvoiceStatus status,
      Optional<PaymentStatus> paymentStatus,
      Instant dueAt,
      Cursor cursor) {}

  /** The rows of one page, and where the next page starts if there is one. */
  public record Page(List<Row> rows, Optional<Cursor> next) {}
}
