package dev.tollgate.store;

import dev.tollgate.model.UsageEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The append-only record of every call, with rollups for analytics. {@link #append} never blocks on
 * storage: events are written in batches by the implementation. Idempotent by event id: appending an
 * event twice stores it, and counts it in the rollups, once.
 *
 * <p>Period queries read the rollups: a period is widened to whole hours (whole UTC days when both ends
 * fall on midnight), so analytics never scan raw events.
 */
public interface UsageLedger extends AutoCloseable {

    /** Queues an event for storage. Thread-safe; returns at once. */
    void append(UsageEvent event);

    /** Blocks until every event appended before this call is stored. */
    void flush();

    /** Like {@link #flush()}, but gives up after {@code timeout}; returns whether everything was stored. */
    boolean flush(Duration timeout);

    /** The newest events matching {@code filter}, newest first. */
    default List<UsageEvent> recent(UsageFilter filter, int limit) {
        return recent(filter, limit, Optional.empty());
    }

    /**
     * One page of {@link #recent(UsageFilter, int)}: with {@code before}, the events that come after the
     * event of that id in the newest-first listing (the last one of the previous page), so pages never
     * repeat or skip an event while new ones arrive. A keyset read: as fast for page 1,000 as for page 1.
     *
     * @throws IllegalArgumentException when no stored event has the id {@code before} (or it was pruned)
     */
    List<UsageEvent> recent(UsageFilter filter, int limit, Optional<String> before);

    default List<UsageEvent> recent(int limit) {
        return recent(UsageFilter.ALL, limit);
    }

    /** How many raw events are stored. */
    long count();

    /** Totals of the calls in {@code [from, to)} matching {@code filter}. */
    UsageTotals totals(UsageFilter filter, Instant from, Instant to);

    /** Totals per combination of values of {@code by} (one or more dimensions), largest cost first. */
    List<UsageGroup> breakdown(List<UsageDimension> by, UsageFilter filter, Instant from, Instant to);

    default List<UsageGroup> breakdown(UsageDimension by, UsageFilter filter, Instant from, Instant to) {
        return breakdown(List.of(by), filter, from, to);
    }

    /**
     * Totals per hour or per UTC day ({@code unit} {@link ChronoUnit#HOURS} or {@link ChronoUnit#DAYS}) of
     * {@code [from, to)}, widened as {@link #totals} widens it, oldest first; buckets without calls are left
     * out. The buckets add up to {@link #totals} of the same period.
     */
    List<UsageBucket> series(UsageFilter filter, Instant from, Instant to, ChronoUnit unit);

    /** Totals per UTC month in {@code [from, to]} and combination of values of {@code by}, oldest month first. */
    List<UsageGroup> monthly(List<UsageDimension> by, UsageFilter filter, YearMonth from, YearMonth to);

    /** Deletes raw events older than {@code before}; rollups stay. Returns how many were deleted. */
    long pruneBefore(Instant before);

    /** Whether the ledger can currently store events (for {@code /ready}). */
    boolean healthy();

    /** What is accepted but not yet stored (the metrics' ledger queue depth and journal lag). */
    default LedgerBacklog backlog() {
        return LedgerBacklog.NONE;
    }

    /** Stores what is queued (for a bounded time), then releases resources. */
    @Override
    void close();
}
