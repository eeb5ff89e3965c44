package dev.tollgate.store.jdbc;

import dev.tollgate.store.BudgetStore.CounterReset;
import dev.tollgate.store.BudgetStore.StoredBudget;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.jdbi.v3.core.statement.Update;

/** Budget rules and counter resets as rows of {@code budgets} and {@code budget_resets}, alike in SQLite and PostgreSQL. */
public final class BudgetRows {

    public static final String PUT = """
            INSERT INTO budgets (name, org_id, definition, updated_ms) VALUES (:name, :org, :definition, :updated)
            ON CONFLICT (name) DO UPDATE SET org_id = excluded.org_id, definition = excluded.definition, updated_ms = excluded.updated_ms
            """;

    public static final String RESET = """
            INSERT INTO budget_resets (counter_key, used_before, reset_ms, actor) VALUES (:key, :offset, :at, :actor)
            ON CONFLICT (counter_key) DO UPDATE SET used_before = excluded.used_before, reset_ms = excluded.reset_ms, actor = excluded.actor
            """;

    private BudgetRows() {
    }

    public static Update bind(Update u, StoredBudget b) {
        return u.bind("name", b.name()).bind("org", b.orgId()).bind("definition", b.definition()).bind("updated", b.updatedAt().toEpochMilli());
    }

    public static Update bind(Update u, CounterReset r) {
        return u.bind("key", r.counterKey()).bind("offset", r.offset()).bind("at", r.at().toEpochMilli()).bind("actor", r.actor());
    }

    public static StoredBudget budget(ResultSet rs) throws SQLException {
        return new StoredBudget(rs.getString("name"), rs.getString("org_id"), rs.getString("definition"),
                Instant.ofEpochMilli(rs.getLong("updated_ms")));
    }

    public static CounterReset reset(ResultSet rs) throws SQLException {
        return new CounterReset(rs.getString("counter_key"), rs.getLong("used_before"), Instant.ofEpochMilli(rs.getLong("reset_ms")),
                rs.getString("actor"));
    }
}
