package dev.tollgate;

import dev.tollgate.config.RoutingConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.AttemptStage;
import dev.tollgate.pipeline.FallbackStage;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.pipeline.UpstreamCallStage;
import dev.tollgate.policy.auth.AuthStage;
import dev.tollgate.policy.auth.Authenticator;
import dev.tollgate.policy.auth.FirstMatchAuthenticator;
import dev.tollgate.policy.auth.MasterKeyAuthenticator;
import dev.tollgate.policy.auth.OpenAuthenticator;
import dev.tollgate.policy.auth.StoredKeyAuthenticator;
import dev.tollgate.policy.budget.BudgetAttemptStage;
import dev.tollgate.policy.budget.BudgetChargeListener;
import dev.tollgate.policy.budget.BudgetEstimator;
import dev.tollgate.policy.budget.BudgetRuleSet;
import dev.tollgate.policy.budget.BudgetStage;
import dev.tollgate.policy.budget.CostCeilingStage;
import dev.tollgate.policy.budget.CounterBudgetPolicy;
import dev.tollgate.policy.cache.CachePolicy;
import dev.tollgate.policy.cache.CacheStage;
import dev.tollgate.policy.cache.semantic.SemanticCacheProvider;
import dev.tollgate.policy.limits.RequestLimitsStage;
import dev.tollgate.policy.ratelimit.DeploymentLimitStage;
import dev.tollgate.policy.ratelimit.RateLimitPolicy;
import dev.tollgate.policy.ratelimit.RateLimitStage;
import dev.tollgate.policy.resilience.CircuitBreakerStage;
import dev.tollgate.policy.resilience.CircuitBreakers;
import dev.tollgate.policy.resilience.RetryPolicy;
import dev.tollgate.policy.resilience.RetryStage;
import dev.tollgate.policy.routing.AutopilotRouting;
import dev.tollgate.policy.routing.ContextWindowStage;
import dev.tollgate.policy.routing.DeploymentLoad;
import dev.tollgate.policy.routing.LoadBalancing;
import dev.tollgate.policy.routing.learned.PromptRouter;
import dev.tollgate.policy.routing.ModelCatalog;
import dev.tollgate.policy.routing.RoutingStage;
import dev.tollgate.policy.routing.RoutingStrategy;
import dev.tollgate.usage.PriceTable;
import dev.tollgate.usage.TokenCounter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The request path, assembled: the policies over their stores, the listeners as one, and the stages in
 * order ({@link #stages}, the one place that shows it).
 */
final class PipelineAssembly {

    /** What the pipeline is built from. */
    record Parts(TollgateConfig config, Stores stores, ModelCatalog catalog, PriceTable prices, TokenCounter tokens, Clock clock) {
    }

    private final Pipeline pipeline;
    private final PipelineListener listener;
    private final Authenticator authenticator;
    private final StoredKeyAuthenticator issuedKeys;
    private final CounterBudgetPolicy budgets;
    private final RateLimitPolicy rateLimits;
    private final CachePolicy cache;
    private final TokenCounter tokens;
    private final CircuitBreakers breakers;
    private final DeploymentLoad load = new DeploymentLoad();

    private PipelineAssembly(Parts parts, List<PipelineListener> listeners) {
        TollgateConfig config = parts.config();
        this.tokens = parts.tokens();
        Clock clock = parts.clock();
        BudgetRuleSet budgetRules = new BudgetRuleSet(config.budgets());
        List<PipelineListener> all = new ArrayList<>(listeners);
        // Calls reported by SDKs are charged to budgets as they arrive, so counters agree with the ledger.
        all.add(new BudgetChargeListener(budgetRules, parts.stores().counters(), clock));
        this.listener = PipelineListener.all(all);
        this.breakers = new CircuitBreakers(listener, clock);
        this.issuedKeys = new StoredKeyAuthenticator(parts.stores().keys(), clock);
        this.authenticator = authenticator(config, issuedKeys);
        this.budgets = new CounterBudgetPolicy(new CounterBudgetPolicy.Parts(budgetRules, parts.stores().counters(),
                new BudgetEstimator(parts.tokens(), parts.prices()), parts.catalog(), config.budgetSettings(), listener, clock));
        this.cache = new CachePolicy(new CachePolicy.Parts(config.cache(), parts.stores().exactCache(), SemanticCacheProvider.load(),
                tools.jackson.databind.json.JsonMapper.builder().build(), clock));
        this.rateLimits = new RateLimitPolicy(parts.stores().counters(), parts.tokens(), config.rateLimits(), clock);
        this.pipeline = new Pipeline(stages(parts, rateLimits), listener, parts.prices(), clock);
    }

    /** The pipeline of a gateway; {@code listeners} hear every call (the ledger's recorder first). */
    static PipelineAssembly assemble(Parts parts, List<PipelineListener> listeners) {
        return new PipelineAssembly(parts, listeners);
    }

    /**
     * The request path, in order; each stage may answer or refuse instead of proceeding:
     * <ol>
     *   <li>auth: the key and the route's scope (401, 403);</li>
     *   <li>request limits: parse the body, the call's tags (400);</li>
     *   <li>key rate limit: the key's rpm and tpm, before routing (429);</li>
     *   <li>routing: a {@link dev.tollgate.pipeline.RoutePlan} from the strategy the model name picks (400, 403, 404);</li>
     *   <li>cost ceiling: the predicted worst-case cost in {@code x-tollgate-predicted-cost-usd}; steps above
     *       {@code X-Tollgate-Budget-Usd} dropped (400 {@code cost_ceiling_exceeded} when none is left);</li>
     *   <li>cache: answers from a stored answer (exact, semantic or workflow tier), or fills itself when the call
     *       is delivered in full (400 for a malformed cache or workflow header);</li>
     *   <li>budgets: transform the plan (a fallback provider) and keep the call's reservation;</li>
     *   <li>attempts: per step of the plan, retries, budget reservation, deployment rate limit, circuit breaker,
     *       upstream call ({@link #attemptStages}); the next step when one is skipped or fails before the first byte.</li>
     * </ol>
     */
    private List<Stage> stages(Parts parts, RateLimitPolicy rateLimits) {
        ModelCatalog catalog = parts.catalog();
        // Autopilot (model auto, tollgate or none): the cheapest fitting candidate the learned router finds good enough.
        BudgetEstimator estimator = new BudgetEstimator(parts.tokens(), parts.prices());
        PromptRouter router = parts.config().autopilot().routerModel().map(PromptRouter::load).orElseGet(PromptRouter::bundled);
        RoutingStrategy autopilot = new AutopilotRouting(catalog, parts.config().defaultModel(), router::decide, estimator);
        return List.of(
                new AuthStage(authenticator, Scope.INFER),
                new RequestLimitsStage(),
                new RateLimitStage(rateLimits),
                new RoutingStage(catalog, autopilot, new LoadBalancing(parts.config().routing().strategy(), load, catalog.observer(),
                        () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble())),
                new CostCeilingStage(estimator),
                // After routing (its keys use the resolved model), before budgets (a hit reserves nothing and calls
                // no upstream); after the key's rate limit, so a hit still counts as one of the key's requests.
                new CacheStage(cache),
                new BudgetStage(budgets),
                new FallbackStage(attemptStages(parts, rateLimits)));
    }

    /**
     * One attempt on one step of the plan, in order; the last stage calls the upstream:
     * <ol>
     *   <li>context window: after a prompt-too-long refusal, skip the steps whose model is not larger;</li>
     *   <li>retries: the rest again on the same deployment after a failure its provider retries (backoff, Retry-After);</li>
     *   <li>budget reservation, then the deployment's rate limit (each retry reserves and claims again);</li>
     *   <li>circuit breaker: an open deployment is skipped without being called;</li>
     *   <li>in flight (with {@code routing.strategy: least-busy} only): counted until the call settles;</li>
     *   <li>the upstream call.</li>
     * </ol>
     */
    private List<AttemptStage> attemptStages(Parts parts, RateLimitPolicy rateLimits) {
        ModelCatalog catalog = parts.catalog();
        List<AttemptStage> stages = new java.util.ArrayList<>(List.of(
                new ContextWindowStage(d -> catalog.profile(d.upstreamModel()).contextWindow()),
                new RetryStage(RetryPolicy.of(parts.clock())),
                new BudgetAttemptStage(),
                new DeploymentLimitStage(rateLimits),
                new CircuitBreakerStage(breakers, parts.clock())));
        // Calls in flight are read only to order least-busy runs: other strategies do not pay for counting them.
        if (parts.config().routing().strategy() == RoutingConfig.Strategy.LEAST_BUSY) {
            stages.add(load);
        }
        stages.add(new UpstreamCallStage(listener));
        return List.copyOf(stages);
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

    Pipeline pipeline() {
        return pipeline;
    }

    /** Every listener as one. */
    PipelineListener listener() {
        return listener;
    }

    /** The local tokenizer (estimates; upstreams bill from their own usage). */
    TokenCounter tokens() {
        return tokens;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    /** Issued keys, as the authenticator knows them (governance drops a revoked key from its cache). */
    StoredKeyAuthenticator issuedKeys() {
        return issuedKeys;
    }

    CounterBudgetPolicy budgets() {
        return budgets;
    }

    /** The key and deployment rate limits (the metrics read each provider's headroom). */
    RateLimitPolicy rateLimits() {
        return rateLimits;
    }

    /** Each deployment's circuit breaker (provider-status shows their states). */
    CircuitBreakers breakers() {
        return breakers;
    }

    /** The response cache: its tiers, stores and invalidation. */
    CachePolicy cache() {
        return cache;
    }
}
