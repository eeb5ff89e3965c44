package dev.tollgate.store.postgres;

import dev.tollgate.model.Alert;
import dev.tollgate.store.AlertStore;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Alerts in PostgreSQL (migration V5). The unique dedup key makes each alert fire once across restarts
 * and across instances: two instances that see a budget pass 80% at once both try to add the alert, and
 * only the first insert wins ({@code ON CONFLICT DO NOTHING}), so only one of them notifies.
 */
public final class PostgresAlertStore implements AlertStore {

    private final Jdbi jdbi;

    public PostgresAlertStore(PostgresDatabase database) {
        this.jdbi = database.jdbi();
    }

    @Override
    public boolean add(Alert a) {
        String[] keys = a.scope().keySet().toArray(String[]::new);
        String[] values = a.scope().values().toArray(String[]::new);
        return jdbi.withHandle(h -> h.createUpdate("""
                        INSERT INTO alerts (id, created_ms, dedup_key, type, level, org_id, rule_id, rule_name, scope_keys, scope_values,
                          agent, metric, period, period_start, value, limit_value, message)
                        VALUES (:id, :created, :dedup, :type, :level, :org, :rule, :ruleName, :keys, :values, :agent, :metric, :period,
                          :start, :value, :limit, :message)
                        ON CONFLICT DO NOTHING
                        """)
                .bind("id", a.id()).bind("created", a.createdAt().toEpochMilli()).bind("dedup", a.dedupKey()).bind("type", a.type())
                .bind("level", a.level()).bind("org", a.orgId()).bind("rule", a.ruleId()).bind("ruleName", a.ruleName())
                .bindArray("keys", String.class, (Object[]) keys).bindArray("values", String.class, (Object[]) values)
                .bind("agent", a.agent()).bind("metric", a.metric()).bind("period", a.period())
                .bind("start", a.periodStart() == null ? null : a.periodStart().toEpochMilli()).bind("value", a.value())
                .bind("limit", a.limit()).bind("message", a.message())
                .execute()) == 1;
    }

    @Override
    public void rearm(String dedupPrefix, String suffix) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE alerts SET dedup_key = dedup_key || :suffix WHERE starts_with(dedup_key, :prefix)")
                .bind("prefix", dedupPrefix).bind("suffix", suffix).execute());
    }

    @Override
    public List<Alert> list(Query q) {
        StringBuilder sql = new StringBuilder("SELECT * FROM alerts WHERE TRUE");
        q.org().ifPresent(o -> sql.append(" AND org_id = :org"));
        q.level().ifPresent(l -> sql.append(" AND level = :level"));
        q.type().ifPresent(t -> sql.append(" AND type = :type"));
        q.since().ifPresent(s -> sql.append(" AND created_ms >= :since"));
        q.agent().ifPresent(a -> sql.append(" AND agent = :agent"));
        sql.append(" ORDER BY created_ms DESC, seq DESC LIMIT :limit");
        return jdbi.withHandle(h -> {
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
                scope(rs.getArray("scope_keys"), rs.getArray("scope_values")), rs.getString("metric"), rs.getString("period"),
                periodStart, rs.getLong("value"), rs.getLong("limit_value"), rs.getString("message"));
    }

    private static Map<String, String> scope(Array keys, Array values) throws SQLException {
        String[] k = (String[]) keys.getArray();
        String[] v = (String[]) values.getArray();
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < k.length; i++) {
            out.put(k[i], v[i]);
        }
        return out;
    }
}
