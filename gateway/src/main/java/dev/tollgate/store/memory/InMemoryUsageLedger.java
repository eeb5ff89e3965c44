package dev.tollgate.store.memory;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageLedger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A ledger in memory, for tests and tools that need no file. */
public final class InMemoryUsageLedger implements UsageLedger {

    private final Map<String, UsageEvent> events = new LinkedHashMap<>();

    @Override
    public synchronized void append(UsageEvent event) {
        events.putIfAbsent(event.id(), event);
    }

    @Override
    public void flush() {
        // Appends are stored synchronously.
    }

    @Override
    public synchronized List<UsageEvent> recent(int limit) {
        List<UsageEvent> all = new ArrayList<>(events.values());
        all.sort((a, b) -> b.time().compareTo(a.time()));
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    @Override
    public synchronized long count() {
        return events.size();
    }

    @Override
    public boolean healthy() {
        return true;
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
