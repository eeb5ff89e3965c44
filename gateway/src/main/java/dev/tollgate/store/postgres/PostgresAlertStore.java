package dev.tollgate.store.postgres;

import dev.tollgate.model.Alert;
import dev.tollgate.store.AlertStore;
import dev.tollgate.store.jdbc.AlertRows;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
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
        return jdbi.withHandle(h -> AlertRows.bind(h.createUpdate("""
                        INSERT INTO alerts (id, created_ms, dedup_key, type, level, org_id, rule_id, rule_name, scope_keys, scope_values,
                          agent, metric, period, period_start, value, limit_value, message)
                        VALUES (:id, :created, :dedup, :type, :level, :org, :rule, :ruleName, :keys, :values, :agent, :metric, :period,
                          :start, :value, :limit, :message)
                        ON CONFLICT DO NOTHING
                        """), a)
                .bindArray("keys", String.class, (Object[]) keys).bindArray("values", String.class, (Object[]) values)
                .execute()) == 1;
    }

    @Override
    public void rearm(String dedupPrefix, String suffix) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE alerts SET dedup_key = dedup_key || :suffix WHERE starts_with(dedup_key, :prefix)")
                .bind("prefix", dedupPrefix).bind("suffix", suffix).execute());
    }

    @Override
    public List<Alert> list(Query q) {
        return jdbi.withHandle(h -> AlertRows.list(h, q, "seq", (rs, ctx) -> alert(rs)));
    }

    private static Alert alert(ResultSet rs) throws SQLException {
        return AlertRows.alert(rs, scope(rs.getArray("scope_keys"), rs.getArray("scope_values")));
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
