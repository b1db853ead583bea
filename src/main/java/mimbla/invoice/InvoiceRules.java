package mimbla.invoice;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import mimbla.chain.Crypto;
import mimbla.rates.Fiat;

/** The value rules of a new invoice, each naming the field it refuses. */
final class InvoiceRules {
  /**
   * The largest amount accepted in any currency: far above any real invoice, far below overflow.
   */
  static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000000");

  static final int MAX_URL_LENGTH = 2048;

  private static final DateTimeFormatter DUE_DATE =
      DateTimeFormatter.ofPattern("MM/dd/uuuu", Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);
  private static final Pattern DUE_DATE_SHAPE = Pattern.compile("\\d{2}/\\d{2}/\\d{4}");
  private static final Pattern ONION_V3 = Pattern.compile("(?:[a-z0-9-]+\\.)*[a-z2-7]{56}\\.onion");
  private static final LocalTime END_OF_DAY = LocalTime.of(23, 59, 59);

  private InvoiceRules() {}

  static Fiat currency(Optional<String> code) {
    String text = code.orElse("USD");
    return Fiat.byCode(text)
        .orElseThrow(
            () ->
                InvoiceException.invalid(
                    "currency.unsupported",
                    "currency %s is not supported; use an upper-case code such as USD or EUR"
                        .formatted(quoted(text))));
  }

  /** Positive, with no more decimals than the currency has, and not absurdly large. */
  static long amountMinor(BigDecimal amount, Fiat currency) {
    if (amount.signum() <= 0) {
      throw InvoiceException.invalid("invoice.amount_too_small", "amount must be greater than 0");
    }
    if (amount.compareTo(MAX_AMOUNT) > 0) {
      throw InvoiceException.invalid(
          "invoice.amount_too_large", "amount must be at most " + MAX_AMOUNT.toPlainString());
    }
    if (amount.stripTrailingZeros().scale() > currency.decimals()) {
      throw InvoiceException.invalid(
          "invoice.amount_precision",
          "amount may have at most %d decimal places in %s"
              .formatted(currency.decimals(), currency));
    }
    return amount.movePointRight(currency.decimals()).longValueExact();
  }

  /** {@code ALL} (the default) or one crypto the business accepts. */
  static Optional<Crypto> crypto(Optional<String> symbol, List<Crypto> accepted) {
    String text = symbol.orElse(Invoice.ANY_CRYPTO);
    if (text.equals(Invoice.ANY_CRYPTO)) {
      if (accepted.isEmpty()) {
        throw InvoiceException.invalid(
            "crypto.unsupported", "crypto: no crypto is enabled for this business");
      }
      return Optional.empty();
    }
    Optional<Crypto> crypto = Crypto.bySymbol(text).filter(accepted::contains);
    if (crypto.isEmpty()) {
      throw InvoiceException.invalid(
          "crypto.unsupported",
          "crypto %s is not supported; use ALL or one of %s".formatted(quoted(text), accepted));
    }
    return crypto;
  }

  /**
   * {@code MM/DD/YYYY}, strictly, today or later in UTC; the invoice is due at 23:59:59 UTC that
   * day. Without one, the end of the current month.
   */
  static Instant dueAt(Optional<String> text, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    if (text.isEmpty()) {
      return endOf(YearMonth.from(today).atEndOfMonth());
    }
    LocalDate date = parseDueDate(text.get());
    if (date.isBefore(today)) {
      throw InvoiceException.invalid(
          "invoice.due_date_past", "due_date must be today or later (UTC); got " + text.get());
    }
    return endOf(date);
  }

  private static LocalDate parseDueDate(String text) {
    if (DUE_DATE_SHAPE.matcher(text).matches()) {
      try {
        return LocalDate.parse(text, DUE_DATE);
      } catch (DateTimeParseException e) {
        // Reported below: a 13th month, a 31st of February.
      }
    }
    throw InvoiceException.invalid(
        "invoice.due_date_invalid",
        "due_date must be a real date written MM/DD/YYYY, such as 09/30/2026; got " + quoted(text));
  }

  private static Instant endOf(LocalDate date) {
    return date.atTime(END_OF_DAY).toInstant(ZoneOffset.UTC);
  }

  /** An http or https URL with a host, no user-info, at most 2,048 characters. */
  static Optional<String> url(String field, Optional<String> text) {
    if (text.isEmpty()) {
      return text;
    }
    String url = text.get();
    URI uri = parseUrl(field, url);
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.endsWith(".onion") && !ONION_V3.matcher(host).matches()) {
      throw InvoiceException.invalid(
          "invoice." + field + "_invalid",
          field + " must use a v3 onion address: 56 base32 characters before .onion");
    }
    return text;
  }

  private static URI parseUrl(String field, String url) {
    String code = "invoice." + field + "_invalid";
    if (url.length() > MAX_URL_LENGTH) {
      throw InvoiceException.invalid(
          code, field + " must be at most " + MAX_URL_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw InvoiceException.invalid(code, field + " is not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw InvoiceException.invalid(code, field + " must be an http:// or https:// URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw InvoiceException.invalid(code, field + " must name a host");
    }
    if (uri.getRawUserInfo() != null) {
      throw InvoiceException.invalid(code, field + " must not contain a user name or password");
    }
    return uri;
  }

  /** Quotes a merchant's value for a message, cut short so a huge value cannot bloat it. */
  static String quoted(String text) {
    String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
    return "\"" + shown + "\"";
  }
}
