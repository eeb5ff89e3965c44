package dev.tollgate.store.sqlite;

import dev.tollgate.store.BudgetStore;
import dev.tollgate.store.jdbc.BudgetRows;
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
                .map((rs, ctx) -> BudgetRows.budget(rs)).list());
    }

    @Override
    public Optional<StoredBudget> budget(String name) {
        return jdbi().withHandle(h -> h.createQuery("SELECT * FROM budgets WHERE name = :name").bind("name", name)
                .map((rs, ctx) -> BudgetRows.budget(rs)).findOne());
    }

    @Override
    public void put(StoredBudget b) {
        jdbi().useHandle(h -> BudgetRows.bind(h.createUpdate(BudgetRows.PUT), b).execute());
    }

    @Override
    public boolean delete(String name) {
        return jdbi().withHandle(h -> h.createUpdate("DELETE FROM budgets WHERE name = :name").bind("name", name).execute()) == 1;
    }

    @Override
    public void reset(CounterReset r) {
        jdbi().useHandle(h -> BudgetRows.bind(h.createUpdate(BudgetRows.RESET), r).execute());
    }

    @Override
    public List<CounterReset> resets() {
        return jdbi().withHandle(h -> h.createQuery("SELECT * FROM budget_resets")
                .map((rs, ctx) -> BudgetRows.reset(rs)).list());
    }
}
