package dev.tollgate.policy.budget;

import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.pipeline.Chain;
import dev.tollgate.pipeline.ContextKey;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.RoutePlan;
import dev.tollgate.pipeline.RouteStep;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.policy.routing.CallPreferences;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.usage.PriceTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The call's predicted worst-case cost and its per-request ceiling. Runs after routing: prices the plan's first
 * step as budgets reserve it ({@link BudgetEstimator}: the prompt estimate plus the most output it may produce),
 * answers it in {@code x-tollgate-predicted-cost-usd} (when the model has a price) and keeps it under
 * {@link #PREDICTED}. With {@code X-Tollgate-Budget-Usd}, a first step above the ceiling refuses the call with
 * 400 {@code cost_ceiling_exceeded} naming the predicted cost (autopilot already chose under it); later steps
 * above it, or without a price, are dropped. Proceeds once otherwise.
 */
public final class CostCeilingStage implements Stage {

    public static final String HEADER = "x-tollgate-predicted-cost-usd";

    /** The predicted worst-case cost of the plan's first step, in US dollars (absent when it has no price). */
    public static final ContextKey<Double> PREDICTED = ContextKey.named("predicted cost");

    private final BudgetEstimator estimator;

    public CostCeilingStage(BudgetEstimator estimator) {
        this.estimator = estimator;
    }

    @Override
    public ProviderResponse process(RequestContext ctx, Chain chain) {
        RoutePlan plan = ctx.plan().orElseThrow(() -> new IllegalStateException("routing must run before the cost ceiling"));
        CanonicalRequest request = ctx.request().orElseThrow();
        OptionalDouble ceiling = CallPreferences.costCeiling(ctx.inbound());
        long prompt = prompt(ctx, request, plan);
        PriceTable.Cost first = estimator.worstCase(plan.steps().getFirst().requestFor(request), prompt, plan.steps().getFirst().target());
        if (first.known()) {
            ctx.put(PREDICTED, first.usd());
            ctx.responseHeader(HEADER, usd(first.usd()));
        }
        if (ceiling.isEmpty()) {
            return chain.proceed(ctx);
        }
        double max = ceiling.getAsDouble();
        if (!first.known() || first.usd() > max) {
            throw exceeded(plan.steps().getFirst(), first, max);
        }
        List<RouteStep> kept = new ArrayList<>();
        for (RouteStep step : plan.steps()) {
            PriceTable.Cost cost = step == plan.steps().getFirst() ? first : estimator.worstCase(step.requestFor(request), prompt, step.target());
            if (cost.known() && cost.usd() <= max) {
                kept.add(step);
            }
        }
        if (kept.size() < plan.steps().size()) {
            ctx.plan(new RoutePlan(plan.model(), kept));
        }
        return chain.proceed(ctx);
    }

    private long prompt(RequestContext ctx, CanonicalRequest request, RoutePlan plan) {
        if (ctx.promptTokensEstimate() >= 0) {
            return ctx.promptTokensEstimate();
        }
        long counted = estimator.promptTokens(ctx.orgId(), request, plan.model());
        ctx.promptTokensEstimate((int) Math.min(Integer.MAX_VALUE, counted));
        return counted;
    }

    private static GatewayException exceeded(RouteStep step, PriceTable.Cost cost, double max) {
        String target = step.target().providerName() + "/" + step.target().upstreamModel();
        String predicted = cost.known() ? "a predicted worst case of $" + usd(cost.usd()) : "no price to predict its cost by";
        return new GatewayException(400, "invalid_request_error", "cost_ceiling_exceeded", CallPreferences.COST_CEILING_HEADER,
                "cost_ceiling_exceeded: " + target + " has " + predicted + " (prompt estimate + output limit), above the ceiling of $"
                        + usd(max) + " (raise X-Tollgate-Budget-Usd, lower max_tokens, or let autopilot choose with model auto)", Map.of());
    }

    static String usd(double value) {
        return String.format(Locale.ROOT, "%.8f", value);
    }
}
