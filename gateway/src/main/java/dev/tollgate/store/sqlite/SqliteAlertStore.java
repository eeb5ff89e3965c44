package dev.tollgate.store.sqlite;

import dev.tollgate.model.Alert;
import dev.tollgate.store.AlertStore;
import dev.tollgate.store.jdbc.AlertRows;
import java.sql.ResultSet;
import java.sql.SQLException;
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
        return jdbi().withHandle(h -> AlertRows.bind(h.createUpdate("""
                        INSERT OR IGNORE INTO alerts (id, created_ms, dedup_key, type, level, org_id, rule_id, rule_name, scope, agent,
                          metric, period, period_start, value, limit_value, message)
                        VALUES (:id, :created, :dedup, :type, :level, :org, :rule, :ruleName, :scope, :agent, :metric, :period, :start,
                          :value, :limit, :message)
                        """), a)
                .bind("scope", encode(a.scope()))
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
        return jdbi().withHandle(h -> AlertRows.list(h, q, "rowid", (rs, ctx) -> alert(rs)));
    }

    private static Alert alert(ResultSet rs) throws SQLException {
        return AlertRows.alert(rs, decode(rs.getString("scope")));
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
