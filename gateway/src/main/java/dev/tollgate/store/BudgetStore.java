package dev.tollgate.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Budget rules created through the API (rules of the configuration file are not stored), and the
 * counter resets that re-seeding from the ledger must honour after a restart. A rule is kept as the JSON
 * it was validated from, so stores never depend on the policy's types. Thread-safe.
 */
public interface BudgetStore {

    /** A rule as stored: its name, the org it belongs to ({@code null} = global) and its definition (JSON). */
    record StoredBudget(String name, String orgId, String definition, Instant updatedAt) {
    }

    /**
     * A reset of one counter: from then on the counter shows the ledger's usage of its period minus
     * {@code offset}, the usage the ledger held for it when it was reset.
     */
    record CounterReset(String counterKey, long offset, Instant at, String actor) {
    }

    List<StoredBudget> budgets();

    Optional<StoredBudget> budget(String name);

    /** Adds or replaces the rule with this name. */
    void put(StoredBudget budget);

    /** Deletes a rule; false when there was none. */
    boolean delete(String name);

    /** Records a reset, replacing an earlier one of the same counter. */
    void reset(CounterReset reset);

    /** The latest reset of each counter key that has one. */
    List<CounterReset> resets();
}
