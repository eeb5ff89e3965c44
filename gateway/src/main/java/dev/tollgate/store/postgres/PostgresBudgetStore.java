package dev.tollgate.store.postgres;

import dev.tollgate.store.BudgetStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** API-created budget rules and counter resets in PostgreSQL (migration V3), shared by every instance. */
public final class PostgresBudgetStore implements BudgetStore {

    private final Jdbi jdbi;

    public PostgresBudgetStore(PostgresDatabase database) {
        this.jdbi = database.jdbi();
    }

    @Override
    public List<StoredBudget> budgets() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM budgets ORDER BY name COLLATE \"C\"").map((rs, ctx) -> budget(rs)).list());
    }

    @Override
    public Optional<StoredBudget> budget(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM budgets WHERE name = :name").bind("name", name)
                .map((rs, ctx) -> budget(rs)).findOne());
    }

    @Override
    public void put(StoredBudget b) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO budgets (name, org_id, definition, updated_ms) VALUES (:name, :org, :definition, :updated)
                        ON CONFLICT (name) DO UPDATE SET org_id = excluded.org_id, definition = excluded.definition,
                          updated_ms = excluded.updated_ms
                        """)
                .bind("name", b.name()).bind("org", b.orgId()).bind("definition", b.definition())
                .bind("updated", b.updatedAt().toEpochMilli()).execute());
    }

    @Override
    public boolean delete(String name) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM budgets WHERE name = :name").bind("name", name).execute()) == 1;
    }

    @Override
    public void reset(CounterReset r) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO budget_resets (counter_key, used_before, reset_ms, actor) VALUES (:key, :offset, :at, :actor)
                        ON CONFLICT (counter_key) DO UPDATE SET used_before = excluded.used_before, reset_ms = excluded.reset_ms,
                          actor = excluded.actor
                        """)
                .bind("key", r.counterKey()).bind("offset", r.offset()).bind("at", r.at().toEpochMilli()).bind("actor", r.actor())
                .execute());
    }

    @Override
    public List<CounterReset> resets() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM budget_resets ORDER BY counter_key COLLATE \"C\"")
                .map((rs, ctx) -> new CounterReset(rs.getString("counter_key"), rs.getLong("used_before"),
                        Instant.ofEpochMilli(rs.getLong("reset_ms")), rs.getString("actor"))).list());
    }

    private static StoredBudget budget(ResultSet rs) throws SQLException {
        return new StoredBudget(rs.getString("name"), rs.getString("org_id"), rs.getString("definition"),
                Instant.ofEpochMilli(rs.getLong("updated_ms")));
    }
}
