package dev.tollgate.policy.budget;

import dev.tollgate.config.BudgetRuleConfig;
import dev.tollgate.store.BudgetStore;
import dev.tollgate.store.CounterStore;
import dev.tollgate.store.UsageDimension;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageGroup;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.UsageTotals;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sets budget counters from the ledger: at start (the counters live in memory), and when a rule is
 * created or changed. A counter's value is the ledger's usage of the current period for the rule's
 * selector, minus the usage it held when the counter was last reset. The ledger keeps hourly rollups
 * forever, so this is exact for periods that start on a whole hour (every UTC period; zones with
 * half-hour offsets read the edge hour whole). Reservations in flight are not in the ledger: seeding
 * happens before serving, or for a rule no call has reserved against yet.
 */
public final class BudgetSeeder {

    private final UsageLedger ledger;
    private final BudgetStore store;
    private final CounterStore counters;

    public BudgetSeeder(UsageLedger ledger, BudgetStore store, CounterStore counters) {
        this.ledger = ledger;
        this.store = store;
        this.counters = counters;
    }

    /** Seeds every counter of {@code rules} for the period around {@code now}; returns the counters set. */
    public List<BudgetCounter> seed(List<BudgetRuleConfig> rules, Instant now) {
        ledger.flush(Duration.ofSeconds(10));
        Map<String, Long> offsets = new HashMap<>();
        store.resets().forEach(r -> offsets.put(r.counterKey(), r.offset()));
        List<BudgetCounter> out = new ArrayList<>();
        for (BudgetRuleConfig rule : rules) {
            for (Map.Entry<BudgetCounter, Long> e : usage(rule, now).entrySet()) {
                BudgetCounter c = e.getKey();
                long value = Math.max(0, e.getValue() - offsets.getOrDefault(c.key(), 0L));
                counters.set(c.key(), value, c.window().end());
                out.add(c);
            }
        }
        return out;
    }

    /** The ledger's usage of {@code counter}'s scope and period so far (for resets). */
    public long ledgerUsage(BudgetCounter counter, Instant now) {
        ledger.flush(Duration.ofSeconds(10));
        UsageFilter filter = filter(counter.scope());
        return amount(counter.rule(), ledger.totals(filter, counter.window().start(), end(counter.window(), now)));
    }

    /** Each counter of {@code rule} the ledger has usage for in the current period, with that usage. */
    Map<BudgetCounter, Long> usage(BudgetRuleConfig rule, Instant now) {
        BudgetWindow window = BudgetWindow.of(rule.period(), rule.zone(), now);
        Map<String, String> fixed = new LinkedHashMap<>();
        List<String> each = new ArrayList<>();
        rule.counterScope().forEach((d, v) -> {
            if (v.equals(BudgetRuleConfig.EACH)) {
                each.add(d);
            } else {
                fixed.put(d, v);
            }
        });
        UsageFilter filter = filter(fixed);
        Instant end = end(window, now);
        Map<BudgetCounter, Long> out = new LinkedHashMap<>();
        if (each.isEmpty()) {
            out.put(BudgetCounter.of(rule, fixed, window), amount(rule, ledger.totals(filter, window.start(), end)));
            return out;
        }
        List<UsageDimension> by = each.stream().map(UsageDimension::fromWire).toList();
        for (UsageGroup g : ledger.breakdown(by, filter, window.start(), end)) {
            if (g.keys().contains("")) {
                continue; // calls without the tag never count for a rule that selects on it
            }
            Map<String, String> values = new LinkedHashMap<>(fixed);
            for (int i = 0; i < each.size(); i++) {
                values.put(each.get(i), g.keys().get(i));
            }
            out.put(BudgetCounter.of(rule, values, window), amount(rule, g.totals()));
        }
        return out;
    }

    private static Instant end(BudgetWindow window, Instant now) {
        Instant nextHour = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        return window.ends() && window.end().isBefore(nextHour) ? window.end() : nextHour;
    }

    static UsageFilter filter(Map<String, String> values) {
        return new UsageFilter(Optional.ofNullable(values.get("org")), Optional.ofNullable(values.get("key")),
                Optional.ofNullable(values.get("agent")), Optional.ofNullable(values.get("feature")),
                Optional.ofNullable(values.get("provider")), Optional.ofNullable(values.get("model")));
    }

    static long amount(BudgetRuleConfig rule, UsageTotals t) {
        return switch (rule.metric()) {
            case TOKENS -> t.totalTokens();
            case INPUT_TOKENS -> t.inputTokens();
            case OUTPUT_TOKENS -> t.outputTokens();
            case REQUESTS -> t.requests() - t.errors() - t.cache().hits(); // a cache hit counts against no budget
            case COST_USD -> BudgetEstimator.micros(t.costUsd());
        };
    }
}
