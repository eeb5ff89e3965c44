package dev.tollgate.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Alert;
import dev.tollgate.model.BudgetSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetAlertsTest {

    private static final Instant MONTH = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant NEXT = Instant.parse("2026-12-01T00:00:00Z");
    private final BudgetAlerts rules = new BudgetAlerts(Duration.ofHours(24));

    private static BudgetSnapshot snapshot(long used, long limit, Map<String, Double> thresholds) {
        return new BudgetSnapshot("b1", "imperium anthropic", "acme", Map.of("agent", "imperium", "provider", "anthropic"), "tokens",
                "month", MONTH, NEXT, used, limit, thresholds);
    }

    @Test
    void eachDefaultLevel_isRaisedFromItsThreshold() {
        Instant early = MONTH.plus(Duration.ofHours(1)); // too early for a forecast
        assertThat(rules.of(snapshot(111_999, 140_000, Map.of()), early)).isEmpty();
        assertThat(levels(rules.of(snapshot(112_000, 140_000, Map.of()), early))).containsExactly("warning");
        assertThat(levels(rules.of(snapshot(133_000, 140_000, Map.of()), early))).containsExactly("warning", "critical");
        assertThat(levels(rules.of(snapshot(137_200, 140_000, Map.of()), early))).containsExactly("warning", "critical", "emergency");
    }

    @Test
    void aRulesOwnThresholds_replaceTheDefaults() {
        Map<String, Double> own = new LinkedHashMap<>();
        own.put("warning", 0.5);
        own.put("critical", 0.9);
        List<Alert> alerts = rules.of(snapshot(60, 100, own), MONTH.plusSeconds(60));
        assertThat(levels(alerts)).containsExactly("warning");
        assertThat(alerts.getFirst().message()).contains("'imperium anthropic'").contains("60%").contains("100 tokens");
    }

    @Test
    void dedupKeys_separateLevelsScopesAndPeriods_butRepeatForTheSameOne() {
        Instant t = MONTH.plusSeconds(60);
        Alert a = rules.of(snapshot(90, 100, Map.of()), t).getFirst();
        Alert again = rules.of(snapshot(91, 100, Map.of()), t.plusSeconds(5)).getFirst();
        assertThat(again.dedupKey()).isEqualTo(a.dedupKey());
        assertThat(again.id()).isNotEqualTo(a.id());
        BudgetSnapshot nextMonth = new BudgetSnapshot("b1", "x", "acme", Map.of("agent", "imperium", "provider", "anthropic"),
                "tokens", "month", NEXT, Instant.parse("2027-01-01T00:00:00Z"), 90, 100, Map.of());
        assertThat(rules.of(nextMonth, NEXT.plusSeconds(1)).getFirst().dedupKey()).isNotEqualTo(a.dedupKey());
        BudgetSnapshot otherAgent = new BudgetSnapshot("b1", "x", "acme", Map.of("agent", "guardian"), "tokens", "month", MONTH, NEXT,
                90, 100, Map.of());
        assertThat(rules.of(otherAgent, t).getFirst().dedupKey()).isNotEqualTo(a.dedupKey());
    }

    @Test
    void forecast_firesWhenTheLinearProjectionPassesTheLimit() {
        Instant tenDays = MONTH.plus(Duration.ofDays(10)); // a third of November
        assertThat(rules.of(snapshot(30_000, 100_000, Map.of()), tenDays)).isEmpty(); // projects 90,000
        List<Alert> alerts = rules.of(snapshot(40_000, 100_000, Map.of()), tenDays); // projects 120,000
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo("forecast");
            assertThat(a.level()).isEqualTo("warning");
            assertThat(a.value()).isEqualTo(120_000);
            assertThat(a.limit()).isEqualTo(100_000);
            assertThat(a.message()).contains("120000 tokens by the end of the month");
        });
    }

    @Test
    void forecast_waitsForEnoughOfTheMonth_andIgnoresOtherPeriods() {
        assertThat(rules.of(snapshot(10_000, 100_000, Map.of()), MONTH.plus(Duration.ofHours(23)))).isEmpty();
        BudgetSnapshot daily = new BudgetSnapshot("d", "d", "acme", Map.of(), "tokens", "day", MONTH, MONTH.plus(Duration.ofDays(1)),
                10, 100, Map.of());
        assertThat(rules.of(daily, MONTH.plus(Duration.ofHours(1)))).isEmpty();
    }

    @Test
    void costBudgets_showDollars() {
        BudgetSnapshot cost = new BudgetSnapshot("c", "spend", "acme", Map.of(), "cost_usd", "month", MONTH, NEXT,
                8_500_000, 10_000_000, Map.of());
        assertThat(rules.of(cost, MONTH.plusSeconds(1)).getFirst().message()).contains("$10.00").contains("85%");
    }

    private static List<String> levels(List<Alert> alerts) {
        return alerts.stream().filter(a -> a.type().equals("threshold")).map(Alert::level).toList();
    }
}
