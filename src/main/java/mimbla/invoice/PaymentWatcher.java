package mimbla.invoice;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import mimbla.chain.Crypto;
import mimbla.chain.Observation;
import mimbla.chain.PaymentSource;
import mimbla.chain.PaymentSources;
import mimbla.chain.SourceUnavailableException;
import mimbla.schedule.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks each payment source what the watched addresses have received and applies it. Pending
 * payments are watched until settled, and settled ones for a while longer so that late and double
 * payments are credited too. Each source is polled on its own virtual thread, so a node that hangs
 * delays only its own crypto; {@link #wake} polls them all now.
 */
public final class PaymentWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PaymentWatcher.class);

  private final Invoices invoices;
  private final Duration watchAfterSettled;

  /**
   * The last failure logged per crypto, so a dead source logs once, not once per poll. Each key is
   * touched only by its source's thread.
   */
  private final Map<Crypto, String> failures = new ConcurrentHashMap<>();

  private final Map<Crypto, Ticker> tickers = new EnumMap<>(Crypto.class);

  private PaymentWatcher(Invoices invoices, Duration watchAfterSettled) {
    this.invoices = invoices;
    this.watchAfterSettled = watchAfterSettled;
  }

  public static PaymentWatcher start(
      Invoices invoices, PaymentSources sources, Duration pollInterval, Duration watchAfter) {
    PaymentWatcher watcher = new PaymentWatcher(invoices, watchAfter);
    for (PaymentSource source : sources.all()) {
      watcher.tickers.put(
          source.crypto(),
          Ticker.start(
              "payment-watcher-" + source.crypto(), pollInterval, () -> watcher.poll(source)));
    }
    return watcher;
  }

  /** Polls now instead of at the next tick, e.g. right after a sandbox payment. */
  public void wake() {
    tickers.values().forEach(Ticker::wake);
  }

  /** Polls one crypto's source now, e.g. when its node says a transaction or block arrived. */
  public void wake(Crypto crypto) {
    Ticker ticker = tickers.get(crypto);
    if (ticker != null) {
      ticker.wake();
    }
  }

  /** One source's poll: its scan, then every watched payment in its crypto. */
  void poll(PaymentSource source) {
    Crypto crypto = source.crypto();
    if (!scanned(source)) {
      return;
    }

    for (Payment payment : invoices.watched(watchAfterSettled)) {
      if (payment.crypto() != crypto) {
        continue;
      }
      Observation observation;
      try {
        observation = source.observe(payment.address());
      } catch (RuntimeException e) {
        sourceFailed(crypto, e);
        return;
      }
      sourceWorks(crypto);
      invoices.observe(payment, observation);
    }
  }

  /**
   * Lets a source read what arrived since its last scan. A source that cannot be read has logged so
   * itself, once; its addresses wait for the next poll, which resumes where this one stopped.
   */
  private boolean scanned(PaymentSource source) {
    try {
      source.scan();
      return true;
    } catch (SourceUnavailableException e) {
      return false;
    } catch (RuntimeException e) {
      sourceFailed(source.crypto(), e);
      return false;
    }
  }

  private void sourceFailed(Crypto crypto, RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    if (!message.equals(failures.put(crypto, message))) {
      log.warn("watcher: crypto={} source cannot be read: {}", crypto, message);
    }
  }

  private void sourceWorks(Crypto crypto) {
    if (failures.remove(crypto) != null) {
      log.info("watcher: crypto={} source readable again", crypto);
    }
  }

  @Override
  public void close() {
    tickers.values().forEach(Ticker::close);
  }
}
