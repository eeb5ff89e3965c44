package dev.tollgate.store.jdbc;

import dev.tollgate.model.Alert;
import dev.tollgate.store.AlertStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;

/** The {@code alerts} table's listing, alike in SQLite and PostgreSQL but for the column that orders by arrival. */
public final class AlertRows {

    private AlertRows() {
    }

    /** The newest alerts matching {@code q}, newest first; {@code arrival} breaks ties of one millisecond. */
    public static List<Alert> list(Handle h, AlertStore.Query q, String arrival, RowMapper<Alert> mapper) {
        StringBuilder sql = new StringBuilder("SELECT * FROM alerts WHERE 1 = 1");
        q.org().ifPresent(o -> sql.append(" AND org_id = :org"));
        q.level().ifPresent(l -> sql.append(" AND level = :level"));
        q.type().ifPresent(t -> sql.append(" AND type = :type"));
        q.since().ifPresent(s -> sql.append(" AND created_ms >= :since"));
        q.agent().ifPresent(a -> sql.append(" AND agent = :agent"));
        sql.append(" ORDER BY created_ms DESC, ").append(arrival).append(" DESC LIMIT :limit");
        Query query = h.createQuery(sql.toString()).bind("limit", q.limit());
        q.org().ifPresent(o -> query.bind("org", o));
        q.level().ifPresent(l -> query.bind("level", l));
        q.type().ifPresent(t -> query.bind("type", t));
        q.since().ifPresent(s -> query.bind("since", s.toEpochMilli()));
        q.agent().ifPresent(a -> query.bind("agent", a));
        return query.map(mapper).list();
    }

    /** Binds every column but the scope, whose encoding differs: {@code :id, :created, :dedup, ...}. */
    public static Update bind(Update u, Alert a) {
        return u.bind("id", a.id()).bind("created", a.createdAt().toEpochMilli()).bind("dedup", a.dedupKey()).bind("type", a.type())
                .bind("level", a.level()).bind("org", a.orgId()).bind("rule", a.ruleId()).bind("ruleName", a.ruleName())
                .bind("agent", a.agent()).bind("metric", a.metric()).bind("period", a.period())
                .bind("start", a.periodStart() == null ? null : a.periodStart().toEpochMilli()).bind("value", a.value())
                .bind("limit", a.limit()).bind("message", a.message());
    }

    /** An alert from its row, with the scope read by the caller. */
    public static Alert alert(ResultSet rs, Map<String, String> scope) throws SQLException {
        long start = rs.getLong("period_start");
        Instant periodStart = rs.wasNull() ? null : Instant.ofEpochMilli(start);
        return new Alert(rs.getString("id"), Instant.ofEpochMilli(rs.getLong("created_ms")), rs.getString("dedup_key"),
                rs.getString("type"), rs.getString("level"), rs.getString("org_id"), rs.getString("rule_id"), rs.getString("rule_name"),
                scope, rs.getString("metric"), rs.getString("period"), periodStart, rs.getLong("value"), rs.getLong("limit_value"),
                rs.getString("message"));
    }
}
