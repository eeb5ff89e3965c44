package dev.tollgate.policy.budget;

import dev.tollgate.config.BudgetRuleConfig;
import dev.tollgate.config.BudgetRuleConfig.Action;
import dev.tollgate.config.BudgetSettingsConfig;
import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Principal;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.RoutePlan;
import dev.tollgate.pipeline.RouteStep;
import dev.tollgate.policy.routing.ModelCatalog;
import dev.tollgate.provider.Deployment;
import dev.tollgate.store.CounterStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.node.ObjectNode;

/**
 * Budgets kept in a {@link CounterStore}. Planning reads every candidate's counters once and orders the
 * route: a deployment past a {@code prefer_fallback} threshold gives its place to the rule's fallback
 * target (the request rewritten for it) and moves behind it, kept only for upstream failures of the
 * fallback, never to get around the fallback's own exhausted budget; a deployment in {@code emergency}
 * is refused to callers that are not priority. The routing plan is transformed into that order (a value;
 * its reasons are not rewritten), and the {@link BudgetReservation} then reserves atomically per attempt.
 * The plan's reads are advisory; only the reservation decides whether a call fits.
 */
public final class CounterBudgetPolicy implements BudgetPolicy {

    private final BudgetRuleSet rules;
    private final CounterStore counters;
    private final BudgetEstimator estimator;
    private final ModelCatalog catalog;
    private final BudgetSettingsConfig settings;
    private final PipelineListener listener;
    private final Clock clock;
    /** Every counter a call has touched or seeding found, for the status and reset APIs. */
    private final Map<String, BudgetCounter> known = new ConcurrentHashMap<>();
    private final Map<WindowKey, BudgetWindow> windows = new ConcurrentHashMap<>();
    /** Open once the counters were seeded from the ledger; calls wait for it so none sees empty counters. */
    private final java.util.concurrent.CountDownLatch seeding = new java.util.concurrent.CountDownLatch(1);

    /** What the policy works with. */
    public record Parts(BudgetRuleSet rules, CounterStore counters, BudgetEstimator estimator, ModelCatalog catalog,
                        BudgetSettingsConfig settings, PipelineListener listener, Clock clock) {
    }

    public CounterBudgetPolicy(Parts parts) {
        this.rules = parts.rules();
        this.counters = parts.counters();
        this.estimator = parts.estimator();
        this.catalog = parts.catalog();
        this.settings = parts.settings();
        this.listener = parts.listener();
        this.clock = parts.clock();
    }

    @Override
    public Optional<Decision> decide(RequestContext ctx, RoutePlan routed) {
        if (rules.rules().isEmpty()) {
            return Optional.empty();
        }
        awaitSeeding();
        Principal p = ctx.principal().orElseThrow(() -> new IllegalStateException("auth must run before budgets"));
        CallScope scope = new CallScope(p.orgId(), p.keyId(), ctx.agent().orElse(null), ctx.feature().orElse(null), null, null);
        CanonicalRequest request = ctx.request().orElseThrow(() -> new IllegalStateException("limits must run before budgets"));
        // One prompt estimate per call: the key's rate limits may have counted it already, and may count on it.
        long[] prompt = {ctx.promptTokensEstimate()};
        Plan plan = plan(scope, routed.deployments(), request, routed.model(), prompt, clock.instant());
        if (prompt[0] >= 0 && ctx.promptTokensEstimate() < 0) {
            ctx.promptTokensEstimate((int) Math.min(Integer.MAX_VALUE, prompt[0]));
        }
        if (plan == null) {
            return Optional.empty();
        }
        BudgetReservation reservation = new BudgetReservation(plan.order, counters, estimator, listener, clock);
        return Optional.of(new Decision(transformed(routed, plan, request), reservation));
    }

    /**
     * The routed plan in the budgets' order: steps keep their reasons, a fallback target routing did not
     * choose is there for the budget's reason with its own request, and when budgets changed the route
     * the first step says why ({@code budget: anthropic at 95.2% of 140000 tokens …, fallback openai}).
     */
    private static RoutePlan transformed(RoutePlan routed, Plan plan, CanonicalRequest call) {
        List<RouteStep> steps = new ArrayList<>(plan.order.size());
        for (Candidate c : plan.order) {
            Optional<RouteStep> before = routed.steps().stream().filter(s -> s.target().equals(c.deployment)).findFirst();
            Optional<CanonicalRequest> own = c.request == call ? before.flatMap(RouteStep::request) : Optional.of(c.request);
            steps.add(new RouteStep(c.deployment, before.map(RouteStep::reason).orElse(plan.reason), own));
        }
        if (plan.reason != null) {
            steps.set(0, steps.getFirst().withReason(plan.reason));
        }
        return new RoutePlan(routed.model(), steps);
    }

    /**
     * The order to try a route in, and why; {@code null} when no rule applies to any of its deployments.
     * {@code prompt[0]} is the prompt's token estimate when known, else -1; it is filled in when needed.
     */
    Plan plan(CallScope scope, List<Deployment> route, CanonicalRequest request, String model, long[] prompt, Instant now) {
        List<BudgetRuleConfig> active = rules.rules();
        List<Candidate> primaries = new ArrayList<>(route.size());
        boolean any = false;
        for (Deployment d : route) {
            Candidate c = candidate(active, scope, d, request, model, prompt, now);
            any |= !c.counters.isEmpty();
            primaries.add(c);
        }
        if (!any) {
            return null;
        }
        read(primaries);
        boolean priority = isPriority(scope);
        List<Candidate> order = new ArrayList<>();
        List<Candidate> demoted = new ArrayList<>();
        String reason = null;
        for (Candidate c : primaries) {
            markEmergency(c, priority);
            int i = c.past(Action.PREFER_FALLBACK);
            if (i < 0) {
                add(order, c);
                continue;
            }
            Optional<Candidate> target = fallback(c.counters.get(i).rule(), active, scope, request, model, prompt, now, primaries);
            target.ifPresent(f -> {
                markEmergency(f, priority);
                add(order, f);
                c.behind = f;
            });
            demoted.add(c);
            if (reason == null) {
                reason = "budget: " + c.standing(i) + target.map(f -> ", fallback " + f.provider()).orElse(", prefer other deployments");
            }
        }
        demoted.forEach(c -> add(order, c));
        return new Plan(order, reason);
    }

    /** The rule's fallback target as a candidate (an existing one when routing already chose it). */
    private Optional<Candidate> fallback(BudgetRuleConfig rule, List<BudgetRuleConfig> active, CallScope scope, CanonicalRequest request,
                                         String model, long[] prompt, Instant now, List<Candidate> primaries) {
        if (rule.fallback().isEmpty() || !(request instanceof ChatRequest chat)) {
            return Optional.empty();
        }
        BudgetRuleConfig.FallbackTarget f = rule.fallback().get();
        Optional<Deployment> target = catalog.deployment(f.provider(), f.model());
        if (target.isEmpty()) {
            return Optional.empty();
        }
        for (Candidate existing : primaries) {
            if (existing.deployment.equals(target.get())) {
                return Optional.of(existing);
            }
        }
        Candidate c = candidate(active, scope, target.get(), rewrite(chat, f), model, prompt, now);
        read(List.of(c));
        return Optional.of(c);
    }

    /** The request as the fallback target gets it: its model, and its max_tokens and temperature when set. */
    static ChatRequest rewrite(ChatRequest chat, BudgetRuleConfig.FallbackTarget f) {
        ObjectNode body = chat.body().deepCopy();
        body.put("model", f.model());
        f.maxTokens().ifPresent(n -> body.put(body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens", n));
        f.temperature().ifPresent(t -> body.put("temperature", t));
        // A Responses call keeps its own body for a passthrough target, rewritten the same way.
        Optional<ObjectNode> responses = chat.responsesBody().map(own -> {
            ObjectNode copy = own.deepCopy();
            copy.put("model", f.model());
            f.maxTokens().ifPresent(n -> copy.put("max_output_tokens", n));
            f.temperature().ifPresent(t -> copy.put("temperature", t));
            return copy;
        });
        return new ChatRequest(Optional.of(f.model()), chat.stream(), chat.clientWantsUsage(),
                f.maxTokens().isPresent() ? f.maxTokens() : chat.maxTokens(), chat.messages(), chat.tools(), body, Optional.empty(), responses);
    }

    private Candidate candidate(List<BudgetRuleConfig> active, CallScope scope, Deployment d, CanonicalRequest request, String model,
                                long[] prompt, Instant now) {
        CallScope at = scope.at(d.providerName(), d.upstreamModel());
        List<BudgetCounter> matched = new ArrayList<>(2);
        for (BudgetRuleConfig rule : active) {
            Map<String, String> values = at.match(rule);
            if (values != null) {
                BudgetCounter counter = BudgetCounter.of(rule, values, window(rule, now));
                known.putIfAbsent(counter.key(), counter);
                matched.add(counter);
            }
        }
        long[] amounts = new long[matched.size()];
        long counted = 0;
        if (!matched.isEmpty()) {
            if (prompt[0] < 0) {
                prompt[0] = estimator.promptTokens(scope.org(), request, model);
            }
            counted = prompt[0] + estimator.extras(request, model);
            long maxOut = estimator.maxOutput(request, d);
            for (int i = 0; i < amounts.length; i++) {
                amounts[i] = estimator.reserve(matched.get(i).rule().metric(), counted, maxOut, d);
            }
        }
        return new Candidate(d, request, matched, amounts, counted);
    }

    /** The rule's current period; computed once per period and time zone, not per call. */
    private BudgetWindow window(BudgetRuleConfig rule, Instant now) {
        WindowKey key = new WindowKey(rule.period(), rule.zone());
        BudgetWindow w = windows.get(key);
        if (w == null || now.isBefore(w.start()) || !now.isBefore(w.end())) {
            w = BudgetWindow.of(rule.period(), rule.zone(), now);
            windows.put(key, w);
        }
        return w;
    }

    private record WindowKey(BudgetRuleConfig.Period period, java.time.ZoneId zone) {
    }

    private void read(List<Candidate> candidates) {
        List<String> keys = new ArrayList<>();
        candidates.forEach(c -> c.counters.forEach(x -> keys.add(x.key())));
        if (keys.isEmpty()) {
            return;
        }
        List<Long> values = counters.values(keys);
        int k = 0;
        for (Candidate c : candidates) {
            for (int i = 0; i < c.counters.size(); i++) {
                c.used[i] = values.get(k++);
            }
        }
    }

    private static void markEmergency(Candidate c, boolean priority) {
        int i = c.past(Action.EMERGENCY);
        if (i >= 0 && !priority) {
            BudgetCounter counter = c.counters.get(i);
            c.emergency = c.provider() + ": budget '" + counter.rule().name() + "' (" + counter.describeScope() + ") is in emergency at "
                    + Candidate.percent(counter.fraction(c.used[i])) + " of " + Candidate.amount(counter, counter.rule().limit())
                    + ": only priority agents and keys may call";
        }
    }

    private static void add(List<Candidate> order, Candidate c) {
        for (Candidate existing : order) {
            if (existing.deployment.equals(c.deployment)) {
                return;
            }
        }
        order.add(c);
    }

    boolean isPriority(CallScope scope) {
        return scope.agent() != null && settings.priorityAgents().contains(scope.agent())
                || scope.key() != null && settings.priorityKeys().contains(scope.key());
    }

    /** A planned order of candidates and the reason budgets gave it ({@code null} when they did not change it). */
    record Plan(List<Candidate> order, String reason) {
    }

    /** The counters were set from the ledger: calls may be budgeted from now on. */
    public void seeded(List<BudgetCounter> seededCounters) {
        remember(seededCounters);
        seeding.countDown();
    }

    /** Counters the status and reset APIs should know about (seeded ones). */
    public void remember(List<BudgetCounter> list) {
        list.forEach(c -> known.put(c.key(), c));
    }

    private void awaitSeeding() {
        if (seeding.getCount() == 0) {
            return;
        }
        try {
            if (!seeding.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("budget counters were not seeded from the ledger within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the budget counters", e);
        }
    }

    // ---- reads and admin actions for the token-usage API ----

    public BudgetRuleSet rules() {
        return rules;
    }

    public BudgetSettingsConfig settings() {
        return settings;
    }

    CounterStore counters() {
        return counters;
    }

    Map<String, BudgetCounter> known() {
        return known;
    }

    public Clock clock() {
        return clock;
    }

    public ModelCatalog catalog() {
        return catalog;
    }
}
