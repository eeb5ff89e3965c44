package dev.tollgate.policy.budget;

import dev.tollgate.config.BudgetRuleConfig;
import dev.tollgate.config.BudgetRuleConfig.Action;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Principal;
import dev.tollgate.provider.Deployment;
import dev.tollgate.store.BudgetStore;
import dev.tollgate.store.CounterStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Reads and resets budget counters for the token-usage API: where each budget of an agent stands, which
 * provider a call would get now (the same planning the request path uses, on an empty prompt), which
 * budgets are in emergency, and the agent reset that survives restarts.
 */
public final class BudgetStatus {

    private final CounterBudgetPolicy policy;
    private final BudgetSeeder seeder;
    private final BudgetStore store;

    public BudgetStatus(CounterBudgetPolicy policy, BudgetSeeder seeder, BudgetStore store) {
        this.policy = policy;
        this.seeder = seeder;
        this.store = store;
    }

    /** One counter and its value now. */
    public record Standing(BudgetCounter counter, long used) {

        public double fraction() {
            return counter.fraction(used);
        }

        /** The highest threshold action reached, or {@code ok}. */
        public String state() {
            if (used >= counter.hardLimit()) {
                return "exhausted";
            }
            String out = "ok";
            for (BudgetRuleConfig.Threshold t : counter.rule().thresholds()) {
                if (fraction() >= t.at()) {
                    out = t.action().wireName();
                }
            }
            return out;
        }
    }

    /** Which provider a call of the agent would be sent to now, and why; {@code provider} empty when none. */
    public record Choice(Optional<String> provider, Optional<String> model, String reason) {
    }

    /** Whether {@code caller} may see or reset counters of {@code rule}: its own org's rules, or every rule for the master key. */
    public static boolean visible(Principal caller, BudgetRuleConfig rule) {
        String org = rule.scope().get("org");
        return caller.allOrgs() || caller.orgId().equals(org);
    }

    /** A counter is the caller's when its org is (a per-org counter of a rule without an org included). */
    static boolean visible(Principal caller, BudgetCounter counter) {
        return caller.allOrgs() || caller.orgId().equals(counter.scope().get("org"));
    }

    /** The agent's counters in their current periods (rules that select on agents), for {@code caller}. */
    public List<Standing> agent(Principal caller, String agent) {
        Instant now = policy.clock().instant();
        Map<String, BudgetCounter> found = new LinkedHashMap<>();
        for (BudgetRuleConfig rule : policy.rules().rules()) {
            String wanted = rule.scope().get("agent");
            boolean perOrg = rule.countsPerOrg();
            if (!(perOrg || visible(caller, rule)) || wanted == null || !(wanted.equals(BudgetRuleConfig.EACH) || wanted.equals(agent))) {
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            boolean fixed = true;
            for (String d : BudgetRuleConfig.DIMENSIONS) {
                String v = rule.counterScope().get(d);
                if (v == null) {
                    continue;
                }
                if (d.equals("agent")) {
                    values.put(d, agent);
                } else if (d.equals("org") && perOrg) {
                    // The caller's org; the master key sees the default org's (as choose() plans it) and every org's known counter.
                    values.put(d, caller.allOrgs() ? Principal.DEFAULT_ORG : caller.orgId());
                } else if (v.equals(BudgetRuleConfig.EACH)) {
                    fixed = false;
                } else {
                    values.put(d, v);
                }
            }
            if (fixed) {
                BudgetCounter c = BudgetCounter.of(rule, values, BudgetWindow.of(rule.period(), rule.zone(), now));
                found.put(c.key(), c);
            }
        }
        current(now, c -> agent.equals(c.scope().get("agent")) && visible(caller, c)).forEach(c -> found.putIfAbsent(c.key(), c));
        return read(new ArrayList<>(found.values()));
    }

    /** Every known counter in its current period that {@code caller} may see. */
    public List<Standing> all(Principal caller) {
        Instant now = policy.clock().instant();
        return read(current(now, c -> visible(caller, c)));
    }

    /** What a call by {@code agent} for {@code model} would be routed to now. */
    public Choice choose(Principal caller, String agent, String model) {
        List<Deployment> route = policy.catalog().resolve(model);
        if (route.isEmpty()) {
            return new Choice(Optional.empty(), Optional.empty(), "no configured provider serves " + model);
        }
        ChatRequest probe = new ChatRequest(Optional.of(model), false, false, Optional.of(1), List.of(), List.of(),
                JsonNodeFactory.instance.objectNode().put("model", model));
        CallScope scope = new CallScope(caller.allOrgs() ? Principal.DEFAULT_ORG : caller.orgId(), null, agent, null, null, null);
        CounterBudgetPolicy.Plan plan = policy.plan(scope, route, probe, model, new long[] {-1}, policy.clock().instant());
        if (plan == null) {
            return new Choice(Optional.of(route.getFirst().providerName()), Optional.of(route.getFirst().upstreamModel()),
                    "no budget applies; " + route.getFirst().providerName() + " serves " + model);
        }
        List<String> refused = new ArrayList<>();
        for (Candidate c : plan.order()) {
            if (c.behind != null && c.behind.refusal != null) {
                c.refusal = c.provider() + ": kept in reserve past its prefer_fallback threshold";
            } else if (c.emergency != null) {
                c.refusal = c.emergency;
            } else if (c.overLimit() >= 0) {
                int i = c.overLimit();
                c.refusal = c.refusalOf(i, c.used[i]);
            } else {
                String why = plan.reason() != null ? plan.reason() : c.provider() + " is within its budgets";
                if (!refused.isEmpty()) {
                    why = "budget: " + refused.getLast() + "; tried " + c.provider();
                }
                return new Choice(Optional.of(c.provider()), Optional.of(c.deployment.upstreamModel()), why);
            }
            refused.add(c.refusal);
        }
        String code = refused.size() > 1 ? "both_exhausted" : "budget_exceeded";
        return new Choice(Optional.empty(), Optional.empty(), code + ": " + String.join("; ", refused));
    }

    /** Counters past an {@code emergency} threshold, or at their hard limit: what is blocked now. */
    public List<Standing> blocked(Principal caller) {
        List<Standing> out = new ArrayList<>();
        for (Standing s : all(caller)) {
            Optional<BudgetRuleConfig.Threshold> e = s.counter().rule().threshold(Action.EMERGENCY);
            if (s.used() >= s.counter().hardLimit() || e.isPresent() && s.fraction() >= e.get().at()) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Resets the agent's counters of the current period to zero and records, per counter, the usage the
     * ledger held for it, so that re-seeding after a restart starts from the reset too.
     */
    public List<BudgetCounter> reset(Principal caller, String agent) {
        Instant now = policy.clock().instant();
        List<BudgetCounter> out = new ArrayList<>();
        CounterStore counters = policy.counters();
        for (Standing s : agent(caller, agent)) {
            BudgetCounter c = s.counter();
            long inLedger = seeder.ledgerUsage(c, now);
            store.reset(new BudgetStore.CounterReset(c.key(), inLedger, now, caller.keyId()));
            counters.set(c.key(), 0, c.window().end());
            out.add(c);
        }
        return out;
    }

    public boolean priority(String agent, String keyId) {
        return policy.isPriority(new CallScope(null, keyId, agent, null, null, null));
    }

    public dev.tollgate.config.BudgetSettingsConfig settings() {
        return policy.settings();
    }

    private List<BudgetCounter> current(Instant now, Predicate<BudgetCounter> wanted) {
        List<BudgetCounter> out = new ArrayList<>();
        for (BudgetCounter known : List.copyOf(policy.known().values())) {
            BudgetCounter c = current(known, now);
            if (c == null) {
                policy.known().remove(known.key()); // a past period, or a rule since deleted or changed in what it counts
                continue;
            }
            if (c != known) {
                policy.known().put(c.key(), c);
            }
            if (wanted.test(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The counter with its rule as it is now (a changed limit keeps the counter), or null when it is gone. */
    private BudgetCounter current(BudgetCounter c, Instant now) {
        if (!now.isBefore(c.window().end())) {
            return null;
        }
        BudgetRuleConfig rule = policy.rules().find(c.rule().name()).orElse(null);
        if (rule == null || rule.equals(c.rule())) {
            return rule == null ? null : c;
        }
        BudgetCounter rebound = BudgetCounter.of(rule, c.scope(), BudgetWindow.of(rule.period(), rule.zone(), now));
        return rebound.key().equals(c.key()) ? rebound : null;
    }

    private List<Standing> read(List<BudgetCounter> list) {
        List<Long> values = policy.counters().values(list.stream().map(BudgetCounter::key).toList());
        List<Standing> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(new Standing(list.get(i), values.get(i)));
        }
        return out;
    }
}
