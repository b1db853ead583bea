package mimbla.invoice;

import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * payments are credited too. Runs on its own virtual thread; {@link #wake} runs it now.
 */
public final class PaymentWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PaymentWatcher.class);

  private final Invoices invoices;
  private final PaymentSources sources;
  private final Duration watchAfterSettled;

  /**
   * The last failure logged per crypto, so a dead source logs once, not once per poll. Touched only
   * by the watcher thread.
   */
  private final Map<Crypto, String> failures = new EnumMap<>(Crypto.class);

  private Ticker ticker;

  private PaymentWatcher(Invoices invoices, PaymentSources sources, Duration watchAfterSettled) {
    this.invoices = invoices;
    this.sources = sources;
    this.watchAfterSettled = watchAfterSettled;
  }

  public static PaymentWatcher start(
      Invoices invoices, PaymentSources sources, Duration pollInterval, Duration watchAfter) {
    PaymentWatcher watcher = new PaymentWatcher(invoices, sources, watchAfter);
    watcher.ticker = Ticker.start("payment-watcher", pollInterval, watcher::pollOnce);
    return watcher;
  }

  /** Polls now instead of at the next tick, e.g. right after a sandbox payment. */
  public void wake() {
    ticker.wake();
  }

  void pollOnce() {
    Set<Crypto> readable = EnumSet.noneOf(Crypto.class);
    for (PaymentSource source : sources.all()) {
      if (scanned(source)) {
        readable.add(source.crypto());
      }
    }

    List<Payment> watched = invoices.watched(watchAfterSettled);
    for (Payment payment : watched) {
      if (!readable.contains(payment.crypto())) {
        continue;
      }
      sources
          .source(payment.crypto())
          .ifPresent(
              source -> {
                Observation observation;
                try {
                  observation = source.observe(payment.address());
                } catch (RuntimeException e) {
                  sourceFailed(payment.crypto(), e);
                  return;
                }
                sourceWorks(payment.crypto());
                invoices.observe(payment, observation);
              });
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
    ticker.close();
  }
}
