package mimbla.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import mimbla.Mimbla;
import mimbla.business.Businesses;
import mimbla.chain.Crypto;
import mimbla.config.RawSettings;
import mimbla.config.Settings;
import mimbla.net.Resolver;

/**
 * A whole server on a random loopback port, with a fresh database of the given kind, sandbox
 * payments, fixed rates and a clock the test can move forward. A business "shop" exists.
 */
public final class TestServer implements AutoCloseable {
  /** Mid-June 2026: dates in tests are written against this. */
  public static final Instant START = Instant.parse("2026-06-15T12:00:00Z");

  public final StoreKind kind;
  public final ShiftableClock clock = new ShiftableClock(START);
  public final Mimbla mimbla;
  public final Http http;
  public final Businesses.Issued shop;
  public final Http merchant;

  private final Path dataDir;
  private final Map<String, String> database;

  private TestServer(StoreKind kind, Map<String, String> overrides, Resolver resolver) {
    this.kind = kind;
    try {
      this.dataDir = Files.createTempDirectory("mimbla-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.database = kind.freshDatabase(dataDir);

    Map<String, String> settings = new HashMap<>();
    settings.put("server.host", "127.0.0.1");
    settings.put("server.port", "0");
    settings.put("data.dir", dataDir.toString());
    settings.put("sandbox.enabled", "true");
    settings.put("rates.provider", "fixed");
    // Tests move the clock by days; fixed rates stay valid however far it moves.
    settings.put("rates.max-age", "3650d");
    settings.put("payments.poll-interval", "100ms");
    settings.put("invoices.expiry-interval", "100ms");
    // Webhook receivers in tests listen on loopback, which a production server refuses.
    settings.put("webhooks.allow-ranges", "127.0.0.0/8,::1/128");
    settings.put("webhooks.poll-interval", "200ms");
    settings.put("webhooks.connect-timeout", "2s");
    settings.put("webhooks.timeout", "3s");
    settings.put("webhooks.lease", "30s");
    settings.put("webhooks.tor-connect-timeout", "10s");
    settings.put("webhooks.tor-timeout", "15s");
    settings.putAll(database);
    settings.putAll(overrides);

    RawSettings raw = RawSettings.defaults();
    settings.forEach((key, value) -> raw.with(key, value, "test"));
    this.mimbla = Mimbla.start(Settings.from(raw), clock, resolver);
    this.http = new Http("http://127.0.0.1:" + mimbla.port());
    this.shop = mimbla.businesses().create("shop", Set.of());
    this.merchant = as(shop);
  }

  public static TestServer start(StoreKind kind) {
    return new TestServer(kind, Map.of(), Resolver.system());
  }

  public static TestServer start(StoreKind kind, Map<String, String> overrides) {
    return new TestServer(kind, overrides, Resolver.system());
  }

  /** A server whose webhook host lookups go to the given resolver instead of the system's. */
  public static TestServer start(StoreKind kind, Map<String, String> overrides, Resolver resolver) {
    return new TestServer(kind, overrides, resolver);
  }

  /** A client that authenticates as the given business. */
  public Http as(Businesses.Issued business) {
    return http.with("MB-API-KEY", business.apiKey());
  }

  public Businesses.Issued newBusiness(String name, Set<Crypto> cryptos) {
    return mimbla.businesses().create(name, cryptos);
  }

  /**
   * Creates a 26 USD BTC invoice for the business with the given extra JSON fields (such as a
   * webhook_url), pays it in full with confirmed sandbox money and waits until it is paid. Returns
   * its slug.
   */
  public String paidInvoice(Http business, String extraFields) {
    String slug = unpaidInvoice(business, extraFields);
    payInFull(business, slug);
    return slug;
  }

  /** Creates a 26 USD BTC invoice with the given extra JSON fields; returns its slug. */
  public String unpaidInvoice(Http business, String extraFields) {
    String fields = extraFields.isEmpty() ? "" : ", " + extraFields;
    Http.Answer created =
        business.post(
            "/api/v1/merchant/invoice", "{\"amount\": 26, \"crypto\": \"BTC\"" + fields + "}");
    if (created.status() != 201) {
      throw new AssertionError("invoice not created: " + created);
    }
    return created.text("id");
  }

  /** Requests the invoice's payment, pays it with confirmed sandbox money, waits until paid. */
  public void payInFull(Http business, String slug) {
    Http.Answer payment = business.post("/api/v1/merchant/invoice/rp/" + slug, "");
    String body =
        "{\"address\": \"%s\", \"amount\": \"%s\", \"confirmations\": 10}"
            .formatted(payment.text("address"), payment.text("amount"));
    Http.Answer paid = http.post("/api/v1/sandbox/pay", body);
    if (paid.status() != 201) {
      throw new AssertionError("sandbox payment refused: " + paid);
    }
    await(
        "invoice " + slug + " paid",
        () -> business.get("/api/v1/merchant/invoice/" + slug).text("status").equals("paid"));
  }

  /** A number the database answers, for checking that nothing was half written. */
  public long count(String sql) {
    return mimbla.store().read(handle -> handle.createQuery(sql).mapTo(Long.class).one());
  }

  /** Waits for a condition the server reaches on its own, waking its background work. */
  public void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after 20s waiting for " + what);
      }
      mimbla.wakeBackgroundWork();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  @Override
  public void close() {
    mimbla.close();
    kind.drop(database);
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // A leftover temp folder is harmless.
    }
  }
}
