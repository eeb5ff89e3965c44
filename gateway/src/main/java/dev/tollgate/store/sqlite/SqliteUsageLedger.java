package dev.tollgate.store.sqlite;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageLedger;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage ledger in a SQLite file (WAL). One writer thread drains a queue and stores events in
 * batches of up to {@value #MAX_BATCH} per transaction, so request threads never wait for the disk.
 * A failed batch is retried with backoff and nothing queued is dropped; {@link #healthy()} reports the
 * failure meanwhile.
 */
public final class SqliteUsageLedger implements UsageLedger {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteUsageLedger.class);
    private static final int MAX_BATCH = 2_000;
    private static final String INSERT = """
            INSERT OR IGNORE INTO usage_events (id, ts_ms, request_id, org_id, key_id, agent, feature, endpoint,
              provider, model, input_tokens, output_tokens, cached_tokens, reasoning_tokens, estimated, cost_usd,
              price_known, latency_ms, ttft_ms, status, error_code, stream, attempts, cache_tier, routing_reason)
            VALUES (:id, :ts, :requestId, :org, :key, :agent, :feature, :endpoint, :provider, :model, :input, :output,
              :cached, :reasoning, :estimated, :cost, :priceKnown, :latency, :ttft, :status, :errorCode, :stream,
              :attempts, :cacheTier, :routingReason)
            """;

    private final Jdbi jdbi;
    private final Handle writerHandle;
    private final BlockingQueue<UsageEvent> queue = new LinkedBlockingQueue<>(1_000_000);
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong settled = new AtomicLong();
    private final Object progress = new Object();
    private final Thread writer;
    private volatile boolean running = true;
    private volatile boolean failing;

    public SqliteUsageLedger(Path file) {
        this.jdbi = SqliteDatabase.open(file);
        this.writerHandle = jdbi.open();
        this.writer = Thread.ofPlatform().name("tollgate-ledger-writer").daemon(true).start(this::drain);
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

    private void drain() {
        List<UsageEvent> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                UsageEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                writeWithRetry(batch);
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

    private void writeWithRetry(List<UsageEvent> batch) throws InterruptedException {
        long backoff = 50;
        while (true) {
            try {
                write(batch);
                if (failing) {
                    LOG.info("usage ledger writes recovered");
                }
                failing = false;
                return;
            } catch (RuntimeException e) {
                if (!failing) {
                    LOG.error("usage ledger write failed; {} events held and retried: {}", batch.size(), e.getMessage());
                }
                failing = true;
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    private void write(List<UsageEvent> batch) {
        writerHandle.useTransaction(h -> {
            PreparedBatch insert = h.prepareBatch(INSERT);
            for (UsageEvent e : batch) {
                Usage u = e.usage();
                insert.bind("id", e.id()).bind("ts", e.time().toEpochMilli()).bind("requestId", e.requestId())
                        .bind("org", e.orgId()).bind("key", e.keyId()).bind("agent", e.agent()).bind("feature", e.feature())
                        .bind("endpoint", e.endpoint()).bind("provider", e.provider()).bind("model", e.model())
                        .bind("input", u.inputTokens()).bind("output", u.outputTokens()).bind("cached", u.cachedTokens())
                        .bind("reasoning", u.reasoningTokens()).bind("estimated", u.estimated() ? 1 : 0)
                        .bind("cost", e.costUsd()).bind("priceKnown", e.priceKnown() ? 1 : 0)
                        .bind("latency", e.latencyMs()).bind("ttft", e.firstTokenMs()).bind("status", e.status())
                        .bind("errorCode", e.errorCode()).bind("stream", e.stream() ? 1 : 0).bind("attempts", e.attempts())
                        .bind("cacheTier", e.cacheTier()).bind("routingReason", e.routingReason())
                        .add();
            }
            insert.execute();
        });
    }

    @Override
    public void flush() {
        long target = appended.get();
        synchronized (progress) {
            while (settled.get() < target && writer.isAlive()) {
                try {
                    progress.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public List<UsageEvent> recent(int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM usage_events ORDER BY ts_ms DESC, rowid DESC LIMIT :limit")
                .bind("limit", limit)
                .map((rs, ctx) -> read(rs))
                .list());
    }

    @Override
    public long count() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM usage_events").mapTo(Long.class).one());
    }

    @Override
    public boolean healthy() {
        return !failing && writer.isAlive();
    }

    private static UsageEvent read(ResultSet rs) throws SQLException {
        Usage usage = new Usage(rs.getLong("input_tokens"), rs.getLong("output_tokens"), rs.getLong("cached_tokens"),
                rs.getLong("reasoning_tokens"), rs.getInt("estimated") == 1);
        return new UsageEvent(rs.getString("id"), Instant.ofEpochMilli(rs.getLong("ts_ms")), rs.getString("request_id"),
                rs.getString("org_id"), rs.getString("key_id"), rs.getString("agent"), rs.getString("feature"),
                rs.getString("endpoint"), rs.getString("provider"), rs.getString("model"), usage,
                rs.getDouble("cost_usd"), rs.getInt("price_known") == 1, rs.getLong("latency_ms"), rs.getLong("ttft_ms"),
                rs.getInt("status"), rs.getString("error_code"), rs.getInt("stream") == 1, rs.getInt("attempts"),
                rs.getString("cache_tier"), rs.getString("routing_reason"));
    }

    @Override
    public void close() {
        flush();
        running = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writerHandle.close();
    }
}
