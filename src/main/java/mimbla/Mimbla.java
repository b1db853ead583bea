package mimbla;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mimbla.api.ApiServer;
import mimbla.business.Businesses;
import mimbla.chain.ChainSources;
import mimbla.chain.Crypto;
import mimbla.chain.PaymentSource;
import mimbla.chain.PaymentSources;
import mimbla.chain.Sandbox;
import mimbla.config.Settings;
import mimbla.ids.RandomText;
import mimbla.invoice.DueDateScheduler;
import mimbla.invoice.Invoices;
import mimbla.invoice.PaymentWatcher;
import mimbla.net.Resolver;
import mimbla.net.TorAccess;
import mimbla.net.TorLink;
import mimbla.net.TorMode;
import mimbla.net.WebhookClient;
import mimbla.rates.Rates;
import mimbla.store.Store;
import mimbla.tor.Tor;
import mimbla.web.Pages;
import mimbla.webhook.Deliveries;
import mimbla.webhook.Dispatcher;
import mimbla.webhook.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running server: the store, rates, payment sources, the watcher and scheduler, the webhook
 * dispatcher, and the HTTP API, started in dependency order and closed in reverse.
 */
public final class Mimbla implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Mimbla.class);

  private final List<AutoCloseable> closeInOrder = new ArrayList<>();
  private Store store;
  private Businesses businesses;
  private Invoices invoices;
  private ApiServer api;
  private Optional<Sandbox> sandbox = Optional.empty();
  private PaymentWatcher watcher;
  private DueDateScheduler dueDates;
  private Dispatcher dispatcher;
  private Deliveries deliveries;
  private Optional<Tor> tor = Optional.empty();
  private final PrometheusMeterRegistry metrics =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private Mimbla() {}

  /** Starts everything; on failure, whatever started is stopped again before the throw. */
  public static Mimbla start(Settings settings, Clock clock) {
    return start(settings, clock, Resolver.system());
  }

  /** As {@link #start(Settings, Clock)}, resolving webhook hosts with the given resolver. */
  public static Mimbla start(Settings settings, Clock clock, Resolver resolver) {
    Mimbla mimbla = new Mimbla();
    try {
      mimbla.startParts(settings, clock, resolver);
    } catch (RuntimeException e) {
      mimbla.close();
      throw e;
    }
    return mimbla;
  }

  private void startParts(Settings settings, Clock clock, Resolver resolver) {
    store = opened(Store.open(settings.database()));
    Rates rates = opened(Rates.start(settings.rates(), settings.cryptos(), clock));
    PaymentSources sources = paymentSources(settings, clock);
    businesses = new Businesses(store, clock);

    Settings.Webhooks webhooks = settings.webhooks();
    tor =
        webhooks.tor().mode() == TorMode.OFF
            ? Optional.empty()
            : Optional.of(opened(Tor.start(webhooks.tor())));
    WebhookClient client =
        opened(
            WebhookClient.create(
                webhooks.connectTimeout(),
                webhooks.timeout(),
                webhooks.allowedRanges(),
                resolver,
                clock,
                torAccess(webhooks.tor(), tor)));
    dispatcher =
        opened(
            Dispatcher.start(
                store, client, clock, webhooks, metrics, "node-" + RandomText.base62(8)));
    Outbox outbox = new Outbox(store.dialect(), clock, dispatcher::wake);
    deliveries = new Deliveries(store, clock, dispatcher::wake);
    invoices =
        new Invoices(
            store,
            sources,
            rates,
            clock,
            settings.minimumUsd(),
            List.of(outbox),
            client.urls()::refusal);

    watcher =
        opened(
            PaymentWatcher.start(
                invoices, sources, settings.paymentPollInterval(), settings.watchAfterSettled()));
    dueDates =
        opened(
            DueDateScheduler.start(
                invoices, settings.expiryInterval(), settings.confirmationGrace()));

    ApiServer.Parts parts =
        new ApiServer.Parts(
            store,
            businesses,
            invoices,
            sources,
            rates,
            sandbox,
            watcher,
            settings.publicBase(),
            deliveries,
            client,
            settings.metrics() ? Optional.of(metrics) : Optional.empty(),
            webhooks.tor().mode(),
            tor);
    Pages pages =
        new Pages(
            new Pages.Parts(
                businesses,
                invoices,
                sources,
                sandbox,
                watcher,
                deliveries,
                client,
                store,
                settings.publicBase(),
                clock));
    api = opened(ApiServer.start(parts, settings.host(), settings.port(), pages::register));
    log.info(
        "mimbla: serving {} with {} rates, cryptos {}, webhooks through Tor: {}{}",
        settings.publicBase(),
        rates.providerName(),
        sources.offered(),
        webhooks.tor().mode(),
        sandbox.isPresent() ? " (SANDBOX: payments are play money)" : "");
  }

  /** How webhooks reach Tor: never, or through the Tor that was started. */
  public static TorAccess torAccess(Settings.Tor settings, Optional<? extends TorLink> tor) {
    return tor.<TorAccess>map(
            link ->
                new TorAccess(
                    settings.mode(),
                    Optional.of(link),
                    settings.connectTimeout(),
                    settings.timeout()))
        .orElse(TorAccess.off());
  }

  private PaymentSources paymentSources(Settings settings, Clock clock) {
    Map<Crypto, Integer> confirmations = new EnumMap<>(Crypto.class);
    Map<Crypto, Integer> sandboxed = new EnumMap<>(Crypto.class);
    settings
        .crypto()
        .forEach(
            (crypto, each) -> {
              confirmations.put(crypto, each.confirmations());
              if (each.source().equals("sandbox")) {
                sandboxed.put(crypto, each.confirmations());
              }
            });

    List<PaymentSource> sources = new ArrayList<>();
    settings
        .crypto()
        .forEach(
            (crypto, each) -> {
              if (each.rpc().isPresent()) {
                sources.add(ChainSources.create(crypto, each, store, clock));
              }
            });
    if (!sandboxed.isEmpty()) {
      Sandbox play = new Sandbox(store, clock, sandboxed);
      sandbox = Optional.of(play);
      sandboxed.keySet().forEach(crypto -> sources.add(play.source(crypto)));
    }
    return new PaymentSources(sources, confirmations);
  }

  private <T extends AutoCloseable> T opened(T part) {
    closeInOrder.add(0, part);
    return part;
  }

  public int port() {
    return api.port();
  }

  public Store store() {
    return store;
  }

  public Businesses businesses() {
    return businesses;
  }

  public Invoices invoices() {
    return invoices;
  }

  public Optional<Sandbox> sandbox() {
    return sandbox;
  }

  public Dispatcher dispatcher() {
    return dispatcher;
  }

  /**
   * Runs the payment watcher, the due-date check and the webhook dispatcher now, as if their
   * intervals had passed.
   */
  public void wakeBackgroundWork() {
    watcher.wake();
    dueDates.wake();
    dispatcher.wake();
  }

  @Override
  public void close() {
    if (closeInOrder.isEmpty()) {
      return;
    }
    for (AutoCloseable part : closeInOrder) {
      try {
        part.close();
      } catch (Exception e) {
        log.warn("mimbla: stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
      }
    }
    closeInOrder.clear();
    log.info("mimbla: stopped");
  }
}
