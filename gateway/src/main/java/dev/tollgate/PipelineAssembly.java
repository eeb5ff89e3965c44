package dev.tollgate;

import dev.tollgate.config.TollgateConfig;
import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.ProviderCallStage;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.policy.auth.AuthStage;
import dev.tollgate.policy.auth.Authenticator;
import dev.tollgate.policy.auth.FirstMatchAuthenticator;
import dev.tollgate.policy.auth.MasterKeyAuthenticator;
import dev.tollgate.policy.auth.OpenAuthenticator;
import dev.tollgate.policy.auth.StoredKeyAuthenticator;
import dev.tollgate.policy.budget.BudgetChargeListener;
import dev.tollgate.policy.budget.BudgetEstimator;
import dev.tollgate.policy.budget.BudgetRuleSet;
import dev.tollgate.policy.budget.BudgetStage;
import dev.tollgate.policy.budget.CounterBudgetPolicy;
import dev.tollgate.policy.limits.RequestLimitsStage;
import dev.tollgate.policy.ratelimit.DeploymentLimitGate;
import dev.tollgate.policy.ratelimit.RateLimitPolicy;
import dev.tollgate.policy.ratelimit.RateLimitStage;
import dev.tollgate.policy.routing.ModelCatalog;
import dev.tollgate.policy.routing.RoutingStage;
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

    private PipelineAssembly(Parts parts, List<PipelineListener> listeners) {
        TollgateConfig config = parts.config();
        Clock clock = parts.clock();
        BudgetRuleSet budgetRules = new BudgetRuleSet(config.budgets());
        List<PipelineListener> all = new ArrayList<>(listeners);
        // Calls reported by SDKs are charged to budgets as they arrive, so counters agree with the ledger.
        all.add(new BudgetChargeListener(budgetRules, parts.stores().counters(), clock));
        this.listener = PipelineListener.all(all);
        this.issuedKeys = new StoredKeyAuthenticator(parts.stores().keys(), clock);
        this.authenticator = authenticator(config, issuedKeys);
        this.budgets = new CounterBudgetPolicy(new CounterBudgetPolicy.Parts(budgetRules, parts.stores().counters(),
                new BudgetEstimator(parts.tokens(), parts.prices()), parts.catalog(), config.budgetSettings(), listener, clock));
        RateLimitPolicy rateLimits = new RateLimitPolicy(parts.stores().counters(), parts.tokens(), config.rateLimits(), clock);
        this.pipeline = new Pipeline(stages(parts, rateLimits), listener, parts.prices(), clock);
    }

    /** The pipeline of a gateway; {@code listeners} hear every call (the ledger's recorder first). */
    static PipelineAssembly assemble(Parts parts, List<PipelineListener> listeners) {
        return new PipelineAssembly(parts, listeners);
    }

    /**
     * The request path, in order. Key rate limits run before routing. Budgets run after it: provider-scoped
     * budgets need the deployment, and a budget may reorder the route (a fallback provider); the guard they
     * install reserves per upstream attempt. Deployment rate limits apply per attempt inside the provider
     * call, where a deployment at its limit hands the call to the route's next one. The cache slots in later.
     */
    private List<Stage> stages(Parts parts, RateLimitPolicy rateLimits) {
        return List.of(
                new AuthStage(authenticator, Scope.INFER),
                new RequestLimitsStage(),
                new RateLimitStage(rateLimits),
                new RoutingStage(parts.catalog(), parts.config().defaultModel()),
                new BudgetStage(budgets),
                new ProviderCallStage(listener, new DeploymentLimitGate(rateLimits)));
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
}
