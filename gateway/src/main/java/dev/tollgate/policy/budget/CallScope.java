package dev.tollgate.policy.budget;

import dev.tollgate.config.BudgetRuleConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of one call (or one planned attempt) that budget selectors look at. Absent tags are
 * {@code null}: a rule that selects on a tag never counts a call without it.
 */
record CallScope(String org, String key, String agent, String feature, String provider, String model) {

    String value(String dimension) {
        return switch (dimension) {
            case "org" -> org;
            case "key" -> key;
            case "agent" -> agent;
            case "feature" -> feature;
            case "provider" -> provider;
            case "model" -> model;
            default -> throw new IllegalArgumentException("unknown budget dimension " + dimension);
        };
    }

    CallScope at(String providerName, String upstreamModel) {
        return new CallScope(org, key, agent, feature, providerName, upstreamModel);
    }

    /**
     * The selector values of {@code rule}'s counter for this call, in dimension order (the call's org too when
     * the rule counts per org); {@code null} when the rule does not apply.
     */
    Map<String, String> match(BudgetRuleConfig rule) {
        Map<String, String> out = null;
        Map<String, String> selectors = rule.counterScope();
        for (String dimension : BudgetRuleConfig.DIMENSIONS) {
            String wanted = selectors.get(dimension);
            if (wanted == null) {
                continue;
            }
            String actual = value(dimension);
            if (actual == null || !(wanted.equals(BudgetRuleConfig.EACH) || wanted.equals(actual))) {
                return null;
            }
            if (out == null) {
                out = new LinkedHashMap<>(4);
            }
            out.put(dimension, actual);
        }
        return out == null ? Map.of() : out;
    }
}
