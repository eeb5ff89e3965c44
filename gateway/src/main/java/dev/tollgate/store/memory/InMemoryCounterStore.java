package dev.tollgate.store.memory;

import dev.tollgate.store.Claim;
import dev.tollgate.store.CounterStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counters in this process: one lock makes each multi-counter operation atomic. A reservation touches
 * a handful of counters for well under a microsecond, so one lock is not the bottleneck on the request
 * path; expired counters are dropped when next touched and swept every so often.
 */
public final class InMemoryCounterStore implements CounterStore {

    private static final int SWEEP_EVERY = 4_096;

    private final Clock clock;
    private final Map<String, Counter> counters = new HashMap<>();
    private int writesSinceSweep;

    private static final class Counter {
        long value;
        Instant expiresAt;

        Counter(Instant expiresAt) {
            this.expiresAt = expiresAt;
        }
    }

    public InMemoryCounterStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Reservation reserve(List<Claim> claims) {
        Instant now = clock.instant();
        List<Long> current = new ArrayList<>(claims.size());
        int refused = -1;
        for (int i = 0; i < claims.size(); i++) {
            Claim c = claims.get(i);
            if (c.amount() < 0) {
                throw new IllegalArgumentException("reserve: negative amount for " + c.key() + " (expected: >= 0; use adjust to release)");
            }
            long value = valueOf(c.key(), now);
            current.add(value);
            if (refused < 0 && value + c.amount() > c.limit()) {
                refused = i;
            }
        }
        if (refused >= 0) {
            return new Reservation(refused, current);
        }
        List<Long> after = new ArrayList<>(claims.size());
        for (Claim c : claims) {
            after.add(add(c, now));
        }
        return new Reservation(-1, after);
    }

    @Override
    public synchronized void adjust(List<Claim> deltas) {
        Instant now = clock.instant();
        for (Claim c : deltas) {
            add(c, now);
        }
    }

    @Override
    public synchronized List<Long> values(List<String> keys) {
        Instant now = clock.instant();
        List<Long> out = new ArrayList<>(keys.size());
        for (String key : keys) {
            out.add(valueOf(key, now));
        }
        return out;
    }

    @Override
    public synchronized void set(String key, long value, Instant expiresAt) {
        Counter c = new Counter(expiresAt);
        c.value = Math.max(0, value);
        counters.put(key, c);
    }

    /** Every live counter as a claim of its value (with its expiry): what an outage counted here, to hand to the shared store. */
    public synchronized List<Claim> live() {
        Instant now = clock.instant();
        List<Claim> out = new ArrayList<>(counters.size());
        counters.forEach((key, c) -> {
            if (now.isBefore(c.expiresAt) && c.value > 0) {
                out.add(new Claim(key, c.value, Claim.NO_LIMIT, c.expiresAt));
            }
        });
        return out;
    }

    private long valueOf(String key, Instant now) {
        Counter c = counters.get(key);
        if (c == null) {
            return 0;
        }
        if (!now.isBefore(c.expiresAt)) {
            counters.remove(key);
            return 0;
        }
        return c.value;
    }

    /** Adds an amount to a live counter (a new one when absent or expired); returns its new value. */
    private long add(Claim claim, Instant now) {
        Counter c = counters.get(claim.key());
        if (c == null || !now.isBefore(c.expiresAt)) {
            c = new Counter(claim.expiresAt());
            counters.put(claim.key(), c);
        }
        c.value = Math.max(0, c.value + claim.amount());
        if (++writesSinceSweep >= SWEEP_EVERY) {
            writesSinceSweep = 0;
            counters.values().removeIf(x -> !now.isBefore(x.expiresAt));
        }
        return c.value;
    }
}
