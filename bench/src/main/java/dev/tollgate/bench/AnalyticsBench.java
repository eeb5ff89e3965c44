package dev.tollgate.bench;

import dev.tollgate.store.UsageDimension;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.sqlite.SqliteUsageLedger;
import dev.tollgate.usage.UsagePeriod;
import dev.tollgate.usage.UsageReports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Latency of every analytics query over a ledger holding {@code events} usage events spread over the
 * last {@code days} days. Fills the ledger first unless it already holds them (reuse {@code dir}).
 *
 * <p>Usage: {@code AnalyticsBench [events=10000000] [days=35] [dir=/tmp/tollgate-analytics-bench] [runs=15]}
 */
public final class AnalyticsBench {

    private AnalyticsBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        int days = args.length > 1 ? Integer.parseInt(args[1]) : 35;
        Path dir = Path.of(args.length > 2 ? args[2] : "/tmp/tollgate-analytics-bench");
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        Files.createDirectories(dir);
        Instant now = Instant.now();
        try (SqliteUsageLedger ledger = new SqliteUsageLedger(dir.resolve("tollgate.db"), Duration.ZERO).awaitOpen()) {
            fillUpTo(ledger, events, days, dir, now);
            UsageReports reports = new UsageReports(ledger, Clock.fixed(now, java.time.ZoneOffset.UTC));
            UsageFilter all = UsageFilter.ALL;
            Map<String, Supplier<Object>> queries = new LinkedHashMap<>();
            queries.put("cost-summary period=24h", () -> reports.summary(all, UsagePeriod.parse("24h", now)));
            queries.put("cost-summary period=30d", () -> reports.summary(all, UsagePeriod.parse("30d", now)));
            queries.put("cost-summary period=month", () -> reports.summary(all, UsagePeriod.parse("month", now)));
            queries.put("breakdown by=agent period=30d", () -> reports.breakdown(UsageDimension.AGENT, all, UsagePeriod.parse("30d", now)));
            queries.put("breakdown by=key period=30d org", () -> reports.breakdown(UsageDimension.KEY, all.withOrg("org-1"), UsagePeriod.parse("30d", now)));
            queries.put("forecast", () -> reports.forecast(all));
            queries.put("token-usage summary (month, agent x provider)", () -> reports.monthByAgentAndProvider(all));
            queries.put("history agent months=6", () -> reports.history(all.withAgent("agent-7"), 6));
            queries.put("recent-inferences limit=50", () -> ledger.recent(all, 50));
            queries.put("recent-inferences limit=50 agent=agent-7", () -> ledger.recent(all.withAgent("agent-7"), 50));
            queries.put("governance usage org period=month", () -> reports.summary(all.withOrg("org-2"), UsagePeriod.parse("month", now)));
            for (var q : queries.entrySet()) {
                long[] us = new long[runs];
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    q.getValue().get();
                    us[i] = (System.nanoTime() - t0) / 1_000;
                }
                long first = us[0];
                Arrays.sort(us);
                System.out.printf("%-48s p50 %7.1f ms   max %7.1f ms   first run %7.1f ms%n", q.getKey(), us[runs / 2] / 1000.0,
                        us[runs - 1] / 1000.0, first / 1000.0);
            }
        }
    }

    /** Fills the ledger up to {@code events} events over the last {@code days} days (unless it holds them) and says what it holds. */
    static void fillUpTo(SqliteUsageLedger ledger, int events, int days, Path dir, Instant now) throws java.io.IOException {
        long have = ledger.count();
        if (have < events) {
            fill(ledger, events - (int) have, days, now);
        }
        System.out.printf("ledger holds %d events over %d days (%s, %.1f GB)%n", ledger.count(), days, dir,
                Files.size(dir.resolve("tollgate.db")) / 1e9);
    }

    private static void fill(SqliteUsageLedger ledger, int missing, int days, Instant now) {
        long start = System.nanoTime();
        int chunk = 200_000;
        for (int done = 0; done < missing; done += chunk) {
            int n = Math.min(chunk, missing - done);
            LedgerBench.Generator.events(n, 1_000 + done, now, Duration.ofDays(days)).forEach(ledger::append);
            ledger.flush();
        }
        System.out.printf("filled %d events in %.0f s%n", missing, (System.nanoTime() - start) / 1e9);
    }
}
