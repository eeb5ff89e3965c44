package dev.tollgate.config;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/**
 * Settings shared by every budget rule ({@code budget_settings:}).
 *
 * @param zone           the time zone calendar periods follow when a rule names none
 * @param priorityAgents agents whose calls still pass a budget in {@code emergency}
 * @param priorityKeys   API key ids whose calls still pass a budget in {@code emergency}
 */
public record BudgetSettingsConfig(ZoneId zone, Set<String> priorityAgents, Set<String> priorityKeys) {

    public static final BudgetSettingsConfig DEFAULTS = new BudgetSettingsConfig(ZoneOffset.UTC, Set.of(), Set.of());

    public BudgetSettingsConfig {
        priorityAgents = Set.copyOf(priorityAgents);
        priorityKeys = Set.copyOf(priorityKeys);
    }

    public static BudgetSettingsConfig of(ZoneId zone, List<String> agents, List<String> keys) {
        return new BudgetSettingsConfig(zone, Set.copyOf(agents), Set.copyOf(keys));
    }
}
