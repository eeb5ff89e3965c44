package dev.tollgate.store.journal;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageDimension;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageGroup;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.UsageTotals;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A ledger whose storage is down: it accepts events and stores none, and says so. */
final class FailingUsageLedger implements UsageLedger {

    private final AtomicInteger healthChecks = new AtomicInteger();

    @Override
    public void append(UsageEvent event) {
        // Held in a queue that never drains, as a ledger with an unreachable database does.
    }

    @Override
    public void flush() {
        // Returns at once with nothing stored, as SqliteUsageLedger does when its database could not open.
    }

    @Override
    public boolean flush(Duration timeout) {
        return false;
    }

    @Override
    public List<UsageEvent> recent(UsageFilter filter, int limit, java.util.Optional<String> before) {
        return List.of();
    }

    @Override
    public long count() {
        return 0;
    }

    @Override
    public UsageTotals totals(UsageFilter filter, Instant from, Instant to) {
        return UsageTotals.ZERO;
    }

    @Override
    public List<UsageGroup> breakdown(List<UsageDimension> by, UsageFilter filter, Instant from, Instant to) {
        return List.of();
    }

    @Override
    public List<UsageGroup> monthly(List<UsageDimension> by, UsageFilter filter, YearMonth from, YearMonth to) {
        return List.of();
    }

    @Override
    public long pruneBefore(Instant before) {
        return 0;
    }

    @Override
    public boolean healthy() {
        healthChecks.incrementAndGet();
        return false;
    }

    int healthChecks() {
        return healthChecks.get();
    }

    @Override
    public void close() {
        // Nothing was stored, nothing to release.
    }

    @Override
    public List<dev.tollgate.store.UsageBucket> series(UsageFilter filter, java.time.Instant from, java.time.Instant to,
                                                       java.time.temporal.ChronoUnit unit) {
        return List.of();
    }
}
