package dev.tollgate.store.sqlite;

import dev.tollgate.store.BudgetStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jdbi.v3.core.Jdbi;

/** API-created budget rules and counter resets in Tollgate's SQLite file (tables of migration V3). */
public final class SqliteBudgetStore implements BudgetStore {

    private final CompletableFuture<Jdbi> database;

    /** A store on a database that may still be opening; calls wait for it. */
    public SqliteBudgetStore(CompletableFuture<Jdbi> database) {
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
    public List<StoredBudget> budgets() {
        return jdbi().withHandle(h -> h.createQuery("SELECT * FROM budgets ORDER BY name")
                .map((rs, ctx) -> new StoredBudget(rs.getString("name"), rs.getString("org_id"), rs.getString("definition"),
                        Instant.ofEpochMilli(rs.getLong("updated_ms")))).list());
    }

    @Override
    public Optional<StoredBudget> budget(String name) {
        return jdbi().withHandle(h -> h.createQuery("SELECT * FROM budgets WHERE name = :name").bind("name", name)
                .map((rs, ctx) -> new StoredBudget(rs.getString("name"), rs.getString("org_id"), rs.getString("definition"),
                        Instant.ofEpochMilli(rs.getLong("updated_ms")))).findOne());
    }

    @Override
    public void put(StoredBudget b) {
        jdbi().useHandle(h -> h.createUpdate("""
                        INSERT INTO budgets (name, org_id, definition, updated_ms) VALUES (:name, :org, :definition, :updated)
                        ON CONFLICT (name) DO UPDATE SET org_id = excluded.org_id, definition = excluded.definition,
                          updated_ms = excluded.updated_ms
                        """)
                .bind("name", b.name()).bind("org", b.orgId()).bind("definition", b.definition())
                .bind("updated", b.updatedAt().toEpochMilli()).execute());
    }

    @Override
    public boolean delete(String name) {
        return jdbi().withHandle(h -> h.createUpdate("DELETE FROM budgets WHERE name = :name").bind("name", name).execute()) == 1;
    }

    @Override
    public void reset(CounterReset r) {
        jdbi().useHandle(h -> h.createUpdate("""
                        INSERT INTO budget_resets (counter_key, used_before, reset_ms, actor) VALUES (:key, :offset, :at, :actor)
                        ON CONFLICT (counter_key) DO UPDATE SET used_before = excluded.used_before, reset_ms = excluded.reset_ms,
                          actor = excluded.actor
                        """)
                .bind("key", r.counterKey()).bind("offset", r.offset()).bind("at", r.at().toEpochMilli()).bind("actor", r.actor())
                .execute());
    }

    @Override
    public List<CounterReset> resets() {
        return jdbi().withHandle(h -> h.createQuery("SELECT * FROM budget_resets")
                .map((rs, ctx) -> new CounterReset(rs.getString("counter_key"), rs.getLong("used_before"),
                        Instant.ofEpochMilli(rs.getLong("reset_ms")), rs.getString("actor"))).list());
    }
}
