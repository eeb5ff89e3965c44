package dev.tollgate.pipeline;

import dev.tollgate.EmbeddedStoreFactory;
import dev.tollgate.StoreFactory;
import dev.tollgate.store.Claim;
import dev.tollgate.store.CounterStore;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The embedded counters, with every granted reservation and every adjustment recorded in order. */
final class RecordingCounterStore implements CounterStore {

    /** One change: {@code reserve} or {@code adjust} of {@code amount} on {@code key}. */
    record Change(String kind, String key, long amount) {
    }

    final List<Change> changes = new CopyOnWriteArrayList<>();
    private CounterStore inner;

    /** Embedded stores whose counters are this store. */
    StoreFactory stores() {
        return (config, clock, json) -> {
            var embedded = new EmbeddedStoreFactory().open(config, clock, json);
            inner = embedded.counters();
            return embedded.withCounters(this);
        };
    }

    @Override
    public Reservation reserve(List<Claim> claims) {
        Reservation r = inner.reserve(claims);
        if (r.granted()) {
            claims.forEach(c -> changes.add(new Change("reserve", c.key(), c.amount())));
        }
        return r;
    }

    @Override
    public void adjust(List<Claim> deltas) {
        inner.adjust(deltas);
        deltas.forEach(c -> changes.add(new Change("adjust", c.key(), c.amount())));
    }

    @Override
    public List<Long> values(List<String> keys) {
        return inner.values(keys);
    }

    @Override
    public void set(String key, long value, Instant expiresAt) {
        inner.set(key, value, expiresAt);
    }
}
