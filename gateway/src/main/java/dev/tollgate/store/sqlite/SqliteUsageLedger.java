package dev.tollgate.store.sqlite;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.FailureLog;
import dev.tollgate.store.UsageDimension;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageGroup;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.UsageTotals;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.sql.SQLException;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage ledger in a SQLite file (WAL). One writer thread drains a queue and stores events in
 * batches of up to {@value #MAX_BATCH} per transaction, rollups included, so request threads never wait
 * for the disk. A failed batch is retried with backoff and nothing queued is dropped; {@link #healthy()}
 * reports the failure meanwhile.
 *
 * <p>The file is opened and migrated on the writer thread, so start-up does other work meanwhile;
 * {@link #awaitOpen()} waits for it and reports a file that cannot be opened. Appends queue up until then.
 */
public final class SqliteUsageLedger implements UsageLedger {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteUsageLedger.class);
    private static final int MAX_BATCH = 16_000;

    /** How long the writer waits for more events when a batch is small, by default: batches amortize each commit. */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(5);

    private final CompletableFuture<Jdbi> database = new CompletableFuture<>();
    private final BlockingQueue<UsageEvent> queue = new LinkedBlockingQueue<>(1_000_000);
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong settled = new AtomicLong();
    private final Object progress = new Object();
    private final Thread writer;
    private volatile SqliteUsageReader reader;
    /** The writer thread's connection and statements; replaced after a failed write. */
    private SqliteEventWriter events;
    private volatile boolean running = true;
    private volatile boolean failing;
    private final FailureLog failureLog = new FailureLog();
    private final long lingerMillis;

    public SqliteUsageLedger(Path file) {
        this(file, DEFAULT_LINGER);
    }

    public SqliteUsageLedger(Path file, Duration linger) {
        this(SqliteDatabase.openAsync(file), linger);
    }

    /** A ledger on a database another part also uses; it waits for {@code db} on its writer thread. */
    public SqliteUsageLedger(CompletableFuture<Jdbi> db, Duration linger) {
        this.lingerMillis = linger.toMillis();
        this.writer = Thread.ofPlatform().name("tollgate-ledger-writer").daemon(true).start(() -> {
            Jdbi jdbi;
            try {
                jdbi = db.join();
                events = new SqliteEventWriter(jdbi.open().getConnection());
                reader = new SqliteUsageReader(jdbi);
                database.complete(jdbi);
            } catch (CompletionException e) {
                database.completeExceptionally(e.getCause());
                return;
            } catch (RuntimeException | SQLException e) {
                database.completeExceptionally(e);
                return;
            }
            try {
                drain(jdbi);
            } finally {
                closeWriter();
            }
        });
    }

    /** Waits until the file is open and migrated; throws when it cannot be. */
    public SqliteUsageLedger awaitOpen() {
        try {
            database.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return this;
    }

    private SqliteUsageReader reader() {
        awaitOpen();
        return reader;
    }

    @Override
    public void append(UsageEvent event) {
        // Counted before it is queued, so the writer can never settle an event flush() does not yet wait for.
        appended.incrementAndGet();
        try {
            queue.put(event);
        } catch (InterruptedException e) {
            appended.decrementAndGet();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing a usage event", e);
        }
    }

    private void drain(Jdbi jdbi) {
        List<UsageEvent> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                UsageEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                if (batch.size() < MAX_BATCH / 8 && running && lingerMillis > 0) {
                    Thread.sleep(lingerMillis);
                    queue.drainTo(batch, MAX_BATCH - batch.size());
                }
                writeWithRetry(jdbi, batch);
                settled.addAndGet(batch.size());
                batch.clear();
                synchronized (progress) {
                    progress.notifyAll();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Writes the batch, retrying with backoff until it is stored (a full disk, a locked file). Each retry
     * uses a fresh connection: after SQLITE_FULL the old one can refuse every later transaction
     * ("cannot rollback - no transaction is active"), so the writer would never recover without a restart.
     */
    private void writeWithRetry(Jdbi jdbi, List<UsageEvent> batch) throws InterruptedException {
        long backoff = 50;
        while (true) {
            try {
                if (events == null) {
                    events = new SqliteEventWriter(jdbi.open().getConnection());
                }
                events.write(batch);
                if (failing && failureLog.recovered()) {
                    LOG.info("usage ledger writes recovered; {} held events stored", batch.size());
                }
                failing = false;
                return;
            } catch (SQLException | RuntimeException e) {
                if (!failing && failureLog.failed()) {
                    LOG.error("usage ledger write failed; {} events held and retried: {}", batch.size(), e.getMessage());
                } else if (!failing) {
                    LOG.debug("usage ledger write failed again; {} events held and retried: {}", batch.size(), e.getMessage());
                }
                failing = true;
                closeWriter();
                if (!running) {
                    throw new InterruptedException("closing with unstored events; the journal keeps them");
                }
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 1_000);
            }
        }
    }

    private void closeWriter() {
        if (events == null) {
            return;
        }
        try {
            events.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("closing the ledger's writer connection: {}", e.getMessage());
        }
        events = null;
    }

    @Override
    public void flush() {
        flush(Duration.ofDays(365));
    }

    @Override
    public boolean flush(Duration timeout) {
        long target = appended.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (settled.get() < target && writer.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    progress.wait(Math.min(50, Math.max(1, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return settled.get() >= target;
    }

    @Override
    public List<UsageEvent> recent(UsageFilter filter, int limit) {
        return reader().recent(filter, limit);
    }

    @Override
    public long count() {
        return reader().count();
    }

    @Override
    public UsageTotals totals(UsageFilter filter, Instant from, Instant to) {
        return reader().totals(filter, from, to);
    }

    @Override
    public List<UsageGroup> breakdown(List<UsageDimension> by, UsageFilter filter, Instant from, Instant to) {
        return reader().breakdown(by, filter, from, to);
    }

    @Override
    public List<UsageGroup> monthly(List<UsageDimension> by, UsageFilter filter, YearMonth from, YearMonth to) {
        return reader().monthly(by, filter, from, to);
    }

    @Override
    public long pruneBefore(Instant before) {
        awaitOpen();
        return database.join().withHandle(h -> (long) h.createUpdate("DELETE FROM usage_events WHERE ts_ms < :before")
                .bind("before", before.toEpochMilli()).execute());
    }

    @Override
    public boolean healthy() {
        return database.isDone() && !database.isCompletedExceptionally() && !failing && writer.isAlive();
    }

    @Override
    public void close() {
        boolean stored = flush(Duration.ofSeconds(10));
        running = false;
        if (!stored) {
            LOG.warn("closing the usage ledger with events not yet stored; the journal replays them on the next start");
            writer.interrupt();
        }
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
