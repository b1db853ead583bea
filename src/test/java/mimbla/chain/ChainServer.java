package mimbla.chain;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import mimbla.Mimbla;
import mimbla.config.RawSettings;
import mimbla.config.Settings;
import mimbla.testing.Http;
import mimbla.testing.ShiftableClock;
import org.slf4j.LoggerFactory;

/**
 * The whole server in this JVM on a random loopback port and a SQLite file, driven through its own
 * HTTP API. It can be stopped and started again on the same database (a restart), its clock moved
 * forward (a due date passing), and everything it logs is kept so a test can look for secrets.
 */
final class ChainServer implements AutoCloseable {
  static final String API = "/api/v1/merchant";

  final ShiftableClock clock = new ShiftableClock(Instant.now());
  private final Map<String, String> settings = new HashMap<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Mimbla mimbla;
  private String apiKey;

  ChainServer(Path dataDir, Map<String, String> overrides) {
    settings.put("server.host", "127.0.0.1");
    settings.put("server.port", "0");
    settings.put("data.dir", dataDir.toString());
    settings.put("rates.provider", "fixed");
    settings.put("rates.max-age", "3650d");
    settings.put("payments.poll-interval", "200ms");
    settings.put("invoices.expiry-interval", "200ms");
    // The webhook receiver listens on loopback, which a production server refuses.
    settings.put("webhooks.allow-ranges", "127.0.0.0/8");
    settings.put("webhooks.poll-interval", "200ms");
    settings.putAll(overrides);

    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    start();
    apiKey = mimbla.businesses().create("shop", Set.of()).apiKey();
  }

  void start() {
    RawSettings raw = RawSettings.defaults();
    settings.forEach((key, value) -> raw.with(key, value, "test"));
    mimbla = Mimbla.start(Settings.from(raw), clock);
  }

  /** Stops the server and starts it again with some settings changed, on the same database. */
  void restartWith(Map<String, String> changes) {
    stop();
    settings.putAll(changes);
    start();
  }

  int port() {
    return mimbla.port();
  }

  /** Stops the server, as an operator would, keeping its database. */
  void stop() {
    mimbla.close();
  }

  Http http() {
    return new Http("http://127.0.0.1:" + mimbla.port());
  }

  Http merchant() {
    return http().with("MB-API-KEY", apiKey);
  }

  Mimbla mimbla() {
    return mimbla;
  }

  /** Creates an invoice in the crypto with the given extra JSON fields; returns its slug. */
  String invoice(String crypto, String extraFields) {
    String fields = extraFields.isEmpty() ? "" : ", " + extraFields;
    Http.Answer created =
        merchant()
            .post(
                API + "/invoice", "{\"amount\": 26, \"crypto\": \"" + crypto + "\"" + fields + "}");
    if (created.status() != 201) {
      throw new AssertionError("invoice not created: " + created);
    }
    return created.text("id");
  }

  /** Requests the invoice's payment; returns the answer (address and amount). */
  JsonNode requestPayment(String slug) {
    Http.Answer payment = merchant().post(API + "/invoice/rp/" + slug, "");
    if (payment.status() != 201) {
      throw new AssertionError("payment not requested: " + payment);
    }
    return payment.json();
  }

  JsonNode invoice(String slug) {
    return merchant().get(API + "/invoice/" + slug).json();
  }

  /** Waits until the invoice's payment shows what the condition wants. */
  JsonNode awaitPayment(String slug, String what, Predicate<JsonNode> wanted) {
    return Waiting.until(
            slug + " " + what,
            Duration.ofSeconds(60),
            () -> invoice(slug),
            invoice -> !invoice.path("payment").isNull() && wanted.test(invoice.path("payment")))
        .path("payment");
  }

  List<String> historyKinds(String slug) {
    JsonNode history = merchant().get(API + "/invoice/" + slug + "/history").json().path("history");
    List<String> kinds = new ArrayList<>();
    history.forEach(event -> kinds.add(event.path("event").asText()));
    return kinds;
  }

  /** Credits to the business for the payment of this invoice, by kind, in atomic units. */
  Map<String, Long> credits(String slug) {
    return mimbla
        .store()
        .read(
            handle ->
                handle
                    .createQuery(
                        "SELECT l.kind, SUM(l.amount_atomic) AS total FROM ledger_entry l"
                            + " JOIN payment p ON p.id = l.payment_id"
                            + " JOIN invoice i ON i.id = p.invoice_id"
                            + " WHERE i.slug = :slug GROUP BY l.kind")
                    .bind("slug", slug)
                    .reduceRows(
                        new HashMap<String, Long>(),
                        (map, row) -> {
                          map.put(
                              row.getColumn("kind", String.class),
                              row.getColumn("total", Long.class));
                          return map;
                        }));
  }

  /** Every line the server logged, formatted. */
  List<String> logLines() {
    return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Override
  public void close() {
    if (mimbla != null) {
      mimbla.close();
    }
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }
}
