package dev.tollgate.alerts;

import dev.tollgate.config.AlertsConfig;
import dev.tollgate.model.Alert;
import dev.tollgate.model.TimeOrderedId;
import dev.tollgate.store.UsageDimension;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageGroup;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.UsageTotals;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks for spend spikes every {@code spike_check_seconds}, from the ledger's hourly rollups: for each org
 * and agent, and each org and feature, the spend of the current hour so far is compared with the average
 * hourly spend of the trailing window before it ({@code spike_trailing_hours}, 24 by default). Above
 * {@code spike_multiple} × that average it is a spike, alerted once per hour. Spend is cost in USD; where the
 * trailing window has no priced calls, tokens instead. A tag with no trailing spend has no average to
 * compare with and never spikes (a new agent is not a spike).
 */
public final class SpikeDetector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SpikeDetector.class);
    private static final List<UsageDimension> TAGS = List.of(UsageDimension.AGENT, UsageDimension.FEATURE);

    private final UsageLedger ledger;
    private final AlertRecorder recorder;
    private final AlertsConfig config;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    public SpikeDetector(UsageLedger ledger, AlertRecorder recorder, AlertsConfig config, Clock clock) {
        this.ledger = ledger;
        this.recorder = recorder;
        this.config = config;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("tollgate-spikes").factory());
    }

    /** Checks every {@code spike_check_seconds} from now on. */
    public SpikeDetector start() {
        long every = config.spikeCheckEvery().toMillis();
        timer.scheduleWithFixedDelay(this::checkSafely, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    private void checkSafely() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("spike check failed: {}", e.toString());
        }
    }

    /** Checks now; returns how many spikes were raised (already-raised ones included). */
    public int check() {
        Instant now = clock.instant();
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        Instant trailingFrom = hour.minus(config.spikeTrailing());
        double hours = config.spikeTrailing().toMinutes() / 60.0;
        int raised = 0;
        for (UsageDimension tag : TAGS) {
            List<UsageDimension> by = List.of(UsageDimension.ORG, tag);
            Map<List<String>, UsageTotals> trailing = new HashMap<>();
            ledger.breakdown(by, UsageFilter.ALL, trailingFrom, hour).forEach(g -> trailing.put(g.keys(), g.totals()));
            for (UsageGroup current : ledger.breakdown(by, UsageFilter.ALL, hour, hour.plus(Duration.ofHours(1)))) {
                if (current.keys().get(1).isEmpty()) {
                    continue;
                }
                UsageTotals before = trailing.get(current.keys());
                if (before != null && spike(current, before, hours, tag, hour, now)) {
                    raised++;
                }
            }
        }
        return raised;
    }

    private boolean spike(UsageGroup current, UsageTotals before, double hours, UsageDimension tag, Instant hour, Instant now) {
        boolean cost = before.costUsd() > 0;
        long spend = cost ? Math.round(current.totals().costUsd() * 1_000_000) : current.totals().totalTokens();
        double average = (cost ? before.costUsd() * 1_000_000 : before.totalTokens()) / hours;
        long threshold = (long) Math.ceil(average * config.spikeMultiple());
        if (average <= 0 || spend <= threshold) {
            return false;
        }
        String org = current.keys().get(0).isEmpty() ? null : current.keys().get(0);
        String name = tag.wireName();
        String value = current.keys().get(1);
        String metric = cost ? "cost_usd" : "tokens";
        String message = String.format(Locale.ROOT, "Spend spike: %s '%s' used %s this hour (since %s), %.1f× its hourly average of %s over the last %d h",
                name, value, figure(metric, spend), hour, spend / average, figure(metric, Math.round(average)), config.spikeTrailing().toHours());
        String dedup = "spike|" + org + "|" + name + "=" + value + "|" + hour.toEpochMilli();
        recorder.raise(new Alert("alert_" + TimeOrderedId.next(now.toEpochMilli()).toString().replace("-", ""), now, dedup, "spike",
                "warning", org, null, null, Map.of(name, value), metric, "hour", hour, spend, threshold, message));
        return true;
    }

    private static String figure(String metric, long value) {
        return metric.equals("cost_usd") ? String.format(Locale.ROOT, "$%.4f", value / 1_000_000.0) : value + " tokens";
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
