package dev.tollgate;

import dev.tollgate.store.AlertStore;
import dev.tollgate.store.BudgetStore;
import dev.tollgate.store.CounterStore;
import dev.tollgate.store.DependencyCheck;
import dev.tollgate.store.ExactCacheStore;
import dev.tollgate.store.KeyStore;
import dev.tollgate.store.ResponseStore;
import dev.tollgate.store.UsageLedger;
import java.util.List;

/**
 * The stores of one gateway, as a {@link StoreFactory} opened them.
 *
 * @param exactCache the exact and workflow cache tiers' entries (in this process, or shared)
 * @param responses  the Responses API's kept responses, in the ledger database
 * @param awaitReady waits until every store can be used; throws, saying which store and why, when one cannot
 * @param release    releases them (drains the ledger); the gateway calls it last, after the listener stopped
 * @param checks     the shared dependencies {@code /ready} reports beside the ledger (PostgreSQL, Redis); none for the embedded stores
 */
public record Stores(UsageLedger ledger, KeyStore keys, BudgetStore budgets, AlertStore alerts, CounterStore counters,
                     ExactCacheStore exactCache, ResponseStore responses, Runnable awaitReady, Runnable release,
                     List<DependencyCheck> checks) implements AutoCloseable {

    public Stores {
        checks = List.copyOf(checks);
    }

    /** Stores without shared dependencies to report. */
    public Stores(UsageLedger ledger, KeyStore keys, BudgetStore budgets, AlertStore alerts, CounterStore counters,
                  ExactCacheStore exactCache, ResponseStore responses, Runnable awaitReady, Runnable release) {
        this(ledger, keys, budgets, alerts, counters, exactCache, responses, awaitReady, release, List.of());
    }

    /** The same stores with another counter store (tests record what is reserved and settled). */
    public Stores withCounters(CounterStore other) {
        return new Stores(ledger, keys, budgets, alerts, other, exactCache, responses, awaitReady, release, checks);
    }

    @Override
    public void close() {
        release.run();
    }
}
