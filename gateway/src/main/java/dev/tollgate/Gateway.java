package dev.tollgate;

import dev.tollgate.admin.AlertRoutes;
import dev.tollgate.alerts.AlertListener;
import dev.tollgate.alerts.AlertRecorder;
import dev.tollgate.alerts.BudgetAlerts;
import dev.tollgate.alerts.SpikeDetector;
import dev.tollgate.alerts.WebhookNotifier;
import dev.tollgate.api.GatewayServer;
import dev.tollgate.api.HealthHandlers;
import dev.tollgate.admin.AnalyticsRoutes;
import dev.tollgate.admin.BudgetRoutes;
import dev.tollgate.admin.DashboardRoutes;
import dev.tollgate.admin.TokenUsageRoutes;
import dev.tollgate.policy.budget.BudgetChargeListener;
import dev.tollgate.policy.budget.BudgetEstimator;
import dev.tollgate.policy.budget.BudgetPolicy;
import dev.tollgate.policy.budget.BudgetRuleSet;
import dev.tollgate.policy.budget.BudgetSeeder;
import dev.tollgate.policy.budget.BudgetStage;
import dev.tollgate.policy.budget.BudgetStatus;
import dev.tollgate.policy.budget.CounterBudgetPolicy;
import dev.tollgate.store.BudgetStore;
import dev.tollgate.store.CounterStore;
import dev.tollgate.store.memory.InMemoryCounterStore;
import dev.tollgate.store.sqlite.SqliteBudgetStore;
import dev.tollgate.admin.GovernanceRoutes;
import dev.tollgate.admin.SignupRoute;
import dev.tollgate.admin.UsageIngestRoute;
import dev.tollgate.api.HttpBodies;
import dev.tollgate.api.JsonEndpoint;
import dev.tollgate.api.anthropic.AnthropicErrors;
import dev.tollgate.api.anthropic.AnthropicMessagesHandler;
import dev.tollgate.api.openai.ModelsHandler;
import dev.tollgate.api.openai.OpenAiChatParser;
import dev.tollgate.api.openai.OpenAiEmbeddingsParser;
import dev.tollgate.api.openai.OpenAiErrors;
import dev.tollgate.api.openai.OpenAiProxyHandler;
import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.model.Org;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.ProviderCallStage;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.policy.auth.AuthStage;
import dev.tollgate.policy.auth.Authenticator;
import dev.tollgate.policy.auth.FirstMatchAuthenticator;
import dev.tollgate.policy.auth.KeyIssuer;
import dev.tollgate.policy.auth.StoredKeyAuthenticator;
import dev.tollgate.policy.auth.MasterKeyAuthenticator;
import dev.tollgate.policy.auth.OpenAuthenticator;
import dev.tollgate.policy.limits.RequestLimitsStage;
import dev.tollgate.policy.ratelimit.DeploymentLimitGate;
import dev.tollgate.policy.ratelimit.RateLimitPolicy;
import dev.tollgate.policy.ratelimit.RateLimitStage;
import dev.tollgate.policy.routing.ModelCatalog;
import dev.tollgate.policy.routing.RoutingStage;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.anthropic.AnthropicAdapter;
import dev.tollgate.provider.gemini.GeminiAdapter;
import dev.tollgate.provider.openai.OpenAiAdapter;
import dev.tollgate.provider.simulated.SimulatedAdapter;
import dev.tollgate.store.CounterStore;
import dev.tollgate.store.KeyStore;
import dev.tollgate.store.memory.InMemoryCounterStore;
import dev.tollgate.store.sqlite.SqliteAlertStore;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.sqlite.SqliteDatabase;
import dev.tollgate.store.sqlite.SqliteKeyStore;
import dev.tollgate.store.journal.JournaledUsageLedger;
import dev.tollgate.store.sqlite.SqliteUsageLedger;
import dev.tollgate.usage.PriceTable;
import dev.tollgate.usage.RetentionTask;
import dev.tollgate.usage.TokenCounter;
import dev.tollgate.usage.UsageReports;
import dev.tollgate.usage.UsageRecorder;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.bridge.SLF4JBridgeHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * A running Tollgate: builds every part from a validated {@link TollgateConfig}, shows the request
 * pipeline's order in one place ({@link #stages}), and starts the HTTP listener. Closing it stops the
 * listener, drains the ledger and releases upstream connections.
 */
public final class Gateway implements AutoCloseable {

    private final TollgateConfig config;
    private final UsageLedger ledger;
    private final Map<String, ProviderAdapter> adapters;
    private final GatewayServer server;
    private final RetentionTask retention;
    private final KeyStore keyStore;
    private final PipelineListener listener;
    private final AlertRecorder alerts;
    private final SpikeDetector spikes;
    private final CounterBudgetPolicy budgets;

    private Gateway(TollgateConfig config, List<PipelineListener> extraListeners, Clock clock) {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
        this.config = config;
        // Independent start-up work runs side by side: the ledger opens and migrates on its own thread,
        // the price map parses on another, the tokenizers load in the background after start.
        CompletableFuture<Jdbi> database = SqliteDatabase.openAsync(config.dataDir().resolve("tollgate.db"));
        SqliteUsageLedger sqlite = new SqliteUsageLedger(database, config.ledger().batchLinger());
        JsonMapper jsonMapper = JsonMapper.builder().build();
        this.ledger = new JournaledUsageLedger(sqlite, config.dataDir().resolve("journal"), jsonMapper);
        CompletableFuture<PriceTable> pricesLoading = CompletableFuture.supplyAsync(() -> prices(config, jsonMapper));
        TokenCounter tokens = new TokenCounter();
        this.adapters = adapters(config, jsonMapper, tokens, clock);
        SqliteAlertStore alertStore = new SqliteAlertStore(database);
        this.alerts = new AlertRecorder(alertStore, new WebhookNotifier(config.alerts(), jsonMapper));
        List<PipelineListener> listeners = new ArrayList<>();
        listeners.add(new UsageRecorder(ledger));
        listeners.add(new AlertListener(new BudgetAlerts(config.alerts().forecastAfter()), alerts, clock));
        listeners.addAll(extraListeners);
        this.keyStore = new SqliteKeyStore(database);
        StoredKeyAuthenticator issuedKeys = new StoredKeyAuthenticator(keyStore, clock);
        Authenticator authenticator = authenticator(config, issuedKeys);
        ModelCatalog catalog = new ModelCatalog(config.providers(), adapters, config.aliases());
        PriceTable prices = pricesLoading.join();
        BudgetStore budgetStore = new SqliteBudgetStore(database);
        CounterStore counters = new InMemoryCounterStore(clock);
        RateLimitPolicy rateLimits = new RateLimitPolicy(counters, tokens, config.rateLimits(), clock);
        BudgetRuleSet budgetRules = new BudgetRuleSet(config.budgets());
        listeners.add(new BudgetChargeListener(budgetRules, counters, clock));
        PipelineListener listener = PipelineListener.all(listeners);
        this.listener = listener;
        this.budgets = new CounterBudgetPolicy(new CounterBudgetPolicy.Parts(budgetRules, counters,
                new BudgetEstimator(tokens, prices), catalog, config.budgetSettings(), listener, clock));
        BudgetSeeder seeder = new BudgetSeeder(ledger, budgetStore, counters);
        Pipeline pipeline = new Pipeline(stages(authenticator, catalog, config.defaultModel(), listener, rateLimits, budgets),
                listener, prices, clock);
        OpenAiErrors errors = new OpenAiErrors(jsonMapper);
        HttpBodies bodies = new HttpBodies(config.server().maxBodyBytes());
        var shared = new OpenAiProxyHandler.Shared(pipeline, bodies, errors);
        var chat = new OpenAiProxyHandler(Endpoint.CHAT, new OpenAiChatParser(jsonMapper), shared);
        var embeddings = new OpenAiProxyHandler(Endpoint.EMBEDDINGS, new OpenAiEmbeddingsParser(jsonMapper), shared);
        var messages = new AnthropicMessagesHandler(pipeline, bodies, jsonMapper);
        var models = new ModelsHandler(authenticator, errors, jsonMapper, listedModels(catalog, prices));
        var health = new HealthHandlers(ledger);
        var json = new JsonEndpoint(authenticator, errors, jsonMapper);
        var analytics = new AnalyticsRoutes(new UsageReports(ledger, clock), ledger, json, jsonMapper);
        var ingest = new UsageIngestRoute(jsonMapper, bodies, prices, listener, clock,
                java.time.Duration.ofDays(config.ledger().retentionDays()));
        KeyIssuer issuer = new KeyIssuer(keyStore, clock);
        var governance = new GovernanceRoutes(new GovernanceRoutes.Parts(keyStore, issuer, issuedKeys, bodies, clock), json, jsonMapper);
        var alertRoutes = new AlertRoutes(alertStore, json, jsonMapper);
        var signup = new SignupRoute(config.signup(), issuer, governance, errors, jsonMapper, clock);
        var budgetStatus = new BudgetStatus(budgets, seeder, budgetStore);
        var budgetRoutes = new BudgetRoutes(new BudgetRoutes.Parts(budgets, seeder, budgetStore, budgetStatus, issuer, bodies), json, jsonMapper);
        var tokenUsage = new TokenUsageRoutes(new TokenUsageRoutes.Parts(budgetStatus, ledger, pipeline, new OpenAiChatParser(jsonMapper),
                config, issuer, clock, bodies, alerts), json, jsonMapper);
        var dashboard = DashboardRoutes.load();
        this.server = new GatewayServer(config.server(), errors, new AnthropicErrors(jsonMapper), r -> {
            r.post("/v1/chat/completions", chat)
                    .post("/chat/completions", chat)
                    .post("/v1/embeddings", embeddings)
                    .post("/embeddings", embeddings)
                    .post("/v1/messages", messages)
                    .get("/v1/models", models)
                    .get("/models", models)
                    .post("/api/log", json.of(Scope.INFER, ingest::ingest))
                    .post("/signup", signup)
                    .get("/health", health::health)
                    .get("/ready", health::ready);
            analytics.register(r);
            governance.register(r);
            alertRoutes.register(r);
            budgetRoutes.register(r);
            tokenUsage.register(r);
            dashboard.register(r);
        });
        try {
            sqlite.awaitOpen();
        } catch (RuntimeException e) {
            server.close();
            adapters.values().forEach(ProviderAdapter::close);
            throw new IllegalStateException("cannot open the usage ledger in " + config.dataDir() + ": " + e.getMessage(), e);
        }
        keyStore.addOrg(new Org(Principal.DEFAULT_ORG, "Default", clock.instant()));
        budgetRoutes.loadStored();
        budgets.seeded(seeder.seed(budgets.rules().rules(), clock.instant()));
        // Loaded a little after start, so the first requests do not compete with it for the CPU.
        Thread.ofVirtual().name("tollgate-tokenizer-warmup").start(() -> {
            try {
                Thread.sleep(3_000);
                tokens.warm();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int days = config.ledger().retentionDays();
        this.retention = days > 0 ? new RetentionTask(ledger, java.time.Duration.ofDays(days), clock) : null;
        this.spikes = new SpikeDetector(ledger, alerts, config.alerts(), clock).start();
    }

    /**
     * With a master key, calls need it or an issued key. Without one the gateway is open: an issued key
     * still identifies its org, and any other call acts as the default org with every scope.
     */
    private static Authenticator authenticator(TollgateConfig config, StoredKeyAuthenticator issuedKeys) {
        return config.masterKey()
                .<Authenticator>map(master -> new FirstMatchAuthenticator(List.of(new MasterKeyAuthenticator(master), issuedKeys)))
                .orElseGet(() -> new FirstMatchAuthenticator(List.of(issuedKeys, new OpenAuthenticator())));
    }

    /**
     * The request path, in order. Key rate limits run before routing. Budgets run after it: provider-scoped
     * budgets need the deployment, and a budget may reorder the route (a fallback provider); the guard they
     * install reserves per upstream attempt. Deployment rate limits apply per attempt inside the provider
     * call, where a deployment at its limit hands the call to the route's next one. The cache slots in later.
     */
    private static List<Stage> stages(Authenticator authenticator, ModelCatalog catalog, String defaultModel, PipelineListener listener,
                                      RateLimitPolicy rateLimits, BudgetPolicy budgets) {
        return List.of(
                new AuthStage(authenticator, Scope.INFER),
                new RequestLimitsStage(),
                new RateLimitStage(rateLimits),
                new RoutingStage(catalog, defaultModel),
                new BudgetStage(budgets),
                new ProviderCallStage(listener, new DeploymentLimitGate(rateLimits)));
    }

    static PriceTable prices(TollgateConfig config, JsonMapper json) {
        Map<String, PriceTable.PriceOverride> overrides = new LinkedHashMap<>();
        config.pricing().overrides().forEach((model, o) -> overrides.put(model,
                new PriceTable.PriceOverride(o.input(), o.output(), o.cacheRead(), o.cacheWrite(), o.reasoning())));
        return PriceTable.load(json, config.pricing().file(), overrides);
    }

    public static Gateway start(TollgateConfig config) {
        return new Gateway(config, List.of(), Clock.systemUTC());
    }

    public static Gateway start(TollgateConfig config, List<PipelineListener> listeners, Clock clock) {
        return new Gateway(config, listeners, clock);
    }

    private static Map<String, ProviderAdapter> adapters(TollgateConfig config, JsonMapper json, TokenCounter tokens, Clock clock) {
        Map<String, ProviderAdapter> out = new LinkedHashMap<>();
        for (ProviderConfig p : config.providers()) {
            out.put(p.name(), switch (p.kind()) {
                case ANTHROPIC -> new AnthropicAdapter(p, json, tokens, clock);
                case GEMINI -> new GeminiAdapter(p, json, tokens, clock);
                case SIMULATED -> new SimulatedAdapter(p.simulated(), json, tokens, clock);
                default -> new OpenAiAdapter(p, json, tokens);
            });
        }
        return out;
    }

    private Map<String, String> listedModels(ModelCatalog catalog, PriceTable prices) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String model : catalog.listed(config.defaultModel(), prices::modelsOf)) {
            catalog.resolve(model).stream().findFirst().ifPresent(d -> out.put(model, d.providerName()));
        }
        // An alias is listed as served by the provider of its first target that resolves.
        catalog.aliases().forEach((alias, targets) -> targets.stream().flatMap(t -> catalog.resolve(t).stream()).findFirst()
                .ifPresent(d -> out.putIfAbsent(alias, d.providerName())));
        return out;
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
        return ledger;
    }

    public KeyStore keyStore() {
        return keyStore;
    }

    /** Every pipeline listener as one (tests feed budget snapshots through it). */
    public PipelineListener listener() {
        return listener;
    }

    public AlertRecorder alerts() {
        return alerts;
    }

    public SpikeDetector spikes() {
        return spikes;
    }

    /** The budget policy: its rules and counters (tests and the benchmark read them). */
    public CounterBudgetPolicy budgets() {
        return budgets;
    }

    @Override
    public void close() {
        if (retention != null) {
            retention.close();
        }
        spikes.close();
        server.close();
        alerts.close();
        ledger.close();
        adapters.values().forEach(ProviderAdapter::close);
    }
}
