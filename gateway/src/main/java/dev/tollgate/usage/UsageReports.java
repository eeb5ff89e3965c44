package dev.tollgate.usage;

import dev.tollgate.store.UsageBucket;
import dev.tollgate.store.UsageBuckets;
import dev.tollgate.store.UsageDimension;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageGroup;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.UsageTotals;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures behind the analytics and token-usage APIs and {@code tollgate usage}, computed from the
 * ledger's rollups.
 *
 * <p>Forecast method: month-to-date actuals plus the recent run rate over the rest of the month. The run
 * rate is the spend (and tokens) of the last 7 days divided by 7, or of the month so far divided by its
 * elapsed days when fewer than 7 days have passed; the projection is
 * {@code month_to_date + rate_per_day × days_left}. A month with no usage yet projects zero.
 */
public final class UsageReports {

    private static final Duration RATE_WINDOW = Duration.ofDays(7);

    private final UsageLedger ledger;
    private final Clock clock;

    public UsageReports(UsageLedger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** Totals of a period with its per-model and per-provider breakdowns. */
    public record Summary(UsagePeriod period, UsageTotals totals, List<UsageGroup> byModel, List<UsageGroup> byProvider) {
    }

    public Summary summary(UsageFilter filter, UsagePeriod period) {
        return new Summary(period, ledger.totals(filter, period.from(), period.to()),
                ledger.breakdown(UsageDimension.MODEL, filter, period.from(), period.to()),
                ledger.breakdown(UsageDimension.PROVIDER, filter, period.from(), period.to()));
    }

    public List<UsageGroup> breakdown(UsageDimension by, UsageFilter filter, UsagePeriod period) {
        return ledger.breakdown(by, filter, period.from(), period.to());
    }

    /**
     * The period's totals per hour or per UTC day, oldest first, every bucket of the (widened) period
     * included, empty ones as zeros, so a chart has no gaps. The first and last day may be partial.
     */
    public List<UsageBucket> series(UsageFilter filter, UsagePeriod period, ChronoUnit unit) {
        Map<Instant, UsageTotals> found = new LinkedHashMap<>();
        ledger.series(filter, period.from(), period.to(), unit).forEach(b -> found.put(b.start(), b.totals()));
        long[] range = UsageBuckets.range(period.from(), period.to());
        List<UsageBucket> out = new ArrayList<>();
        for (Instant t = Instant.ofEpochMilli(range[0]).truncatedTo(unit); t.toEpochMilli() < range[1]; t = t.plus(1, unit)) {
            out.add(new UsageBucket(t, found.getOrDefault(t, UsageTotals.ZERO)));
        }
        return out;
    }

    /** Month-to-date and projected month-end figures. */
    public record Projection(UsageTotals monthToDate, double projectedCostUsd, long projectedTokens) {
    }

    /** The forecast for this month: overall, and per agent. */
    public record Forecast(YearMonth month, Instant asOf, Projection overall, Map<String, Projection> agents) {
    }

    public Forecast forecast(UsageFilter filter) {
        Instant now = clock.instant();
        YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
        Instant start = UsagePeriod.monthStart(month);
        Instant end = UsagePeriod.monthStart(month.plusMonths(1));
        Instant rateFrom = now.minus(RATE_WINDOW).isBefore(start) ? start : now.minus(RATE_WINDOW);
        double rateDays = Math.max(Duration.between(rateFrom, now).toMillis() / 86_400_000.0, 1.0 / 24);
        double daysLeft = Duration.between(now, end).toMillis() / 86_400_000.0;
        Map<String, UsageTotals> mtdByAgent = byKey(ledger.breakdown(UsageDimension.AGENT, filter, start, now));
        Map<String, UsageTotals> recentByAgent = byKey(ledger.breakdown(UsageDimension.AGENT, filter, rateFrom, now));
        Map<String, Projection> agents = new LinkedHashMap<>();
        mtdByAgent.forEach((agent, mtd) -> agents.put(agent,
                project(mtd, recentByAgent.getOrDefault(agent, UsageTotals.ZERO), rateDays, daysLeft)));
        UsageTotals mtd = ledger.totals(filter, start, now);
        UsageTotals recent = ledger.totals(filter, rateFrom, now);
        return new Forecast(month, now, project(mtd, recent, rateDays, daysLeft), agents);
    }

    private static Projection project(UsageTotals mtd, UsageTotals recent, double rateDays, double daysLeft) {
        double costRate = recent.costUsd() / rateDays;
        double tokenRate = recent.totalTokens() / rateDays;
        return new Projection(mtd, mtd.costUsd() + costRate * daysLeft, Math.round(mtd.totalTokens() + tokenRate * daysLeft));
    }

    /** Per agent, this month's usage per provider. */
    public Map<String, Map<String, UsageTotals>> monthByAgentAndProvider(UsageFilter filter) {
        Instant now = clock.instant();
        Instant start = UsagePeriod.monthStart(YearMonth.from(now.atZone(ZoneOffset.UTC)));
        Map<String, Map<String, UsageTotals>> out = new LinkedHashMap<>();
        for (UsageGroup g : ledger.breakdown(List.of(UsageDimension.AGENT, UsageDimension.PROVIDER), filter, start, now)) {
            out.computeIfAbsent(g.keys().get(0), a -> new LinkedHashMap<>()).put(g.keys().get(1), g.totals());
        }
        return out;
    }

    /** One month of an agent's history: its usage per provider. */
    public record MonthUsage(YearMonth month, Map<String, UsageTotals> providers) {
        public UsageTotals total() {
            return providers.values().stream().reduce(UsageTotals.ZERO, UsageTotals::plus);
        }
    }

    /** The last {@code months} months (this one included), oldest first, months without usage included. */
    public List<MonthUsage> history(UsageFilter filter, int months) {
        YearMonth last = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
        YearMonth first = last.minusMonths(months - 1L);
        Map<String, Map<String, UsageTotals>> byMonth = new LinkedHashMap<>();
        for (UsageGroup g : ledger.monthly(List.of(UsageDimension.PROVIDER), filter, first, last)) {
            byMonth.computeIfAbsent(g.month(), m -> new LinkedHashMap<>()).put(g.key(), g.totals());
        }
        List<MonthUsage> out = new ArrayList<>();
        for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
            out.add(new MonthUsage(m, byMonth.getOrDefault(m.toString(), Map.of())));
        }
        return out;
    }

    private static Map<String, UsageTotals> byKey(List<UsageGroup> groups) {
        Map<String, UsageTotals> out = new LinkedHashMap<>();
        groups.forEach(g -> out.put(g.key(), g.totals()));
        return out;
    }
}
