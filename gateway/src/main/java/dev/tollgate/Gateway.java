package dev.tollgate;

import dev.tollgate.alerts.AlertListener;
import dev.tollgate.alerts.AlertRecorder;
import dev.tollgate.alerts.BudgetAlerts;
import dev.tollgate.alerts.SpikeDetector;
import dev.tollgate.alerts.WebhookNotifier;
import dev.tollgate.api.GatewayServer;
import dev.tollgate.api.RequestLog;
import dev.tollgate.api.anthropic.AnthropicErrors;
import dev.tollgate.api.openai.OpenAiErrors;
import dev.tollgate.config.CountersConfig;
import dev.tollgate.config.ObservabilityConfig;
import dev.tollgate.config.StorageConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.store.DataDirLock;
import dev.tollgate.metrics.GatewayMetrics;
import dev.tollgate.model.Org;
import dev.tollgate.model.Principal;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.UsageRecorder;
import dev.tollgate.policy.budget.BudgetSeeder;
import dev.tollgate.policy.budget.BudgetStatus;
import dev.tollgate.policy.budget.CounterBudgetPolicy;
import dev.tollgate.policy.routing.DeploymentObserver;
import dev.tollgate.policy.routing.ModelCatalog;
import dev.tollgate.provider.ProviderFactory;
import dev.tollgate.store.KeyStore;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.usage.PriceTable;
import dev.tollgate.usage.RetentionTask;
import dev.tollgate.usage.TokenCounter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.bridge.SLF4JBridgeHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running Tollgate and its lifecycle: opens the stores ({@link StoreFactory}), builds the providers'
 * adapters ({@link Providers}), assembles the pipeline ({@link PipelineAssembly}), serves the routes
 * ({@link HttpRoutes}) once the stores are ready, the stored budgets loaded and the budget counters seeded. Closing it stops the
 * listener, the background tasks, drains the ledger and releases upstream connections.
 */
public final class Gateway implements AutoCloseable {

    private final TollgateConfig config;
    private final DataDirLock lock;
    private final Stores stores;
    private final Providers providers;
    private final PipelineAssembly assembly;
    private final AlertRecorder alerts;
    private final GatewayServer server;
    private final GatewayMetrics metrics;
    private final HttpRoutes routes;
    private final RetentionTask retention;
    private final SpikeDetector spikes;
    /** Re-reads shared budget rules; {@code null} on the embedded stores. */
    private final Thread refresh;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Gateway.class);

    private Gateway(TollgateConfig config, List<PipelineListener> extraListeners, Clock clock, StoreFactory storeFactory) {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        this.config = config;
        JsonMapper json = JsonMapper.builder().build();
        // Before any store opens: a second gateway on this directory would replay the same journal.
        this.lock = DataDirLock.acquire(config.dataDir());
        try {
            // The listener opens last; a port another process holds is still refused first, in one line.
            GatewayServer.requireFreePort(config.server());
            this.stores = storeFactory.open(config, clock, json);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        // Independent start-up work runs side by side: the stores open (and migrate) on their own thread,
        // the price map parses on another, the tokenizers load in the background after start.
        CompletableFuture<PriceTable> pricesLoading = CompletableFuture.supplyAsync(() -> prices(config, json));
        TokenCounter tokens = new TokenCounter();
        this.providers = Providers.build(config.providers(), new ProviderFactory.Context(json, tokens, clock));
        this.alerts = new AlertRecorder(stores.alerts(), new WebhookNotifier(config.alerts(), json));
        List<PipelineListener> listeners = new ArrayList<>();
        listeners.add(new UsageRecorder(stores.ledger()));
        listeners.add(new AlertListener(new BudgetAlerts(config.alerts().forecastAfter()), alerts, clock));
        listeners.addAll(extraListeners);
        PriceTable prices = pricesLoading.join();
        DeploymentObserver observer = new DeploymentObserver();
        listeners.add(observer);
        ModelCatalog catalog = new ModelCatalog(config.providers(), providers.adapters(), config.aliases(),
                new ModelCatalog.Facts(prices, config.autopilot(), observer));
        this.metrics = new GatewayMetrics(MetricsLabels.models(config, catalog, prices), MetricsLabels.providers(config));
        listeners.add(metrics.listener());
        this.assembly = PipelineAssembly.assemble(new PipelineAssembly.Parts(config, stores, catalog, prices, tokens, clock), listeners);
        BudgetSeeder seeder = new BudgetSeeder(stores.ledger(), stores.budgets(), stores.counters());
        metrics.read(new GatewayMetrics.Sources(stores.ledger(), new BudgetStatus(assembly.budgets(), seeder, stores.budgets()),
                assembly.rateLimits(), config.providers()));
        OpenAiErrors errors = new OpenAiErrors(json);
        this.routes = new HttpRoutes(new HttpRoutes.Parts(config, stores, assembly, catalog, prices, alerts, seeder, json, clock, metrics), errors);
        try {
            stores.awaitReady().run();
            stores.keys().addOrg(new Org(Principal.DEFAULT_ORG, "Default", clock.instant()));
            routes.loadStoredBudgets();
            CounterBudgetPolicy budgets = assembly.budgets();
            // Shared counters another instance seeded are live: seeding them again would drop its reservations.
            stores.counters().onLoss(lost -> budgets.remember(new BudgetSeeder(stores.ledger(), stores.budgets(), lost)
                    .seed(budgets.rules().rules(), clock.instant())));
            if (stores.counters().needsSeeding()) {
                budgets.seeded(seeder.seed(budgets.rules().rules(), clock.instant()));
                stores.counters().markSeeded();
            } else {
                budgets.seeded(List.of());
            }
        } catch (RuntimeException e) {
            providers.close();
            lock.close();
            throw e;
        }
        // The listener opens last: nothing is served (not even /health) before keys, budgets and their
        // counters are in place, so no call in the first moments escapes a budget or misses an org.
        boolean jsonLogs = config.observability().logFormat() == ObservabilityConfig.LogFormat.JSON;
        this.server = new GatewayServer(config.server(), errors, new AnthropicErrors(json), new RequestLog(jsonLogs), routes::register);
        warmTokenizersSoon(tokens);
        this.retention = new RetentionTask(purges(config, stores), clock);
        this.spikes = new SpikeDetector(stores.ledger(), alerts, config.alerts(), clock).start();
        this.refresh = config.storage().kind() == StorageConfig.Kind.POSTGRES ? startRefresh(config) : null;
    }

    /** How often an instance on a shared database re-reads the budget rules other instances may have changed. */
    static final Duration SHARED_REFRESH = Duration.ofSeconds(5);

    private Thread startRefresh(TollgateConfig config) {
        boolean sharedCounters = config.counters().kind() == CountersConfig.Kind.REDIS;
        dev.tollgate.store.FailureLog failures = new dev.tollgate.store.FailureLog();
        return Thread.ofVirtual().name("tollgate-shared-refresh").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(SHARED_REFRESH);
                    routes.refreshStoredBudgets(!sharedCounters);
                    if (failures.recovered()) {
                        LOG.info("budget rules are read from the shared database again");
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (failures.failed()) {
                        LOG.warn("cannot re-read the budget rules from the shared database (retried every {} s): {}",
                                SHARED_REFRESH.toSeconds(), e.getMessage());
                    }
                }
            }
        });
    }

    /** What the retention task deletes: usage events and kept responses, each after its own retention (0 keeps them). */
    private static List<RetentionTask.Purge> purges(TollgateConfig config, Stores stores) {
        List<RetentionTask.Purge> purges = new ArrayList<>();
        if (config.ledger().retentionDays() > 0) {
            purges.add(new RetentionTask.Purge("usage events (rollups are kept)", Duration.ofDays(config.ledger().retentionDays()),
                    stores.ledger()::pruneBefore));
        }
        if (config.ledger().responseRetentionDays() > 0) {
            purges.add(new RetentionTask.Purge("kept responses", Duration.ofDays(config.ledger().responseRetentionDays()),
                    stores.responses()::pruneBefore));
        }
        return purges;
    }

    /** Loaded a little after start, so the first requests do not compete with it for the CPU. */
    private static void warmTokenizersSoon(TokenCounter tokens) {
        Thread.ofVirtual().name("tollgate-tokenizer-warmup").start(() -> {
            try {
                Thread.sleep(3_000);
                tokens.warm();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The configured price table: the bundled map or {@code pricing.file}, with {@code pricing.overrides}. */
    public static PriceTable prices(TollgateConfig config, JsonMapper json) {
        Map<String, PriceTable.PriceOverride> overrides = new LinkedHashMap<>();
        config.pricing().overrides().forEach((model, o) -> overrides.put(model,
                new PriceTable.PriceOverride(o.input(), o.output(), o.cacheRead(), o.cacheWrite(), o.reasoning())));
        return PriceTable.load(json, config.pricing().file(), overrides);
    }

    public static Gateway start(TollgateConfig config) {
        return new Gateway(config, List.of(), Clock.systemUTC(), StoreFactory.forConfig(config));
    }

    public static Gateway start(TollgateConfig config, List<PipelineListener> listeners, Clock clock) {
        return new Gateway(config, listeners, clock, StoreFactory.forConfig(config));
    }

    /** With the stores of {@code stores} instead of the configured ones (tests wrap them to watch them). */
    public static Gateway start(TollgateConfig config, List<PipelineListener> listeners, Clock clock, StoreFactory stores) {
        return new Gateway(config, listeners, clock, stores);
    }

    public int port() {
        return server.port();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public TollgateConfig config() {
        return config;
    }

    public UsageLedger ledger() {
        return stores.ledger();
    }

    public KeyStore keyStore() {
        return stores.keys();
    }

    /** Every pipeline listener as one (tests feed budget snapshots through it). */
    public PipelineListener listener() {
        return assembly.listener();
    }

    /** The Prometheus meters of {@code /metrics} (tests read them, the benchmark feeds them). */
    public GatewayMetrics metrics() {
        return metrics;
    }

    /**
     * Registers every route into {@code rules} exactly as the server's routing got them (the OpenAPI test
     * records them to hold the document against what is served).
     */
    public void registerRoutes(io.helidon.webserver.http.HttpRules rules) {
        routes.register(rules);
    }

    /** The route table {@code /openapi.json} is generated from. */
    public dev.tollgate.api.RouteTable routeTable() {
        return routes.table();
    }

    public AlertRecorder alerts() {
        return alerts;
    }

    public SpikeDetector spikes() {
        return spikes;
    }

    /** The budget policy: its rules and counters (tests and the benchmark read them). */
    public CounterBudgetPolicy budgets() {
        return assembly.budgets();
    }

    /**
     * Shuts down in order: the listener refuses new requests and lets the running ones finish (up to
     * {@code server.shutdown_grace_ms}), the background tasks stop, the ledger drains its journal, and the
     * data directory's lock is released last.
     */
    @Override
    public void close() {
        server.close();
        if (retention != null) {
            retention.close();
        }
        spikes.close();
        if (refresh != null) {
            refresh.interrupt();
        }
        alerts.close();
        assembly.cache().close();
        stores.close();
        providers.close();
        lock.close();
    }
}
