package dev.tollgate;

import dev.tollgate.admin.AlertRoutes;
import dev.tollgate.admin.AnalyticsRoutes;
import dev.tollgate.admin.BudgetRoutes;
import dev.tollgate.admin.CacheRoutes;
import dev.tollgate.admin.DashboardRoutes;
import dev.tollgate.admin.GovernanceRoutes;
import dev.tollgate.admin.SignupRoute;
import dev.tollgate.admin.TokenUsageRoutes;
import dev.tollgate.admin.UsageIngestRoute;
import dev.tollgate.alerts.AlertRecorder;
import dev.tollgate.api.HealthHandlers;
import dev.tollgate.api.HttpBodies;
import dev.tollgate.api.InferRoute;
import dev.tollgate.api.JsonEndpoint;
import dev.tollgate.api.MetricsEndpoint;
import dev.tollgate.api.OpenApiDocument;
import dev.tollgate.api.RouteTable;
import dev.tollgate.api.SwaggerUiRoutes;
import dev.tollgate.api.anthropic.AnthropicMessagesHandler;
import dev.tollgate.api.anthropic.CountTokensHandler;
import dev.tollgate.api.openai.ModelsHandler;
import dev.tollgate.api.openai.OpenAiChatParser;
import dev.tollgate.api.openai.OpenAiEmbeddingsParser;
import dev.tollgate.api.openai.OpenAiErrors;
import dev.tollgate.api.openai.OpenAiProxyHandler;
import dev.tollgate.api.responses.ResponsesRoutes;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.metrics.GatewayMetrics;
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
import io.helidon.webserver.http.HttpRules;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every HTTP route of the gateway and the handler behind it, declared once in a {@link RouteTable}
 * ({@link #declare} and the {@code register} methods it calls); Helidon's routing ({@link #register}) and
 * {@code /openapi.json} are both built from that table.
 */
final class HttpRoutes {

    /** What the routes are built from. */
    record Parts(TollgateConfig config, Stores stores, PipelineAssembly assembly, ModelCatalog catalog, PriceTable prices,
                 AlertRecorder alerts, BudgetSeeder seeder, JsonMapper json, Clock clock, GatewayMetrics metrics) {
    }

    private final OpenAiProxyHandler chat;
    private final OpenAiProxyHandler embeddings;
    private final AnthropicMessagesHandler messages;
    private final ResponsesRoutes responses;
    private final CountTokensHandler countTokens;
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
    private final MetricsEndpoint metrics;
    private final SwaggerUiRoutes swaggerUi;
    private final RouteTable table = new RouteTable();
    private final CacheRoutes cacheRoutes;
    private final InferRoute infer;
    private final HttpBodies bodies;

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
        this.countTokens = new CountTokensHandler(new CountTokensHandler.Parts(parts.assembly().authenticator(), bodies, parts.catalog(),
                parts.assembly().tokens(), config.defaultModel()), json);
        this.responses = new ResponsesRoutes(pipeline, bodies, stores.responses(), errors, json);
        this.models = new ModelsHandler(parts.assembly().authenticator(), errors, json, listedModels(parts), parts.catalog());
        this.health = new HealthHandlers(stores.ledger(), stores.checks());
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
                config, issuer, clock, bodies, parts.alerts(), parts.assembly().breakers()), endpoint, json);
        this.dashboard = DashboardRoutes.load();
        this.metrics = new MetricsEndpoint(parts.metrics(), parts.assembly().authenticator(), errors, config.observability().metricsRequireKey());
        this.swaggerUi = SwaggerUiRoutes.load();
        this.cacheRoutes = new CacheRoutes(parts.assembly().cache(), issuer, endpoint, json);
        this.infer = new InferRoute(new InferRoute.Parts(parts.assembly().authenticator(), pipeline, new OpenAiChatParser(json), errors, json));
        this.bodies = bodies;
        declare(json);
    }

    /** Registers every route of the table with Helidon. */
    void register(HttpRules r) {
        table.applyTo(r);
    }

    /** The route table (the OpenAPI document and its tests read it). */
    RouteTable table() {
        return table;
    }

    private void declare(JsonMapper json) {
        ProxyRoutes.declare(table, new ProxyRoutes.Handlers(chat, embeddings, messages, countTokens, models, responses, endpoint));
        openRouteSchemas();
        table.post("/api/log").tag("usage").scope(Scope.INFER).summary("Report usage of calls made directly to providers (the SDK)")
                .description("A batch of 1 to 1,000 events, idempotent by event_id; priced like proxied calls.")
                .accepts("UsageLogRequest").answers("UsageLogAccepted").errors(400, 413)
                .json(endpoint, ingest::ingest);
        table.post("/signup").tag("keys").summary("Create an org and its first key (infer and analytics scopes); rate-limited per address")
                .accepts("SignupRequest").answers("SignupAnswer").errors(400, 404, 429).handle(signup);
        table.get("/health").tag("operations").summary("Liveness: the process answers").answers("Health").handle(health::health);
        table.get("/ready").tag("operations").summary("Readiness: the ledger can store, and the shared stores answer (503 while one keeps the instance from serving)").answers("Ready")
                .reply(503, "Not ready: a dependency is failing", "Ready", "application/json").handle(health::ready);
        RouteTable.Declaration scrape = table.get("/metrics").tag("operations").summary("Prometheus metrics (text format 0.0.4)")
                .description("Open unless metrics.require_key is true; then a key with the admin or analytics scope.")
                .reply(200, "The meters in Prometheus' text exposition format", null, "text/plain");
        (metrics.requiresKey() ? scrape.scope(Scope.ANALYTICS) : scrape).handle(metrics::serve);
        OpenApiDocument document = new OpenApiDocument(table, json, "0.1.0");
        table.get("/openapi.json").tag("operations").summary("This API's OpenAPI 3.1 description, generated from the route table")
                .reply(200, "The OpenAPI 3.1 document", null, "application/json").handle(document::serve);
        table.get("/docs").tag("operations").summary("The API description rendered by Swagger UI (served from the jar)")
                .reply(200, "An HTML page", null, "text/html").handle(swaggerUi::page);
        table.get("/docs/assets/*").tag("operations").summary("Swagger UI's script and styles, and the page's own")
                .reply(200, "A static file", null, "").errors(404).handle(swaggerUi::asset);
        analytics.register(table);
        governance.register(table);
        alertRoutes.register(table);
        budgetRoutes.register(table);
        tokenUsage.register(table);
        dashboard.register(table);
        cacheRoutes.register(table);
        infer.register(table, bodies);
    }

    /** The schemas of the open and ingestion routes declared above. */
    private void openRouteSchemas() {
        table.schema("UsageLogRequest", """
                description: 'A batch of usage events: {"events": [...]} or the array itself'
                oneOf:
                  - type: object
                    required: [events]
                    properties:
                      events: {type: array, minItems: 1, maxItems: 1000, items: {$ref: '#/components/schemas/ReportedCall'}}
                  - type: array
                    minItems: 1
                    maxItems: 1000
                    items: {$ref: '#/components/schemas/ReportedCall'}
                """);
        table.schema("ReportedCall", """
                type: object
                description: One call an SDK made directly to a provider; unknown fields are refused
                required: [event_id, provider, model, input_tokens, output_tokens]
                additionalProperties: false
                properties:
                  event_id: {type: string, description: 'Unique per event: a resent event is stored once'}
                  timestamp: {type: string, format: date-time, description: 'When the call was made (default: now)'}
                  provider: {type: string}
                  model: {type: string, maxLength: 256}
                  input_tokens: {type: integer, minimum: 0}
                  output_tokens: {type: integer, minimum: 0}
                  cached_tokens: {type: integer, minimum: 0}
                  cache_write_tokens: {type: integer, minimum: 0}
                  reasoning_tokens: {type: integer, minimum: 0}
                  latency_ms: {type: integer, minimum: 0}
                  ttft_ms: {type: integer, minimum: -1}
                  status: {type: integer, minimum: 100, maximum: 599}
                  error_code: {type: string}
                  agent: {type: string}
                  feature: {type: string}
                  stream: {type: boolean}
                  request_id: {type: string}
                  endpoint: {type: string, description: 'chat (default) or embeddings'}
                  estimated: {type: boolean, description: 'The SDK counted the tokens itself (no usage from the provider)'}
                """);
        table.schema("UsageLogAccepted", """
                type: object
                required: [accepted]
                properties:
                  accepted: {type: integer, description: Events taken (a resent event counts once in the ledger)}
                """);
        table.schema("SignupRequest", """
                type: object
                additionalProperties: false
                properties:
                  name: {type: string, maxLength: 128, description: The org's name (or org_name)}
                  org_name: {type: string, maxLength: 128}
                  key_name: {type: string, maxLength: 128, description: 'Default: first key'}
                  email: {type: string, format: email, maxLength: 254}
                """);
        table.schema("SignupAnswer", """
                type: object
                required: [org_id, org_name, api_key]
                properties:
                  org_id: {type: string}
                  org_name: {type: string}
                  contact_email: {type: string}
                  api_key: {$ref: '#/components/schemas/IssuedApiKey'}
                """);
        table.schema("Health", """
                type: object
                required: [status]
                properties:
                  status: {type: string, const: ok}
                """);
        table.schema("Ready", """
                type: object
                required: [status, checks]
                properties:
                  status: {type: string, enum: [ready, not_ready]}
                  checks:
                    type: object
                    properties:
                      ledger: {type: string, enum: [ok, failing]}
                      postgres: {type: string, description: 'Shared stores only: ok, or what is wrong'}
                      redis_counters: {type: string, description: 'Shared counters only: ok, or the outage and what the instance does meanwhile'}
                      redis_cache: {type: string, description: 'Shared exact cache only: ok, or failing (the cache misses)'}
                """);
    }

    /** Budget rules created through the API, as stored: they join the configured ones at start. */
    void loadStoredBudgets() {
        budgetRoutes.loadStored();
    }

    /** Applies budget rules other instances created, changed or deleted in the shared store. */
    void refreshStoredBudgets(boolean seed) {
        budgetRoutes.refresh(seed);
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
