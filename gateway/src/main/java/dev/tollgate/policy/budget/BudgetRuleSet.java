package dev.tollgate.policy.budget;

import dev.tollgate.config.BudgetRuleConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The budget rules in force: those of the configuration file (fixed until restart) and those created
 * through the API (changed at any time). Readers on the request path get an immutable snapshot with one
 * volatile read; changes are serialized and replace the snapshot, so a change applies to the next call.
 */
public final class BudgetRuleSet {

    private final List<BudgetRuleConfig> configured;
    private final Set<String> configuredNames;
    private final Map<String, BudgetRuleConfig> stored = new LinkedHashMap<>();
    private volatile List<BudgetRuleConfig> all;

    public BudgetRuleSet(List<BudgetRuleConfig> configured) {
        this.configured = List.copyOf(configured);
        this.configuredNames = configured.stream().map(BudgetRuleConfig::name).collect(Collectors.toUnmodifiableSet());
        this.all = this.configured;
    }

    public List<BudgetRuleConfig> rules() {
        return all;
    }

    public boolean configured(String name) {
        return configuredNames.contains(name);
    }

    public Optional<BudgetRuleConfig> find(String name) {
        return all.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /**
     * Why {@code rule} cannot join the set (replacing the stored rule of the same name when
     * {@code replacing}), as {@code field: message}; empty when it can.
     */
    public synchronized Optional<String> conflict(BudgetRuleConfig rule, boolean replacing) {
        if (configured(rule.name())) {
            return Optional.of("name: '" + rule.name() + "' is defined in the configuration file (change it there)");
        }
        if (!replacing && stored.containsKey(rule.name())) {
            return Optional.of("name: '" + rule.name() + "' exists already (PUT /governance/budgets/" + rule.name() + " changes it)");
        }
        for (BudgetRuleConfig other : all) {
            if (!other.name().equals(rule.name()) && other.overlaps(rule)) {
                return Optional.of("scope: same scope, metric and period as budget '" + other.name()
                        + "' (expected: one rule per scope, metric and period)");
            }
        }
        return Optional.empty();
    }

    /** Adds or replaces a stored rule; callers check {@link #conflict} first, under their own lock. */
    public synchronized void put(BudgetRuleConfig rule) {
        stored.put(rule.name(), rule);
        publish();
    }

    public synchronized boolean remove(String name) {
        boolean removed = stored.remove(name) != null;
        publish();
        return removed;
    }

    private void publish() {
        List<BudgetRuleConfig> next = new ArrayList<>(configured);
        next.addAll(stored.values());
        all = List.copyOf(next);
    }
}
