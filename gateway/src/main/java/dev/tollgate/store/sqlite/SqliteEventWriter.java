package dev.tollgate.store.sqlite;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageBuckets;
import dev.tollgate.store.UsageTotals;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Stores one batch in one transaction: the raw events ({@code INSERT OR IGNORE}, so a replayed event is
 * stored once) and, for the events actually inserted, their sums into the hourly and daily rollups.
 */
final class SqliteEventWriter {

    private static final String INSERT = """
            INSERT OR IGNORE INTO usage_events (id, ts_ms, request_id, org_id, key_id, agent, feature, endpoint, source,
              provider, model, input_tokens, output_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, estimated,
              cost_usd, price_known, saved_usd, latency_ms, ttft_ms, status, error_code, stream, attempts, cache_tier,
              routing_reason)
            VALUES (:id, :ts, :requestId, :org, :key, :agent, :feature, :endpoint, :source, :provider, :model, :input,
              :output, :cached, :cacheWrite, :reasoning, :estimated, :cost, :priceKnown, :saved, :latency, :ttft, :status,
              :errorCode, :stream, :attempts, :cacheTier, :routingReason)
            """;
    private static final String UPSERT = """
            INSERT INTO %s (bucket_ms, org_id, key_id, agent, feature, provider, model, requests, errors, input_tokens,
              output_tokens, cached_tokens, cache_write_tokens, reasoning_tokens, cost_usd, saved_usd, price_unknown,
              estimated, latency_ms_sum)
            VALUES (:bucket, :org, :key, :agent, :feature, :provider, :model, :requests, :errors, :input, :output, :cached,
              :cacheWrite, :reasoning, :cost, :saved, :priceUnknown, :estimated, :latency)
            ON CONFLICT (bucket_ms, org_id, key_id, agent, feature, provider, model) DO UPDATE SET
              requests = requests + excluded.requests, errors = errors + excluded.errors,
              input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
              cached_tokens = cached_tokens + excluded.cached_tokens,
              cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
              reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens, cost_usd = cost_usd + excluded.cost_usd,
              saved_usd = saved_usd + excluded.saved_usd, price_unknown = price_unknown + excluded.price_unknown,
              estimated = estimated + excluded.estimated, latency_ms_sum = latency_ms_sum + excluded.latency_ms_sum
            """;

    /** The rollup row an event adds to. */
    private record RollupKey(long bucket, String org, String key, String agent, String feature, String provider, String model) {
        static RollupKey of(long bucket, UsageEvent e) {
            return new RollupKey(bucket, tag(e.orgId()), tag(e.keyId()), tag(e.agent()), tag(e.feature()), tag(e.provider()), tag(e.model()));
        }
    }

    void write(Handle h, List<UsageEvent> batch) {
        PreparedBatch insert = h.prepareBatch(INSERT);
        for (UsageEvent e : batch) {
            bindEvent(insert, e).add();
        }
        int[] inserted = insert.execute();
        Map<RollupKey, UsageTotals> hourly = new LinkedHashMap<>();
        Map<RollupKey, UsageTotals> daily = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            if (inserted[i] == 0) {
                continue;
            }
            UsageEvent e = batch.get(i);
            UsageTotals t = UsageTotals.of(e);
            hourly.merge(RollupKey.of(UsageBuckets.hour(e.time()), e), t, UsageTotals::plus);
            daily.merge(RollupKey.of(UsageBuckets.day(e.time()), e), t, UsageTotals::plus);
        }
        upsert(h, "usage_hourly", hourly);
        upsert(h, "usage_daily", daily);
    }

    private static void upsert(Handle h, String table, Map<RollupKey, UsageTotals> rows) {
        if (rows.isEmpty()) {
            return;
        }
        PreparedBatch upsert = h.prepareBatch(UPSERT.formatted(table));
        rows.forEach((k, t) -> upsert.bind("bucket", k.bucket()).bind("org", k.org()).bind("key", k.key())
                .bind("agent", k.agent()).bind("feature", k.feature()).bind("provider", k.provider()).bind("model", k.model())
                .bind("requests", t.requests()).bind("errors", t.errors()).bind("input", t.inputTokens())
                .bind("output", t.outputTokens()).bind("cached", t.cachedTokens()).bind("cacheWrite", t.cacheWriteTokens())
                .bind("reasoning", t.reasoningTokens()).bind("cost", t.costUsd()).bind("saved", t.savedUsd())
                .bind("priceUnknown", t.priceUnknown()).bind("estimated", t.estimated()).bind("latency", t.latencyMsSum())
                .add());
        upsert.execute();
    }

    private static PreparedBatch bindEvent(PreparedBatch b, UsageEvent e) {
        Usage u = e.usage();
        return b.bind("id", e.id()).bind("ts", e.time().toEpochMilli()).bind("requestId", e.requestId())
                .bind("org", e.orgId()).bind("key", e.keyId()).bind("agent", e.agent()).bind("feature", e.feature())
                .bind("endpoint", e.endpoint()).bind("source", e.source()).bind("provider", e.provider()).bind("model", e.model())
                .bind("input", u.inputTokens()).bind("output", u.outputTokens()).bind("cached", u.cachedTokens())
                .bind("cacheWrite", u.cacheWriteTokens()).bind("reasoning", u.reasoningTokens())
                .bind("estimated", u.estimated() ? 1 : 0).bind("cost", e.costUsd()).bind("priceKnown", e.priceKnown() ? 1 : 0)
                .bind("saved", e.savedUsd()).bind("latency", e.latencyMs()).bind("ttft", e.firstTokenMs())
                .bind("status", e.status()).bind("errorCode", e.errorCode()).bind("stream", e.stream() ? 1 : 0)
                .bind("attempts", e.attempts()).bind("cacheTier", e.cacheTier()).bind("routingReason", e.routingReason());
    }

    static String tag(String value) {
        return value == null ? "" : value;
    }
}
