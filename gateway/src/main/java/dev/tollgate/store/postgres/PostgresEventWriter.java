package dev.tollgate.store.postgres;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageTotals;
import dev.tollgate.store.jdbc.BatchedWriter;
import dev.tollgate.store.jdbc.Rollups;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stores one batch in one transaction of three statements, each one round trip whatever the batch's
 * size: the raw events as arrays ({@code INSERT ... SELECT FROM unnest(...) ON CONFLICT (id) DO NOTHING
 * RETURNING id}, so a replayed event is stored once), then, for the events actually inserted, their sums
 * into the hourly and the daily rollups ({@code ON CONFLICT ... DO UPDATE} adds to a row another batch
 * or instance wrote).
 *
 * <p>Many instances write the same rollup rows. Each statement upserts its rows sorted by the rollup key,
 * and every transaction does hourly before daily, so two writers always lock rows in the same order and
 * never deadlock; a batch that fails anyway (a serialization error, the database gone) rolls back whole
 * and is retried by the {@link BatchedWriter}.
 */
final class PostgresEventWriter implements BatchedWriter.Sink {

    private static final ArrayColumns<UsageEvent> EVENTS = new ArrayColumns<UsageEvent>()
            .text("id", UsageEvent::id).int8("ts_ms", e -> e.time().toEpochMilli()).text("request_id", UsageEvent::requestId)
            .text("org_id", UsageEvent::orgId).text("key_id", UsageEvent::keyId).text("agent", UsageEvent::agent)
            .text("feature", UsageEvent::feature).text("endpoint", UsageEvent::endpoint).text("source", UsageEvent::source)
            .text("provider", UsageEvent::provider).text("model", UsageEvent::model)
            .int8("input_tokens", e -> e.usage().inputTokens()).int8("output_tokens", e -> e.usage().outputTokens())
            .int8("cached_tokens", e -> e.usage().cachedTokens()).int8("cache_write_tokens", e -> e.usage().cacheWriteTokens())
            .int8("reasoning_tokens", e -> e.usage().reasoningTokens()).bool("estimated", e -> e.usage().estimated())
            .float8("cost_usd", UsageEvent::costUsd).bool("price_known", UsageEvent::priceKnown).float8("saved_usd", UsageEvent::savedUsd)
            .int8("latency_ms", UsageEvent::latencyMs).int8("ttft_ms", UsageEvent::firstTokenMs).int4("status", UsageEvent::status)
            .text("error_code", UsageEvent::errorCode).bool("stream", UsageEvent::stream).int4("attempts", UsageEvent::attempts)
            .text("cache_tier", UsageEvent::cacheTier).text("routing_reason", UsageEvent::routingReason)
            .float8("routing_free_cost_usd", UsageEvent::routingFreeCostUsd);

    private static final ArrayColumns<Map.Entry<Rollups.Key, UsageTotals>> ROLLUPS = new ArrayColumns<Map.Entry<Rollups.Key, UsageTotals>>()
            .int8("bucket_ms", r -> r.getKey().bucket()).text("org_id", r -> r.getKey().org()).text("key_id", r -> r.getKey().key())
            .text("agent", r -> r.getKey().agent()).text("feature", r -> r.getKey().feature())
            .text("provider", r -> r.getKey().provider()).text("model", r -> r.getKey().model())
            .int8("requests", r -> r.getValue().requests()).int8("errors", r -> r.getValue().errors())
            .int8("input_tokens", r -> r.getValue().inputTokens()).int8("output_tokens", r -> r.getValue().outputTokens())
            .int8("cached_tokens", r -> r.getValue().cachedTokens()).int8("cache_write_tokens", r -> r.getValue().cacheWriteTokens())
            .int8("reasoning_tokens", r -> r.getValue().reasoningTokens()).float8("cost_usd", r -> r.getValue().costUsd())
            .float8("saved_usd", r -> r.getValue().savedUsd()).int8("price_unknown", r -> r.getValue().priceUnknown())
            .int8("estimated", r -> r.getValue().estimated()).int8("latency_ms_sum", r -> r.getValue().latencyMsSum())
            .int8("refused", r -> r.getValue().refused())
            .int8("exact_hits", r -> r.getValue().cache().exactHits()).float8("exact_saved_usd", r -> r.getValue().cache().exactSavedUsd())
            .int8("semantic_hits", r -> r.getValue().cache().semanticHits())
            .float8("semantic_saved_usd", r -> r.getValue().cache().semanticSavedUsd())
            .int8("workflow_hits", r -> r.getValue().cache().workflowHits())
            .float8("workflow_saved_usd", r -> r.getValue().cache().workflowSavedUsd())
            .float8("routing_saved_usd", r -> r.getValue().routingSavedUsd());

    private static final String INSERT = "INSERT INTO usage_events (" + EVENTS.names() + ") SELECT * FROM " + EVENTS.unnest()
            + " ON CONFLICT (id) DO NOTHING RETURNING id";

    /** Sorted by the key, so concurrent writers lock rows in one order; sums are added to what is there. */
    private static final String UPSERT = "INSERT INTO %1$s (" + ROLLUPS.names() + ") SELECT * FROM " + ROLLUPS.unnest()
            + " ORDER BY 1, 2, 3, 4, 5, 6, 7 ON CONFLICT (bucket_ms, org_id, key_id, agent, feature, provider, model) DO UPDATE SET "
            + String.join(", ", java.util.stream.Stream.of("requests", "errors", "input_tokens", "output_tokens", "cached_tokens",
                    "cache_write_tokens", "reasoning_tokens", "cost_usd", "saved_usd", "price_unknown", "estimated", "latency_ms_sum", "refused",
                    "exact_hits", "exact_saved_usd", "semantic_hits", "semantic_saved_usd", "workflow_hits", "workflow_saved_usd",
                    "routing_saved_usd")
                    .map(c -> c + " = %1$s." + c + " + excluded." + c).toList());

    private final PostgresDatabase database;
    private Connection connection;

    PostgresEventWriter(PostgresDatabase database) {
        this.database = database;
    }

    @Override
    public void write(List<UsageEvent> batch) throws SQLException {
        Connection c = connection();
        try {
            boolean[] inserted = insertEvents(c, batch);
            Rollups rollups = Rollups.of(batch, inserted);
            upsert(c, "usage_hourly", rollups.hours());
            upsert(c, "usage_daily", rollups.days());
            c.commit();
        } catch (SQLException | RuntimeException e) {
            discard(c);
            throw e;
        }
    }

    /** The writer's own connection, taken again from the pool after a failure (the old one may be dead). */
    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = database.connection();
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private void discard(Connection c) {
        connection = null;
        try (c) {
            c.rollback();
        } catch (SQLException e) {
            // The connection is gone with its transaction; the pool replaces it and the batch is retried.
        }
    }

    /** Inserts the events; {@code [i]} is whether {@code batch.get(i)} was new (the first of its id). */
    private static boolean[] insertEvents(Connection c, List<UsageEvent> batch) throws SQLException {
        Set<String> returned = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement(INSERT)) {
            EVENTS.bind(c, s, batch);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    returned.add(rs.getString(1));
                }
            }
        }
        // unnest inserts in array order, so of two events with one id in a batch the first was stored.
        boolean[] inserted = new boolean[batch.size()];
        for (int i = 0; i < inserted.length; i++) {
            inserted[i] = returned.remove(batch.get(i).id());
        }
        return inserted;
    }

    private static void upsert(Connection c, String table, Map<Rollups.Key, UsageTotals> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(UPSERT.formatted(table))) {
            ROLLUPS.bind(c, s, List.copyOf(rows.entrySet()));
            s.executeUpdate();
        }
    }

    @Override
    public void close() throws SQLException {
        if (connection != null) {
            connection.close();
        }
    }
}
