package dev.tollgate.store;

import java.time.Instant;
import java.util.List;

/**
 * Shared counters for budgets, reservations and rate limits. Each operation is one atomic step over
 * all the counters it names: the shape a Redis Lua script does in one round trip (the scale-out
 * implementation), and a lock in the in-process one.
 */
public interface CounterStore {

    /**
     * Adds every claim's amount to its counter, all or none: when any counter would end above its
     * limit, nothing changes and the result names the first such claim. Amounts must be {@code >= 0}.
     */
    Reservation reserve(List<Claim> claims);

    /**
     * Adds each claim's amount (negative to release) with no limit check; a counter never goes below 0.
     * Settling a reservation is {@code adjust} with {@code actual - reserved} per counter.
     */
    void adjust(List<Claim> deltas);

    /** The counters' current values, in order; 0 for a counter never written or past its expiry. */
    List<Long> values(List<String> keys);

    /** Sets a counter (an admin reset, or seeding from the ledger at start). */
    void set(String key, long value, Instant expiresAt);

    /**
     * Whether the counters must be seeded from the ledger before serving: always for counters in this
     * process (they start empty); for shared ones, only when their seed marker is missing (a new or
     * emptied Redis), so an instance joining a running fleet never resets counters others are using.
     */
    default boolean needsSeeding() {
        return true;
    }

    /** Records that the counters were seeded (a shared store keeps a marker; from then on it watches for losing it). */
    default void markSeeded() {
    }

    /**
     * What re-seeds the counters (into the store it is given) when a shared store finds it lost them: a
     * Redis restarted empty. The store runs it before it reserves again, so no call sees empty counters.
     */
    default void onLoss(java.util.function.Consumer<CounterStore> reseed) {
    }

    /**
     * What {@link #reserve} did.
     *
     * @param refused the index of the first claim that did not fit, or -1 when all were added
     * @param values  each counter's value afterwards (granted) or as it stands (refused), in claim order
     */
    record Reservation(int refused, List<Long> values) {

        public Reservation {
            values = List.copyOf(values);
        }

        public boolean granted() {
            return refused < 0;
        }
    }
}
