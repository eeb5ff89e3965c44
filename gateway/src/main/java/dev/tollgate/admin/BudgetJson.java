package dev.tollgate.admin;

import dev.tollgate.config.BudgetRuleConfig;
import dev.tollgate.policy.budget.BudgetStatus;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Budget rules and counter standings as the governance and token-usage APIs show them. */
final class BudgetJson {

    private final JsonMapper json;

    BudgetJson(JsonMapper json) {
        this.json = json;
    }

    ObjectNode rule(BudgetRuleConfig rule, boolean configured, List<BudgetStatus.Standing> standings) {
        ObjectNode n = json.createObjectNode().put("name", rule.name()).put("source", configured ? "config" : "api");
        ObjectNode scope = n.putObject("scope");
        rule.scope().forEach(scope::put);
        n.put("metric", rule.metric().wireName());
        if (rule.metric().wireName().equals("tokens")) {
            n.put("tokens", switch (rule.metric()) {
                case INPUT_TOKENS -> "input";
                case OUTPUT_TOKENS -> "output";
                default -> "total";
            });
        }
        n.put("period", rule.period().wireName()).put("time_zone", rule.zone().getId());
        amount(n, "limit", rule, rule.limit());
        ArrayNode thresholds = n.putArray("thresholds");
        rule.thresholds().forEach(t -> thresholds.addObject().put("at", t.at()).put("action", t.action().wireName()));
        ObjectNode alerts = n.putObject("alerts");
        rule.alerts().entrySet().stream().sorted(java.util.Map.Entry.comparingByValue()).forEach(e -> alerts.put(e.getKey(), e.getValue()));
        rule.fallback().ifPresent(f -> {
            ObjectNode fb = n.putObject("fallback").put("provider", f.provider()).put("model", f.model());
            f.maxTokens().ifPresent(m -> fb.put("max_tokens", m));
            f.temperature().ifPresent(t -> fb.put("temperature", t));
        });
        ArrayNode counters = n.putArray("counters");
        standings.stream().filter(s -> s.counter().rule().name().equals(rule.name())).forEach(s -> counters.add(standing(s)));
        return n;
    }

    ObjectNode standing(BudgetStatus.Standing s) {
        BudgetRuleConfig rule = s.counter().rule();
        ObjectNode n = json.createObjectNode().put("budget", rule.name());
        ObjectNode scope = n.putObject("scope");
        s.counter().scope().forEach(scope::put);
        n.put("metric", rule.metric().wireName()).put("period", rule.period().wireName())
                .put("period_start", s.counter().window().start().toString());
        if (s.counter().window().ends()) {
            n.put("period_end", s.counter().window().end().toString());
        }
        amount(n, "used", rule, s.used());
        amount(n, "limit", rule, rule.limit());
        n.put("percentage", BigDecimal.valueOf(s.fraction() * 100).setScale(2, RoundingMode.HALF_UP).doubleValue());
        n.put("state", s.state());
        return n;
    }

    private static void amount(ObjectNode n, String field, BudgetRuleConfig rule, long value) {
        if (rule.metric() == BudgetRuleConfig.Metric.COST_USD) {
            n.put(field, BigDecimal.valueOf(value, 6).doubleValue());
        } else {
            n.put(field, value);
        }
    }
}
