package dev.tollgate.policy.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.BudgetRuleConfig;
import dev.tollgate.config.BudgetRuleConfig.Metric;
import dev.tollgate.config.BudgetRuleConfig.Period;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BudgetRuleMatchingTest {

    private static final CallScope IMPERIUM_ON_ANTHROPIC =
            new CallScope("default", "key_1", "imperium", "chat", "anthropic", "claude-3-5-sonnet-20241022");

    static BudgetRuleConfig rule(String name, Map<String, String> scope, Metric metric, long limit) {
        return new BudgetRuleConfig(name, scope, metric, Period.MONTH, ZoneOffset.UTC, limit, List.of(),
                BudgetRuleConfig.DEFAULT_ALERTS, Optional.empty());
    }

    @Test
    void aGlobalRule_matchesEveryCall_withNoSelectorValues() {
        assertThat(IMPERIUM_ON_ANTHROPIC.match(rule("all", Map.of(), Metric.TOKENS, 10))).isEmpty();
        assertThat(new CallScope(null, null, null, null, null, null).match(rule("all", Map.of(), Metric.TOKENS, 10))).isEmpty();
    }

    @Test
    void exactValues_matchOnlyThatValue() {
        assertThat(IMPERIUM_ON_ANTHROPIC.match(rule("a", Map.of("agent", "imperium", "provider", "anthropic"), Metric.TOKENS, 1)))
                .containsExactly(Map.entry("agent", "imperium"), Map.entry("provider", "anthropic"));
        assertThat(IMPERIUM_ON_ANTHROPIC.match(rule("b", Map.of("agent", "guardian"), Metric.TOKENS, 1))).isNull();
        assertThat(IMPERIUM_ON_ANTHROPIC.match(rule("c", Map.of("provider", "openai"), Metric.TOKENS, 1))).isNull();
    }

    @Test
    void aStar_givesEachDistinctValueItsOwnCounter() {
        BudgetRuleConfig perAgent = rule("per-agent", Map.of("agent", "*", "provider", "anthropic"), Metric.TOKENS, 140_000);
        BudgetWindow month = BudgetWindow.of(Period.MONTH, ZoneOffset.UTC, Instant.parse("2026-11-23T10:00:00Z"));

        BudgetCounter imperium = BudgetCounter.of(perAgent, IMPERIUM_ON_ANTHROPIC.match(perAgent), month);
        BudgetCounter guardian = BudgetCounter.of(perAgent,
                new CallScope("default", "key_1", "guardian", null, "anthropic", "claude-3-5-sonnet-20241022").match(perAgent), month);

        assertThat(imperium.key()).isEqualTo("budget|per-agent|tokens|org=default,agent=imperium,provider=anthropic|2026-11");
        assertThat(guardian.key()).isNotEqualTo(imperium.key());
        assertThat(imperium.describeScope()).isEqualTo("agent imperium");
    }

    @Test
    void aCallWithoutTheSelectedTag_isNotCounted_evenByAStar() {
        CallScope untagged = new CallScope("default", "key_1", null, null, "anthropic", "claude-3-5-sonnet-20241022");

        assertThat(untagged.match(rule("per-agent", Map.of("agent", "*"), Metric.TOKENS, 1))).isNull();
        assertThat(untagged.match(rule("anthropic", Map.of("provider", "anthropic"), Metric.TOKENS, 1))).isNotNull();
    }

    @Test
    void everyDimension_canBeSelected() {
        Map<String, String> all = Map.of("org", "default", "key", "key_1", "agent", "imperium", "feature", "chat",
                "provider", "anthropic", "model", "claude-3-5-sonnet-20241022");
        assertThat(IMPERIUM_ON_ANTHROPIC.match(rule("all-six", all, Metric.REQUESTS, 1))).hasSize(6);
        assertThat(IMPERIUM_ON_ANTHROPIC.match(rule("other-feature", Map.of("feature", "search"), Metric.REQUESTS, 1))).isNull();
        assertThat(IMPERIUM_ON_ANTHROPIC.match(rule("other-org", Map.of("org", "acme"), Metric.REQUESTS, 1))).isNull();
    }

    @Test
    void counterKeys_listTheValuesInDimensionOrder_whateverTheMapsOrder() {
        BudgetRuleConfig rule = rule("r", Map.of("org", "acme", "agent", "capped"), Metric.REQUESTS, 1);
        BudgetWindow day = BudgetWindow.of(Period.DAY, ZoneOffset.UTC, Instant.parse("2026-11-23T10:00:00Z"));
        Map<String, String> agentFirst = new java.util.LinkedHashMap<>();
        agentFirst.put("agent", "capped");
        agentFirst.put("org", "acme");
        Map<String, String> orgFirst = new java.util.LinkedHashMap<>();
        orgFirst.put("org", "acme");
        orgFirst.put("agent", "capped");

        assertThat(BudgetCounter.of(rule, agentFirst, day).key())
                .isEqualTo(BudgetCounter.of(rule, orgFirst, day).key())
                .isEqualTo("budget|r|requests|org=acme,agent=capped|2026-11-23");
    }

    @Test
    void counterKeys_separateMetricsAndPeriods() {
        BudgetRuleConfig tokens = rule("r", Map.of("agent", "*"), Metric.TOKENS, 1);
        BudgetRuleConfig input = rule("r", Map.of("agent", "*"), Metric.INPUT_TOKENS, 1);
        Map<String, String> values = IMPERIUM_ON_ANTHROPIC.match(tokens);
        BudgetWindow nov = BudgetWindow.of(Period.MONTH, ZoneOffset.UTC, Instant.parse("2026-11-30T23:59:59Z"));
        BudgetWindow dec = BudgetWindow.of(Period.MONTH, ZoneOffset.UTC, Instant.parse("2026-12-01T00:00:00Z"));

        assertThat(BudgetCounter.of(tokens, values, nov).key()).isNotEqualTo(BudgetCounter.of(input, values, nov).key());
        assertThat(BudgetCounter.of(tokens, values, nov).key()).isNotEqualTo(BudgetCounter.of(tokens, values, dec).key());
    }
}
