package dev.tollgate.store.jdbc;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.FailureLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write side of a database ledger: one writer thread drains a queue and hands the events to a
 * {@link Sink} in batches of up to {@code maxBatch}, so request threads never wait for the database. A
 * failed batch is retried with backoff (the sink must store a batch whole or not at all, and idempotently)
 * and nothing queued is dropped; {@link #healthy()} reports the failure meanwhile.
 *
 * <p>The sink is opened on the writer thread, so start-up does other work meanwhile; {@link #opened()}
 * completes when it is open (or with the reason it cannot be). Appends queue up until then.
 */
public final class BatchedWriter {

    /** Stores one batch in one transaction, or nothing (then throws). Used by the writer thread only. */
    public interface Sink extends AutoCloseable {
        void write(List<UsageEvent> batch) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(BatchedWriter.class);

    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private final BlockingQueue<UsageEvent> queue = new LinkedBlockingQueue<>(1_000_000);
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong settled = new AtomicLong();
    private final AtomicLong failedWrites = new AtomicLong();
    private final Object progress = new Object();
    private final String what;
    private final int maxBatch;
    private final long lingerMillis;
    private final Thread writer;
    private volatile boolean running = true;
    private volatile boolean failing;
    private final FailureLog failureLog = new FailureLog();
    /** The open sink; replaced after a failed write. Writer thread only. */
    private Sink sink;

    /**
     * @param what     the ledger, for thread names and log lines ({@code postgres})
     * @param open     opens the sink, on the writer thread
     * @param maxBatch most events per batch
     * @param linger   how long to wait for more events when a batch is small: batches amortize each commit
     */
    public BatchedWriter(String what, Callable<Sink> open, int maxBatch, Duration linger) {
        this.what = what;
        this.maxBatch = maxBatch;
        this.lingerMillis = linger.toMillis();
        this.writer = Thread.ofPlatform().name("tollgate-ledger-writer-" + what).daemon(true).start(() -> run(open));
    }

    private void run(Callable<Sink> open) {
        try {
            sink = open.call();
        } catch (Exception e) {
            opened.completeExceptionally(e);
            return;
        }
        opened.complete(null);
        try {
            drain(open);
        } finally {
            closeSink();
        }
    }

    /** Completes once the sink is open; exceptionally when it cannot be opened. */
    public CompletableFuture<Void> opened() {
        return opened;
    }

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

    private void drain(Callable<Sink> open) {
        List<UsageEvent> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                UsageEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                if (batch.size() < maxBatch / 8 && running && lingerMillis > 0) {
                    Thread.sleep(lingerMillis);
                    queue.drainTo(batch, maxBatch - batch.size());
                }
                writeWithRetry(open, batch);
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
     * Writes the batch, retrying with backoff until it is stored (a full disk, a locked file, a database
     * outage). Each retry uses a freshly opened sink: after SQLITE_FULL an SQLite connection can refuse every
     * later transaction ("cannot rollback - no transaction is active"), so a writer that kept it would never
     * recover without a restart.
     */
    private void writeWithRetry(Callable<Sink> open, List<UsageEvent> batch) throws InterruptedException {
        long backoff = 50;
        while (true) {
            try {
                if (sink == null) {
                    sink = open.call();
                }
                sink.write(batch);
                if (failing && failureLog.recovered()) {
                    LOG.info("{} ledger writes recovered; {} held events stored", what, batch.size());
                }
                failing = false;
                return;
            } catch (Exception e) {
                failedWrites.incrementAndGet();
                if (!failing && failureLog.failed()) {
                    LOG.error("{} ledger write failed; {} events held and retried: {}", what, batch.size(), e.getMessage());
                } else if (!failing) {
                    LOG.debug("{} ledger write failed again; {} events held and retried: {}", what, batch.size(), e.getMessage());
                }
                failing = true;
                closeSink();
                if (!running) {
                    throw new InterruptedException("closing with unstored events; the journal keeps them");
                }
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    private void closeSink() {
        if (sink == null) {
            return;
        }
        try {
            sink.close();
        } catch (Exception e) {
            LOG.debug("closing the {} ledger's writer: {}", what, e.getMessage());
        }
        sink = null;
    }

    /** Waits until every event appended before this call is stored, at most {@code timeout}; returns whether they are. */
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

    /** Events appended and not yet stored (or given up): the writer's queue depth. */
    public long pending() {
        return Math.max(0, appended.get() - settled.get());
    }

    /** How many batch writes failed (and were retried) so far: a deadlock or an outage shows here. */
    public long failedWrites() {
        return failedWrites.get();
    }

    public boolean healthy() {
        return opened.isDone() && !opened.isCompletedExceptionally() && !failing && writer.isAlive();
    }

    /** Stores what is queued (for up to 10 s), then stops the writer. */
    public void close() {
        boolean stored = flush(Duration.ofSeconds(10));
        running = false;
        if (!stored) {
            LOG.warn("closing the {} ledger with events not yet stored; the journal replays them on the next start", what);
            writer.interrupt();
        }
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
