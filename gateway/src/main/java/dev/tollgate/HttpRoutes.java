package dev.tollgate;

import dev.tollgate.admin.AlertRoutes;
import dev.tollgate.admin.AnalyticsRoutes;
import dev.tollgate.admin.BudgetRoutes;
import dev.tollgate.admin.DashboardRoutes;
import dev.tollgate.admin.GovernanceRoutes;
import dev.tollgate.admin.SignupRoute;
import dev.tollgate.admin.TokenUsageRoutes;
import dev.tollgate.admin.UsageIngestRoute;
import dev.tollgate.alerts.AlertRecorder;
import dev.tollgate.api.HealthHandlers;
import dev.tollgate.api.HttpBodies;
import dev.tollgate.api.JsonEndpoint;
import dev.tollgate.api.anthropic.AnthropicMessagesHandler;
import dev.tollgate.api.openai.ModelsHandler;
import dev.tollgate.api.openai.OpenAiChatParser;
import dev.tollgate.api.openai.OpenAiEmbeddingsParser;
import dev.tollgate.api.openai.OpenAiErrors;
import dev.tollgate.api.openai.OpenAiProxyHandler;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.policy.auth.KeyIssuer;
import dev.tollgate.policy.budget.BudgetSeeder;
import dev.tollgate.policy.budget.BudgetStatus;
import dev.tollgate.policy.budget.CounterBudgetPolicy;
import dev.tollgate.policy.routing.ModelCatalog;
import dev.tollgate.usage.PriceTable;
import dev.tollgate.usage.UsageReports;
import io.helidon.webserver.http.HttpRouting;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Every HTTP route of the gateway and the handler behind it; {@link #register} is the route table. */
final class HttpRoutes {

    /** What the routes are built from. */
    record Parts(TollgateConfig config, Stores stores, PipelineAssembly assembly, ModelCatalog catalog, PriceTable prices,
                 AlertRecorder alerts, BudgetSeeder seeder, JsonMapper json, Clock clock) {
    }

    private final OpenAiProxyHandler chat;
    private final OpenAiProxyHandler embeddings;
    private final AnthropicMessagesHandler messages;
    private final ModelsHandler models;
    private final HealthHandlers health;
    private final JsonEndpoint endpoint;
    private final UsageIngestRoute ingest;
    private final SignupRoute signup;
    private final AnalyticsRoutes analytics;
    private final GovernanceRoutes governance;
    private final AlertRoutes alertRoutes;
    private final BudgetRoutes budgetRoutes;
    private final TokenUsageRoutes tokenUsage;
    private final DashboardRoutes dashboard;

    HttpRoutes(Parts parts, OpenAiErrors errors) {
        TollgateConfig config = parts.config();
        JsonMapper json = parts.json();
        Clock clock = parts.clock();
        Stores stores = parts.stores();
        Pipeline pipeline = parts.assembly().pipeline();
        HttpBodies bodies = new HttpBodies(config.server().maxBodyBytes());
        var shared = new OpenAiProxyHandler.Shared(pipeline, bodies, errors);
        this.chat = new OpenAiProxyHandler(Endpoint.CHAT, new OpenAiChatParser(json), shared);
        this.embeddings = new OpenAiProxyHandler(Endpoint.EMBEDDINGS, new OpenAiEmbeddingsParser(json), shared);
        this.messages = new AnthropicMessagesHandler(pipeline, bodies, json);
        this.models = new ModelsHandler(parts.assembly().authenticator(), errors, json, listedModels(parts));
        this.health = new HealthHandlers(stores.ledger());
        this.endpoint = new JsonEndpoint(parts.assembly().authenticator(), errors, json);
        this.analytics = new AnalyticsRoutes(new UsageReports(stores.ledger(), clock), stores.ledger(), endpoint, json);
        this.ingest = new UsageIngestRoute(json, bodies, parts.prices(), parts.assembly().listener(), clock,
                Duration.ofDays(config.ledger().retentionDays()));
        KeyIssuer issuer = new KeyIssuer(stores.keys(), clock);
        this.governance = new GovernanceRoutes(new GovernanceRoutes.Parts(stores.keys(), issuer, parts.assembly().issuedKeys(), bodies,
                clock), endpoint, json);
        this.alertRoutes = new AlertRoutes(stores.alerts(), endpoint, json);
        this.signup = new SignupRoute(config.signup(), issuer, governance, errors, json, clock);
        CounterBudgetPolicy budgets = parts.assembly().budgets();
        BudgetStatus budgetStatus = new BudgetStatus(budgets, parts.seeder(), stores.budgets());
        this.budgetRoutes = new BudgetRoutes(new BudgetRoutes.Parts(budgets, parts.seeder(), stores.budgets(), budgetStatus, issuer, bodies),
                endpoint, json);
        this.tokenUsage = new TokenUsageRoutes(new TokenUsageRoutes.Parts(budgetStatus, stores.ledger(), pipeline, new OpenAiChatParser(json),
                config, issuer, clock, bodies, parts.alerts()), endpoint, json);
        this.dashboard = DashboardRoutes.load();
    }

    void register(HttpRouting.Builder r) {
        r.post("/v1/chat/completions", chat)
                .post("/chat/completions", chat)
                .post("/v1/embeddings", embeddings)
                .post("/embeddings", embeddings)
                .post("/v1/messages", messages)
                .get("/v1/models", models)
                .get("/models", models)
                .post("/api/log", endpoint.of(Scope.INFER, ingest::ingest))
                .post("/signup", signup)
                .get("/health", health::health)
                .get("/ready", health::ready);
        analytics.register(r);
        governance.register(r);
        alertRoutes.register(r);
        budgetRoutes.register(r);
        tokenUsage.register(r);
        dashboard.register(r);
    }

    /** Budget rules created through the API, as stored: they join the configured ones at start. */
    void loadStoredBudgets() {
        budgetRoutes.loadStored();
    }

    /** What {@code /v1/models} lists: literal names and known models per provider, then aliases. */
    private static Map<String, String> listedModels(Parts parts) {
        ModelCatalog catalog = parts.catalog();
        Map<String, String> out = new LinkedHashMap<>();
        for (String model : catalog.listed(parts.config().defaultModel(), parts.prices()::modelsOf)) {
            catalog.resolve(model).stream().findFirst().ifPresent(d -> out.put(model, d.providerName()));
        }
        // An alias is listed as served by the provider of its first target that resolves.
        catalog.aliases().forEach((alias, targets) -> targets.stream().flatMap(t -> catalog.resolve(t).stream()).findFirst()
                .ifPresent(d -> out.putIfAbsent(alias, d.providerName())));
        return out;
    }
}
