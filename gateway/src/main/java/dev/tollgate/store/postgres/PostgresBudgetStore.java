package dev.tollgate.store.postgres;

import dev.tollgate.store.BudgetStore;
import dev.tollgate.store.jdbc.BudgetRows;
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
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM budgets ORDER BY name COLLATE \"C\"").map((rs, ctx) -> BudgetRows.budget(rs)).list());
    }

    @Override
    public Optional<StoredBudget> budget(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM budgets WHERE name = :name").bind("name", name)
                .map((rs, ctx) -> BudgetRows.budget(rs)).findOne());
    }

    @Override
    public void put(StoredBudget b) {
        jdbi.useHandle(h -> BudgetRows.bind(h.createUpdate(BudgetRows.PUT), b).execute());
    }

    @Override
    public boolean delete(String name) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM budgets WHERE name = :name").bind("name", name).execute()) == 1;
    }

    @Override
    public void reset(CounterReset r) {
        jdbi.useHandle(h -> BudgetRows.bind(h.createUpdate(BudgetRows.RESET), r).execute());
    }

    @Override
    public List<CounterReset> resets() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM budget_resets ORDER BY counter_key COLLATE \"C\"")
                .map((rs, ctx) -> BudgetRows.reset(rs)).list());
    }

}
