package dev.tollgate.store.sqlite;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageTotals;
import dev.tollgate.store.jdbc.BatchedWriter;
import dev.tollgate.store.jdbc.Rollups;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;

/**
 * Stores one batch in one transaction: the raw events ({@code INSERT OR IGNORE}, so a replayed event is
 * stored once) and, for the events actually inserted, their sums into the hourly and daily rollups.
 *
 * <p>Owned by the single writer thread: the statements are prepared once on its connection and reused,
 * since compiling SQL per batch would cost more than the inserts themselves.
 */
final class SqliteEventWriter implements BatchedWriter.Sink {

    private static final String INSERT = """
            INSERT OR IGNORE INTO usage_events (id, ts_ms, request_id, org_id, key_id, agent, feature, endpoint, source,
              provider, model, input_tokens, output_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, estimated,
              cost_usd, price_known, saved_usd, latency_ms, ttft_ms, status, error_code, stream, attempts, cache_tier,
              routing_reason, routing_free_cost_usd)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;
    private static final String UPSERT = """
            INSERT INTO %s (bucket_ms, org_id, key_id, agent, feature, provider, model, requests, errors, input_tokens,
              output_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, cost_usd, saved_usd, price_unknown,
              estimated, latency_ms_sum, refused, exact_hits, exact_saved_usd, semantic_hits, semantic_saved_usd, workflow_hits,
              workflow_saved_usd, routing_saved_usd)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (bucket_ms, org_id, key_id, agent, feature, provider, model) DO UPDATE SET
              requests = requests + excluded.requests, errors = errors + excluded.errors,
              input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
              cached_tokens = cached_tokens + excluded.cached_tokens,
              cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
              reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens, cost_usd = cost_usd + excluded.cost_usd,
              saved_usd = saved_usd + excluded.saved_usd, price_unknown = price_unknown + excluded.price_unknown,
              estimated = estimated + excluded.estimated, latency_ms_sum = latency_ms_sum + excluded.latency_ms_sum,
              refused = refused + excluded.refused,
              exact_hits = exact_hits + excluded.exact_hits, exact_saved_usd = exact_saved_usd + excluded.exact_saved_usd,
              semantic_hits = semantic_hits + excluded.semantic_hits,
              semantic_saved_usd = semantic_saved_usd + excluded.semantic_saved_usd,
              workflow_hits = workflow_hits + excluded.workflow_hits,
              workflow_saved_usd = workflow_saved_usd + excluded.workflow_saved_usd,
              routing_saved_usd = routing_saved_usd + excluded.routing_saved_usd
            """;

    private final Connection connection;
    private final PreparedStatement insert;
    private final PreparedStatement hourly;
    private final PreparedStatement daily;

    SqliteEventWriter(Connection connection) throws SQLException {
        this.connection = connection;
        try (var pragma = connection.createStatement()) {
            // Checkpoint (copy the WAL into the database, with an fsync) every ~40 MB of WAL, not every 4 MB.
            pragma.execute("PRAGMA wal_autocheckpoint = 10000");
        }
        connection.setAutoCommit(false);
        this.insert = connection.prepareStatement(INSERT);
        this.hourly = connection.prepareStatement(UPSERT.formatted("usage_hourly"));
        this.daily = connection.prepareStatement(UPSERT.formatted("usage_daily"));
    }

    /**
     * Stores the batch, or nothing: on failure the transaction is rolled back and the exception thrown.
     * After a failure the connection's state is not to be trusted (the driver and SQLite may disagree on
     * whether a transaction is open): the batched writer replaces this writer with a new one.
     */
    @Override
    public void write(List<UsageEvent> batch) throws SQLException {
        try {
            for (UsageEvent e : batch) {
                bindEvent(e);
                insert.addBatch();
            }
            int[] counts = insert.executeBatch();
            boolean[] inserted = new boolean[counts.length];
            for (int i = 0; i < counts.length; i++) {
                inserted[i] = counts[i] != 0;
            }
            Rollups rollups = Rollups.of(batch, inserted);
            upsert(hourly, rollups.hours());
            upsert(daily, rollups.days());
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL): the rollback may then
            // fail with "no transaction is active", which must not hide why the write failed.
            try {
                insert.clearBatch();
                hourly.clearBatch();
                daily.clearBatch();
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    private static void upsert(PreparedStatement s, Map<Rollups.Key, UsageTotals> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        for (var row : rows.entrySet()) {
            Rollups.Key k = row.getKey();
            UsageTotals t = row.getValue();
            s.setLong(1, k.bucket());
            s.setString(2, k.org());
            s.setString(3, k.key());
            s.setString(4, k.agent());
            s.setString(5, k.feature());
            s.setString(6, k.provider());
            s.setString(7, k.model());
            s.setLong(8, t.requests());
            s.setLong(9, t.errors());
            s.setLong(10, t.inputTokens());
            s.setLong(11, t.outputTokens());
            s.setLong(12, t.cachedTokens());
            s.setLong(13, t.cacheWriteTokens());
            s.setLong(14, t.reasoningTokens());
            s.setDouble(15, t.costUsd());
            s.setDouble(16, t.savedUsd());
            s.setLong(17, t.priceUnknown());
            s.setLong(18, t.estimated());
            s.setLong(19, t.latencyMsSum());
            s.setLong(20, t.refused());
            s.setLong(21, t.cache().exactHits());
            s.setDouble(22, t.cache().exactSavedUsd());
            s.setLong(23, t.cache().semanticHits());
            s.setDouble(24, t.cache().semanticSavedUsd());
            s.setLong(25, t.cache().workflowHits());
            s.setDouble(26, t.cache().workflowSavedUsd());
            s.setDouble(27, t.routingSavedUsd());
            s.addBatch();
        }
        s.executeBatch();
    }

    private void bindEvent(UsageEvent e) throws SQLException {
        Usage u = e.usage();
        PreparedStatement s = insert;
        s.setString(1, e.id());
        s.setLong(2, e.time().toEpochMilli());
        s.setString(3, e.requestId());
        text(s, 4, e.orgId());
        text(s, 5, e.keyId());
        text(s, 6, e.agent());
        text(s, 7, e.feature());
        s.setString(8, e.endpoint());
        s.setString(9, e.source());
        text(s, 10, e.provider());
        text(s, 11, e.model());
        s.setLong(12, u.inputTokens());
        s.setLong(13, u.outputTokens());
        s.setLong(14, u.cachedTokens());
        s.setLong(15, u.cacheWriteTokens());
        s.setLong(16, u.reasoningTokens());
        s.setInt(17, u.estimated() ? 1 : 0);
        s.setDouble(18, e.costUsd());
        s.setInt(19, e.priceKnown() ? 1 : 0);
        s.setDouble(20, e.savedUsd());
        s.setLong(21, e.latencyMs());
        s.setLong(22, e.firstTokenMs());
        s.setInt(23, e.status());
        text(s, 24, e.errorCode());
        s.setInt(25, e.stream() ? 1 : 0);
        s.setInt(26, e.attempts());
        s.setString(27, e.cacheTier());
        text(s, 28, e.routingReason());
        s.setDouble(29, e.routingFreeCostUsd());
    }

    private static void text(PreparedStatement s, int index, String value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.VARCHAR);
        } else {
            s.setString(index, value);
        }
    }

    @Override
    public void close() throws SQLException {
        insert.close();
        hourly.close();
        daily.close();
        connection.close();
    }
}
