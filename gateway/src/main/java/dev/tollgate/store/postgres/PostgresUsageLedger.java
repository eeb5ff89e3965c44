package dev.tollgate.store.postgres;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageBucket;
import dev.tollgate.store.UsageDimension;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageGroup;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.UsageTotals;
import dev.tollgate.store.jdbc.BatchedWriter;
import dev.tollgate.store.jdbc.JdbcUsageReader;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The usage ledger in PostgreSQL, shared by every gateway instance. Appends queue up and one writer
 * thread stores them in batches of up to {@value #MAX_BATCH}, each one transaction with its rollups
 * ({@link PostgresEventWriter}); reads come from the rollups like SQLite's ({@link JdbcUsageReader}).
 * Idempotent by event id, so the journal in front of it can replay after a crash or an outage: while the
 * database is unreachable, batches are retried with backoff and {@link #healthy()} is false.
 */
public final class PostgresUsageLedger implements UsageLedger {

    static final int MAX_BATCH = 10_000;

    private final PostgresDatabase database;
    private final JdbcUsageReader reader;
    private final BatchedWriter writer;

    public PostgresUsageLedger(PostgresDatabase database, Duration linger) {
        this.database = database;
        this.reader = new JdbcUsageReader(database.jdbi(), JdbcUsageReader.Dialect.POSTGRES);
        this.writer = new BatchedWriter("postgres", () -> new PostgresEventWriter(database), MAX_BATCH, linger);
    }

    @Override
    public void append(UsageEvent event) {
        writer.append(event);
    }

    @Override
    public void flush() {
        writer.flush(Duration.ofDays(365));
    }

    @Override
    public boolean flush(Duration timeout) {
        return writer.flush(timeout);
    }

    @Override
    public List<UsageEvent> recent(UsageFilter filter, int limit, Optional<String> before) {
        return reader.recent(filter, limit, before);
    }

    @Override
    public List<UsageBucket> series(UsageFilter filter, Instant from, Instant to, ChronoUnit unit) {
        return reader.series(filter, from, to, unit);
    }

    @Override
    public long count() {
        return reader.count();
    }

    @Override
    public UsageTotals totals(UsageFilter filter, Instant from, Instant to) {
        return reader.totals(filter, from, to);
    }

    @Override
    public List<UsageGroup> breakdown(List<UsageDimension> by, UsageFilter filter, Instant from, Instant to) {
        return reader.breakdown(by, filter, from, to);
    }

    @Override
    public List<UsageGroup> monthly(List<UsageDimension> by, UsageFilter filter, YearMonth from, YearMonth to) {
        return reader.monthly(by, filter, from, to);
    }

    @Override
    public long pruneBefore(Instant before) {
        return database.jdbi().withHandle(h -> (long) h.createUpdate("DELETE FROM usage_events WHERE ts_ms < :before")
                .bind("before", before.toEpochMilli()).execute());
    }

    @Override
    public boolean healthy() {
        return writer.healthy();
    }

    @Override
    public dev.tollgate.store.LedgerBacklog backlog() {
        return new dev.tollgate.store.LedgerBacklog(writer.pending(), 0, 0);
    }

    /** Batch writes that failed and were retried so far (a deadlock between instances would count here). */
    long failedWrites() {
        return writer.failedWrites();
    }

    /** Stores what is queued (for a bounded time); the database itself belongs to whoever opened it. */
    @Override
    public void close() {
        writer.close();
    }
}
