package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.groups.Tuple.tuple;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageTotals;
import dev.tollgate.store.memory.InMemoryUsageLedger;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Reports at a fixed instant over an in-memory ledger: the forecast's documented formula, history
 * months, and which month a call at the edge of two months belongs to.
 */
class UsageReportsTest {

    private static final Offset<Double> EXACT = within(1e-12);

    private final InMemoryUsageLedger ledger = new InMemoryUsageLedger();

    private UsageReports at(String now) {
        return new UsageReports(ledger, Clock.fixed(Instant.parse(now), ZoneOffset.UTC));
    }

    private void call(String id, String time, String agent, String provider, double cost, long inputTokens, long outputTokens) {
        ledger.append(new UsageEvent(id, Instant.parse(time), "req-" + id, "acme", "key-1", agent, "chat", "chat", "proxy",
                provider, "gpt-4o-mini", new Usage(inputTokens, outputTokens, 0, 0, false), cost, true, 0, 5, -1, 200, null,
                false, 1, "miss", "explicit"));
    }

    // ---------------------------------------------------------------- forecast

    @Test
    void forecastEarlyInTheMonth_usesTheMonthSoFarAsTheRunRate() {
        call("feb", "2026-02-28T23:00:00Z", "imperium", "openai", 8.0, 10_000, 10_000);
        call("m1", "2026-03-01T10:00:00Z", "imperium", "openai", 0.5, 1_000, 500);
        call("m2", "2026-03-03T08:00:00Z", "scout", "anthropic", 0.25, 400, 100);

        UsageReports.Forecast f = at("2026-03-03T12:00:00Z").forecast(UsageFilter.ALL);

        // 2.5 days have passed (fewer than 7), so the rate is month-to-date / 2.5 per day; 28.5 days are left
        // (until 2026-04-01T00:00Z). February's call counts for nothing.
        //   overall:  0.75 + 0.75 / 2.5 × 28.5 = 0.75 + 8.55 = 9.3;   tokens 2000 + 2000 / 2.5 × 28.5 = 24800
        //   imperium: 0.5 + 0.5 / 2.5 × 28.5 = 0.5 + 5.7 = 6.2;       tokens 1500 + 1500 / 2.5 × 28.5 = 18600
        //   scout:    0.25 + 0.25 / 2.5 × 28.5 = 0.25 + 2.85 = 3.1;   tokens  500 +  500 / 2.5 × 28.5 = 6200
        assertThat(f.month()).isEqualTo(YearMonth.of(2026, 3));
        assertThat(f.asOf()).isEqualTo(Instant.parse("2026-03-03T12:00:00Z"));
        assertThat(f.overall().monthToDate().requests()).isEqualTo(2);
        assertThat(f.overall().monthToDate().costUsd()).isCloseTo(0.75, EXACT);
        assertThat(f.overall().projectedCostUsd()).isCloseTo(9.3, EXACT);
        assertThat(f.overall().projectedTokens()).isEqualTo(24_800);
        assertThat(f.agents()).containsOnlyKeys("imperium", "scout");
        assertThat(f.agents().get("imperium").projectedCostUsd()).isCloseTo(6.2, EXACT);
        assertThat(f.agents().get("imperium").projectedTokens()).isEqualTo(18_600);
        assertThat(f.agents().get("scout").projectedCostUsd()).isCloseTo(3.1, EXACT);
        assertThat(f.agents().get("scout").projectedTokens()).isEqualTo(6_200);
    }

    @Test
    void forecastLaterInTheMonth_usesTheLastSevenDaysAsTheRunRate() {
        call("a", "2026-03-02T10:00:00Z", "imperium", "openai", 4.0, 4_000, 0);
        call("b-just-before-window", "2026-03-13T05:59:59.999Z", "imperium", "openai", 1.0, 1_000, 0);
        call("c-window-start", "2026-03-13T06:00:00Z", "scout", "openai", 0.5, 500, 0);
        call("d", "2026-03-19T12:00:00Z", "imperium", "openai", 1.5, 1_500, 0);
        call("e", "2026-03-20T05:59:59.999Z", "scout", "openai", 0.25, 250, 0);

        UsageReports.Forecast f = at("2026-03-20T06:00:00Z").forecast(UsageFilter.ALL);

        // The last 7 days are [03-13T06:00, 03-20T06:00): c, d and e, $2.25 and 2250 tokens; 11.75 days are left.
        //   overall:  7.25 + 2.25 / 7 × 11.75 = 11.0267857142857…;  tokens 7250 + 2250 / 7 × 11.75 = 11026.79 → 11027
        //   imperium: 6.5 + 1.5 / 7 × 11.75 = 9.0178571428571…;     tokens 6500 + 1500 / 7 × 11.75 = 9017.86 → 9018
        //   scout:    0.75 + 0.75 / 7 × 11.75 = 2.0089285714285…;   tokens  750 +  750 / 7 × 11.75 = 2008.93 → 2009
        assertThat(f.overall().monthToDate().costUsd()).isCloseTo(7.25, EXACT);
        assertThat(f.overall().projectedCostUsd()).isCloseTo(7.25 + 2.25 / 7 * 11.75, EXACT).isCloseTo(11.0267857142857, within(1e-12));
        assertThat(f.overall().projectedTokens()).isEqualTo(11_027);
        assertThat(f.agents().get("imperium").monthToDate().costUsd()).isCloseTo(6.5, EXACT);
        assertThat(f.agents().get("imperium").projectedCostUsd()).isCloseTo(6.5 + 1.5 / 7 * 11.75, EXACT);
        assertThat(f.agents().get("imperium").projectedTokens()).isEqualTo(9_018);
        assertThat(f.agents().get("scout").projectedCostUsd()).isCloseTo(0.75 + 0.75 / 7 * 11.75, EXACT);
        assertThat(f.agents().get("scout").projectedTokens()).isEqualTo(2_009);
    }

    @Test
    void forecastOfAMonthWithoutUsage_isZero() {
        call("feb", "2026-02-27T10:00:00Z", "imperium", "openai", 3.0, 1_000, 1_000);

        UsageReports.Forecast f = at("2026-03-15T10:30:00Z").forecast(UsageFilter.ALL);

        assertThat(f.overall().monthToDate()).isEqualTo(UsageTotals.ZERO);
        assertThat(f.overall().projectedCostUsd()).isZero();
        assertThat(f.overall().projectedTokens()).isZero();
        assertThat(f.agents()).isEmpty();
    }

    @Test
    void forecast_isScopedByTheFilter() {
        call("m1", "2026-03-01T10:00:00Z", "imperium", "openai", 0.5, 1_000, 500);
        call("m2", "2026-03-03T08:00:00Z", "scout", "anthropic", 0.25, 400, 100);

        UsageReports.Forecast f = at("2026-03-03T12:00:00Z").forecast(UsageFilter.ALL.withProvider("anthropic"));

        // 0.25 + 0.25 / 2.5 × 28.5
        assertThat(f.overall().projectedCostUsd()).isCloseTo(3.1, EXACT);
        assertThat(f.agents()).containsOnlyKeys("scout");
    }

    // ---------------------------------------------------------------- history

    @Test
    void history_returnsTheLastNMonthsOldestFirst_includingEmptyMonths() {
        call("sep", "2025-09-30T23:59:59.999Z", "imperium", "openai", 64.0, 1, 1);
        call("nov-a", "2025-11-05T10:00:00Z", "imperium", "openai", 0.5, 100, 10);
        call("nov-b", "2025-11-20T10:00:00Z", "imperium", "anthropic", 0.25, 200, 20);
        call("nov-other-agent", "2025-11-21T10:00:00Z", "scout", "openai", 16.0, 300, 30);
        call("mar-a", "2026-03-01T00:00:00Z", "imperium", "openai", 1.0, 400, 40);
        call("mar-b", "2026-03-15T09:00:00Z", "imperium", "openai", 0.125, 500, 50);

        List<UsageReports.MonthUsage> months = at("2026-03-15T10:00:00Z").history(UsageFilter.ALL.withAgent("imperium"), 6);

        assertThat(months).extracting(m -> m.month().toString())
                .containsExactly("2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03");
        assertThat(months.get(0).providers()).isEmpty();
        assertThat(months.get(0).total()).isEqualTo(UsageTotals.ZERO);
        assertThat(months.get(1).providers()).containsOnlyKeys("openai", "anthropic");
        assertThat(months.get(1).providers().get("openai").costUsd()).isCloseTo(0.5, EXACT);
        assertThat(months.get(1).providers().get("anthropic").costUsd()).isCloseTo(0.25, EXACT);
        assertThat(months.get(1).total().requests()).isEqualTo(2);
        assertThat(months.get(1).total().inputTokens()).isEqualTo(300);
        assertThat(months.subList(2, 5)).allSatisfy(m -> assertThat(m.providers()).isEmpty());
        assertThat(months.get(5).providers()).containsOnlyKeys("openai");
        assertThat(months.get(5).total().costUsd()).isCloseTo(1.125, EXACT);
        assertThat(months.get(5).total().requests()).isEqualTo(2);
    }

    @Test
    void historyOfOneMonth_isThisMonthOnly() {
        call("feb", "2026-02-28T10:00:00Z", "imperium", "openai", 1.0, 1, 1);

        List<UsageReports.MonthUsage> months = at("2026-03-15T10:00:00Z").history(UsageFilter.ALL, 1);

        assertThat(months).singleElement().satisfies(m -> {
            assertThat(m.month()).isEqualTo(YearMonth.of(2026, 3));
            assertThat(m.providers()).isEmpty();
        });
    }

    // ---------------------------------------------------------------- month rollover

    @Test
    void callAtTheLastMillisecondOfAMonth_countsInThatMonth_andNotTheNext() {
        call("oct-last", "2026-10-31T23:59:59.999Z", "imperium", "openai", 0.5, 100, 10);
        call("nov-first", "2026-11-01T00:00:00Z", "imperium", "openai", 0.25, 200, 20);

        Map<String, Map<String, UsageTotals>> october = at("2026-10-31T23:59:59.999Z").monthByAgentAndProvider(UsageFilter.ALL);
        Map<String, Map<String, UsageTotals>> november = at("2026-11-01T10:00:00Z").monthByAgentAndProvider(UsageFilter.ALL);
        Map<String, Map<String, UsageTotals>> novemberStart = at("2026-11-01T00:00:00Z").monthByAgentAndProvider(UsageFilter.ALL);
        List<UsageReports.MonthUsage> history = at("2026-11-01T10:00:00Z").history(UsageFilter.ALL, 2);

        assertThat(october.get("imperium").get("openai").costUsd()).isCloseTo(0.5, EXACT);
        assertThat(october.get("imperium").get("openai").requests()).isEqualTo(1);
        assertThat(november.get("imperium").get("openai").costUsd()).isCloseTo(0.25, EXACT);
        assertThat(november.get("imperium").get("openai").requests()).isEqualTo(1);
        // At the first instant of November nothing of November has happened yet.
        assertThat(novemberStart).isEmpty();
        assertThat(history).extracting(m -> m.month().toString(), m -> m.total().inputTokens())
                .containsExactly(tuple("2026-10", 100L), tuple("2026-11", 200L));
        assertThat(at("2026-11-01T10:00:00Z").forecast(UsageFilter.ALL).overall().monthToDate().inputTokens()).isEqualTo(200);
        UsagePeriod month = UsagePeriod.parse("month", Instant.parse("2026-11-01T10:00:00Z"));
        assertThat(at("2026-11-01T10:00:00Z").summary(UsageFilter.ALL, month).totals().inputTokens()).isEqualTo(200);
    }
}
