package dev.tollgate.store.sqlite;

import dev.tollgate.model.Alert;
import dev.tollgate.store.AlertStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jdbi.v3.core.Jdbi;

/** Alerts in Tollgate's SQLite file (migration V5); the unique dedup key makes each fire once, across restarts. */
public final class SqliteAlertStore implements AlertStore {

    private final CompletableFuture<Jdbi> database;

    public SqliteAlertStore(java.nio.file.Path file) {
        this(CompletableFuture.completedFuture(SqliteDatabase.open(file)));
    }

    /** A store on a database that may still be opening; calls wait for it. */
    public SqliteAlertStore(CompletableFuture<Jdbi> database) {
        this.database = database;
    }

    private Jdbi jdbi() {
        try {
            return database.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Override
    public boolean add(Alert a) {
        return jdbi().withHandle(h -> h.createUpdate("""
                        INSERT OR IGNORE INTO alerts (id, created_ms, dedup_key, type, level, org_id, rule_id, rule_name, scope, agent,
                          metric, period, period_start, value, limit_value, message)
                        VALUES (:id, :created, :dedup, :type, :level, :org, :rule, :ruleName, :scope, :agent, :metric, :period, :start,
                          :value, :limit, :message)
                        """)
                .bind("id", a.id()).bind("created", a.createdAt().toEpochMilli()).bind("dedup", a.dedupKey()).bind("type", a.type())
                .bind("level", a.level()).bind("org", a.orgId()).bind("rule", a.ruleId()).bind("ruleName", a.ruleName())
                .bind("scope", encode(a.scope())).bind("agent", a.agent()).bind("metric", a.metric()).bind("period", a.period())
                .bind("start", a.periodStart() == null ? null : a.periodStart().toEpochMilli()).bind("value", a.value())
                .bind("limit", a.limit()).bind("message", a.message())
                .execute()) == 1;
    }

    @Override
    public void rearm(String dedupPrefix, String suffix) {
        jdbi().useHandle(h -> h.createUpdate("""
                        UPDATE alerts SET dedup_key = dedup_key || :suffix
                        WHERE substr(dedup_key, 1, length(:prefix)) = :prefix
                        """)
                .bind("prefix", dedupPrefix).bind("suffix", suffix).execute());
    }

    @Override
    public List<Alert> list(Query q) {
        StringBuilder sql = new StringBuilder("SELECT * FROM alerts WHERE 1 = 1");
        q.org().ifPresent(o -> sql.append(" AND org_id = :org"));
        q.level().ifPresent(l -> sql.append(" AND level = :level"));
        q.type().ifPresent(t -> sql.append(" AND type = :type"));
        q.since().ifPresent(s -> sql.append(" AND created_ms >= :since"));
        q.agent().ifPresent(a -> sql.append(" AND agent = :agent"));
        sql.append(" ORDER BY created_ms DESC, rowid DESC LIMIT :limit");
        return jdbi().withHandle(h -> {
            var query = h.createQuery(sql.toString()).bind("limit", q.limit());
            q.org().ifPresent(o -> query.bind("org", o));
            q.level().ifPresent(l -> query.bind("level", l));
            q.type().ifPresent(t -> query.bind("type", t));
            q.since().ifPresent(s -> query.bind("since", s.toEpochMilli()));
            q.agent().ifPresent(a -> query.bind("agent", a));
            return query.map((rs, ctx) -> alert(rs)).list();
        });
    }

    private static Alert alert(ResultSet rs) throws SQLException {
        long start = rs.getLong("period_start");
        Instant periodStart = rs.wasNull() ? null : Instant.ofEpochMilli(start);
        return new Alert(rs.getString("id"), Instant.ofEpochMilli(rs.getLong("created_ms")), rs.getString("dedup_key"),
                rs.getString("type"), rs.getString("level"), rs.getString("org_id"), rs.getString("rule_id"), rs.getString("rule_name"),
                decode(rs.getString("scope")), rs.getString("metric"), rs.getString("period"), periodStart, rs.getLong("value"),
                rs.getLong("limit_value"), rs.getString("message"));
    }

    /** {@code k=v} lines; scope keys and values are tags without line breaks. */
    private static String encode(Map<String, String> scope) {
        StringBuilder out = new StringBuilder();
        scope.forEach((k, v) -> out.append(k.replace('\n', ' ')).append('=').append(v.replace('\n', ' ')).append('\n'));
        return out.toString();
    }

    private static Map<String, String> decode(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }
}
