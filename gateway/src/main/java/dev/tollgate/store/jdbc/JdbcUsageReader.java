package dev.tollgate.store.jdbc;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.CacheTotals;
import dev.tollgate.store.UsageBucket;
import dev.tollgate.store.UsageBuckets;
import dev.tollgate.store.UsageDimension;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageGroup;
import dev.tollgate.store.UsageTotals;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * A SQL ledger's reads, for SQLite and PostgreSQL alike: periods from the rollups, recent calls from the
 * raw events. The two databases differ in how a bucket becomes a month and in what orders calls of the
 * same millisecond by arrival; a {@link Dialect} says which. Every statement is built from the enum's
 * column names and bound parameters, never from input.
 */
public final class JdbcUsageReader {

    /**
     * What differs between the databases.
     *
     * @param monthOfBucket SQL turning {@code bucket_ms} into its UTC month ({@code 2026-11})
     * @param arrival       the column that orders raw events of one millisecond by arrival
     */
    public record Dialect(String monthOfBucket, String arrival) {

        public static final Dialect SQLITE = new Dialect("strftime('%Y-%m', bucket_ms / 1000, 'unixepoch')", "rowid");
        public static final Dialect POSTGRES = new Dialect("to_char(to_timestamp(bucket_ms / 1000) AT TIME ZONE 'UTC', 'YYYY-MM')", "seq");
    }

    private static final String SUMS = """
            coalesce(sum(requests),0) AS requests, coalesce(sum(errors),0) AS errors,
            coalesce(sum(input_tokens),0) AS input_tokens, coalesce(sum(output_tokens),0) AS output_tokens,
            coalesce(sum(cached_tokens),0) AS cached_tokens, coalesce(sum(cache_write_tokens),0) AS cache_write_tokens,
            coalesce(sum(reasoning_tokens),0) AS reasoning_tokens, coalesce(sum(cost_usd),0) AS cost_usd,
            coalesce(sum(saved_usd),0) AS saved_usd, coalesce(sum(price_unknown),0) AS price_unknown,
            coalesce(sum(estimated),0) AS estimated, coalesce(sum(latency_ms_sum),0) AS latency_ms_sum,
            coalesce(sum(refused),0) AS refused,
            coalesce(sum(exact_hits),0) AS exact_hits, coalesce(sum(exact_saved_usd),0) AS exact_saved_usd,
            coalesce(sum(semantic_hits),0) AS semantic_hits, coalesce(sum(semantic_saved_usd),0) AS semantic_saved_usd,
            coalesce(sum(workflow_hits),0) AS workflow_hits, coalesce(sum(workflow_saved_usd),0) AS workflow_saved_usd,
            coalesce(sum(routing_saved_usd),0) AS routing_saved_usd
            """;

    private static final String RAW = "requests, errors, input_tokens, output_tokens, cached_tokens, cache_write_tokens, "
            + "reasoning_tokens, cost_usd, saved_usd, price_unknown, estimated, latency_ms_sum, refused, "
            + "exact_hits, exact_saved_usd, semantic_hits, semantic_saved_usd, workflow_hits, workflow_saved_usd, routing_saved_usd";

    private final Jdbi jdbi;
    private final Dialect dialect;

    public JdbcUsageReader(Jdbi jdbi, Dialect dialect) {
        this.jdbi = jdbi;
        this.dialect = dialect;
    }

    public UsageTotals totals(UsageFilter filter, Instant from, Instant to) {
        Where where = Where.rollup(filter, null);
        String sql = "SELECT " + SUMS + " FROM " + periodRows(filter, List.of(), from, to);
        return jdbi.withHandle(h -> bindPeriod(where.bind(h.createQuery(sql)), from, to).map((rs, ctx) -> totals(rs)).one());
    }

    public List<UsageGroup> breakdown(List<UsageDimension> by, UsageFilter filter, Instant from, Instant to) {
        Where where = Where.rollup(filter, null);
        String sql = "SELECT " + keys(by) + ", " + SUMS + " FROM " + periodRows(filter, by, from, to)
                + " GROUP BY " + keys(by) + " ORDER BY cost_usd DESC, requests DESC, " + keys(by);
        return jdbi.withHandle(h -> bindPeriod(where.bind(h.createQuery(sql)), from, to)
                .map((rs, ctx) -> new UsageGroup(null, keyValues(rs, by.size()), totals(rs))).list());
    }

    /**
     * The rollup rows of a period as a subquery: the hours at its edges from {@code usage_hourly}, the
     * whole days between them from {@code usage_daily}, so a month reads ~30 rows per group, not ~720.
     */
    private static String periodRows(UsageFilter filter, List<UsageDimension> by, Instant from, Instant to) {
        String cols = (by.isEmpty() ? "" : columns(by) + ", ") + RAW;
        String where = Where.rollup(filter, null).sql().replace(" WHERE 1 = 1", "");
        return "(SELECT " + cols + " FROM usage_hourly WHERE ((bucket_ms >= :h0 AND bucket_ms < :d0) OR (bucket_ms >= :d1 AND bucket_ms < :h1))" + where
                + " UNION ALL SELECT " + cols + " FROM usage_daily WHERE bucket_ms >= :d0 AND bucket_ms < :d1" + where + ") AS period";
    }

    private static org.jdbi.v3.core.statement.Query bindPeriod(org.jdbi.v3.core.statement.Query q, Instant from, Instant to) {
        UsageBuckets.Split s = UsageBuckets.split(from, to);
        return q.bind("h0", s.hourStart()).bind("d0", s.dayStart()).bind("d1", s.dayEnd()).bind("h1", s.hourEnd());
    }

    public List<UsageGroup> monthly(List<UsageDimension> by, UsageFilter filter, YearMonth from, YearMonth to) {
        if (by.isEmpty()) {
            throw new IllegalArgumentException("monthly: group by at least one dimension");
        }
        long start = from.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        long end = to.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        Where where = Where.rollup(filter, new long[] {start, end});
        String sql = "SELECT " + dialect.monthOfBucket() + " AS month, " + columns(by) + ", " + SUMS
                + " FROM usage_daily" + where.sql() + " GROUP BY month, " + keys(by) + " ORDER BY month, cost_usd DESC, " + keys(by);
        return jdbi.withHandle(h -> where.bind(h.createQuery(sql))
                .map((rs, ctx) -> new UsageGroup(rs.getString("month"), keyValues(rs, by.size()), totals(rs))).list());
    }

    /** {@code agent AS k0, provider AS k1}: the grouped columns, from the enum (never from input). */
    private static String columns(List<UsageDimension> by) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < by.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(by.get(i).column()).append(" AS k").append(i);
        }
        return out.toString();
    }

    private static String keys(List<UsageDimension> by) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < by.size(); i++) {
            out.append(i == 0 ? "" : ", ").append("k").append(i);
        }
        return out.toString();
    }

    private static List<String> keyValues(ResultSet rs, int n) throws SQLException {
        List<String> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(rs.getString("k" + i));
        }
        return out;
    }

    /**
     * Newest first by time, then by arrival (the dialect's column), which the {@code ts_ms} index keeps in order; a page
     * after {@code before} starts below that event's (time, arrival), found by its primary key.
     */
    public List<UsageEvent> recent(UsageFilter filter, int limit, Optional<String> before) {
        Where where = Where.events(filter);
        return jdbi.withHandle(h -> {
            String sql = "SELECT * FROM usage_events" + where.sql();
            long[] position = null;
            if (before.isPresent()) {
                position = h.createQuery("SELECT ts_ms, " + dialect.arrival() + " FROM usage_events WHERE id = :id").bind("id", before.get())
                        .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).findOne()
                        .orElseThrow(() -> new IllegalArgumentException("no stored event has the id " + before.get()));
                sql += " AND (ts_ms < :before_ts OR (ts_ms = :before_ts AND " + dialect.arrival() + " < :before_row))";
            }
            Query query = h.createQuery(sql + " ORDER BY ts_ms DESC, " + dialect.arrival() + " DESC LIMIT :limit");
            if (position != null) {
                query.bind("before_ts", position[0]).bind("before_row", position[1]);
            }
            return where.bind(query).bind("limit", limit).map((rs, ctx) -> event(rs)).list();
        });
    }

    /**
     * Hours straight from {@code usage_hourly}; days from {@code usage_daily}, with the partial days at a
     * period's edges summed from their hours, exactly as {@link #totals} splits the same period.
     */
    public List<UsageBucket> series(UsageFilter filter, Instant from, Instant to, ChronoUnit unit) {
        Where where = Where.rollup(filter, null);
        String filters = where.sql().replace(" WHERE 1 = 1", "");
        String sql;
        if (unit == ChronoUnit.HOURS) {
            sql = "SELECT bucket_ms AS b, " + SUMS + " FROM usage_hourly WHERE bucket_ms >= :h0 AND bucket_ms < :h1" + filters
                    + " GROUP BY bucket_ms ORDER BY bucket_ms";
        } else if (unit == ChronoUnit.DAYS) {
            sql = "SELECT b, " + SUMS + " FROM (SELECT (bucket_ms / 86400000) * 86400000 AS b, " + RAW + " FROM usage_hourly"
                    + " WHERE ((bucket_ms >= :h0 AND bucket_ms < :d0) OR (bucket_ms >= :d1 AND bucket_ms < :h1))" + filters
                    + " UNION ALL SELECT bucket_ms AS b, " + RAW + " FROM usage_daily WHERE bucket_ms >= :d0 AND bucket_ms < :d1" + filters
                    + ") AS days GROUP BY b ORDER BY b";
        } else {
            throw new IllegalArgumentException("series: unit " + unit + " (expected: HOURS or DAYS)");
        }
        return jdbi.withHandle(h -> bindPeriod(where.bind(h.createQuery(sql)), from, to)
                .map((rs, ctx) -> new UsageBucket(Instant.ofEpochMilli(rs.getLong("b")), totals(rs))).list());
    }

    public long count() {
        return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM usage_events").mapTo(Long.class).one());
    }

    /** A WHERE clause with its named parameters. */
    private record Where(String sql, Map<String, Object> params) {

        /** Filters on rollup rows; with {@code range}, also on their buckets ({@code null}: the caller adds its own). */
        static Where rollup(UsageFilter f, long[] range) {
            Map<String, Object> p = new LinkedHashMap<>();
            StringBuilder sql = new StringBuilder(range == null ? " WHERE 1 = 1" : " WHERE bucket_ms >= :from AND bucket_ms < :to");
            if (range != null) {
                p.put("from", range[0]);
                p.put("to", range[1]);
            }
            add(sql, p, "org_id", f.org(), false);
            add(sql, p, "key_id", f.key(), false);
            add(sql, p, "agent", f.agent(), false);
            add(sql, p, "feature", f.feature(), false);
            add(sql, p, "provider", f.provider(), false);
            add(sql, p, "model", f.model(), false);
            return new Where(sql.toString(), p);
        }

        static Where events(UsageFilter f) {
            Map<String, Object> p = new LinkedHashMap<>();
            StringBuilder sql = new StringBuilder(" WHERE 1 = 1");
            add(sql, p, "org_id", f.org(), true);
            add(sql, p, "key_id", f.key(), true);
            add(sql, p, "agent", f.agent(), true);
            add(sql, p, "feature", f.feature(), true);
            add(sql, p, "provider", f.provider(), true);
            add(sql, p, "model", f.model(), true);
            return new Where(sql.toString(), p);
        }

        private static void add(StringBuilder sql, Map<String, Object> p, String column, Optional<String> value, boolean rawEvents) {
            if (value.isPresent()) {
                // '' asks for calls without the tag: raw events keep a missing tag as NULL, the rollups as ''.
                String lhs = rawEvents && value.get().isEmpty() ? "coalesce(" + column + ", '')" : column;
                sql.append(" AND ").append(lhs).append(" = :").append(column);
                p.put(column, value.get());
            }
        }

        Query bind(Query q) {
            params.forEach(q::bind);
            return q;
        }
    }

    private static UsageTotals totals(ResultSet rs) throws SQLException {
        return new UsageTotals(rs.getLong("requests"), rs.getLong("errors"), rs.getLong("input_tokens"),
                rs.getLong("output_tokens"), rs.getLong("cached_tokens"), rs.getLong("cache_write_tokens"),
                rs.getLong("reasoning_tokens"), rs.getDouble("cost_usd"), rs.getDouble("saved_usd"),
                rs.getLong("price_unknown"), rs.getLong("estimated"), rs.getLong("latency_ms_sum"), rs.getLong("refused"),
                new CacheTotals(rs.getLong("exact_hits"), rs.getDouble("exact_saved_usd"), rs.getLong("semantic_hits"),
                        rs.getDouble("semantic_saved_usd"), rs.getLong("workflow_hits"), rs.getDouble("workflow_saved_usd")),
                rs.getDouble("routing_saved_usd"));
    }

    private static UsageEvent event(ResultSet rs) throws SQLException {
        Usage usage = new Usage(rs.getLong("input_tokens"), rs.getLong("output_tokens"), rs.getLong("cached_tokens"),
                rs.getLong("cache_write_tokens"), rs.getLong("reasoning_tokens"), rs.getBoolean("estimated"));
        return new UsageEvent(rs.getString("id"), Instant.ofEpochMilli(rs.getLong("ts_ms")), rs.getString("request_id"),
                rs.getString("org_id"), rs.getString("key_id"), rs.getString("agent"), rs.getString("feature"),
                rs.getString("endpoint"), rs.getString("source"), rs.getString("provider"), rs.getString("model"), usage,
                rs.getDouble("cost_usd"), rs.getBoolean("price_known"), rs.getDouble("saved_usd"), rs.getLong("latency_ms"),
                rs.getLong("ttft_ms"), rs.getInt("status"), rs.getString("error_code"), rs.getBoolean("stream"),
                rs.getInt("attempts"), rs.getString("cache_tier"), rs.getString("routing_reason"), routingFree(rs));
    }

    /** An event written before routing savings were recorded (NULL) was not routed by the autopilot: its cost. */
    private static double routingFree(ResultSet rs) throws SQLException {
        double free = rs.getDouble("routing_free_cost_usd");
        return rs.wasNull() ? rs.getDouble("cost_usd") : free;
    }
}
