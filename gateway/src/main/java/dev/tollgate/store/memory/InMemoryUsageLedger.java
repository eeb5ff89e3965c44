package dev.tollgate.store.memory;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageBucket;
import dev.tollgate.store.UsageBuckets;
import dev.tollgate.store.UsageDimension;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageGroup;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.UsageTotals;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A ledger in memory, for tests and tools that need no file. Answers period queries from the raw events
 * with the same bucket widening as the rollups of the durable ledgers, so both pass the same contract.
 */
public final class InMemoryUsageLedger implements UsageLedger {

    private final Map<String, UsageEvent> events = new LinkedHashMap<>();
    private final List<UsageEvent> pruned = new ArrayList<>();

    @Override
    public synchronized void append(UsageEvent event) {
        if (!events.containsKey(event.id()) && pruned.stream().noneMatch(e -> e.id().equals(event.id()))) {
            events.put(event.id(), event);
        }
    }

    @Override
    public void flush() {
        // Appends are stored synchronously.
    }

    @Override
    public boolean flush(Duration timeout) {
        return true;
    }

    /** Newest first by time, then the later-stored first, as the SQLite ledger orders them. */
    @Override
    public synchronized List<UsageEvent> recent(UsageFilter filter, int limit, Optional<String> before) {
        List<UsageEvent> stored = new ArrayList<>(events.values());
        List<UsageEvent> newestFirst = new ArrayList<>(stored.reversed());
        newestFirst.sort(Comparator.comparing(UsageEvent::time).reversed());
        int from = 0;
        if (before.isPresent()) {
            UsageEvent after = events.get(before.get());
            if (after == null) {
                throw new IllegalArgumentException("no stored event has the id " + before.get());
            }
            from = newestFirst.indexOf(after) + 1;
        }
        return newestFirst.subList(from, newestFirst.size()).stream().filter(matches(filter)).limit(limit).toList();
    }

    @Override
    public synchronized List<UsageBucket> series(UsageFilter filter, Instant from, Instant to, ChronoUnit unit) {
        if (unit != ChronoUnit.HOURS && unit != ChronoUnit.DAYS) {
            throw new IllegalArgumentException("series: unit " + unit + " (expected: HOURS or DAYS)");
        }
        java.util.TreeMap<Instant, UsageTotals> buckets = new java.util.TreeMap<>();
        for (UsageEvent e : inRange(filter, UsageBuckets.range(from, to))) {
            buckets.merge(e.time().truncatedTo(unit), UsageTotals.of(e), UsageTotals::plus);
        }
        return buckets.entrySet().stream().map(b -> new UsageBucket(b.getKey(), b.getValue())).toList();
    }

    @Override
    public synchronized long count() {
        return events.size();
    }

    @Override
    public synchronized UsageTotals totals(UsageFilter filter, Instant from, Instant to) {
        return inRange(filter, UsageBuckets.range(from, to)).stream().map(UsageTotals::of).reduce(UsageTotals.ZERO, UsageTotals::plus);
    }

    @Override
    public synchronized List<UsageGroup> breakdown(List<UsageDimension> by, UsageFilter filter, Instant from, Instant to) {
        Map<List<String>, UsageTotals> groups = new LinkedHashMap<>();
        for (UsageEvent e : inRange(filter, UsageBuckets.range(from, to))) {
            groups.merge(values(by, e), UsageTotals.of(e), UsageTotals::plus);
        }
        return groups.entrySet().stream().map(g -> new UsageGroup(null, g.getKey(), g.getValue()))
                .sorted(Comparator.comparing((UsageGroup g) -> -g.totals().costUsd())
                        .thenComparing(g -> -g.totals().requests()).thenComparing(g -> String.join("\u0000", g.keys())))
                .toList();
    }

    @Override
    public synchronized List<UsageGroup> monthly(List<UsageDimension> by, UsageFilter filter, YearMonth from, YearMonth to) {
        long start = from.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        long end = to.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        Map<List<String>, UsageTotals> groups = new LinkedHashMap<>();
        for (UsageEvent e : inRange(filter, new long[] {start, end})) {
            List<String> key = new ArrayList<>();
            key.add(YearMonth.from(e.time().atZone(ZoneOffset.UTC)).toString());
            key.addAll(values(by, e));
            groups.merge(key, UsageTotals.of(e), UsageTotals::plus);
        }
        return groups.entrySet().stream()
                .map(g -> new UsageGroup(g.getKey().getFirst(), g.getKey().subList(1, g.getKey().size()), g.getValue()))
                .sorted(Comparator.comparing(UsageGroup::month).thenComparing(g -> -g.totals().costUsd())
                        .thenComparing(g -> String.join("\u0000", g.keys())))
                .toList();
    }

    private static List<String> values(List<UsageDimension> by, UsageEvent e) {
        return by.stream().map(d -> value(d, e)).toList();
    }

    @Override
    public synchronized long pruneBefore(Instant before) {
        List<UsageEvent> old = events.values().stream().filter(e -> e.time().isBefore(before)).toList();
        old.forEach(e -> events.remove(e.id()));
        pruned.addAll(old);
        return old.size();
    }

    private List<UsageEvent> inRange(UsageFilter filter, long[] range) {
        List<UsageEvent> all = new ArrayList<>(events.values());
        all.addAll(pruned);
        return all.stream().filter(matches(filter))
                .filter(e -> e.time().toEpochMilli() >= range[0] && e.time().toEpochMilli() < range[1]).toList();
    }

    private static Predicate<UsageEvent> matches(UsageFilter f) {
        return e -> is(f.org(), e.orgId()) && is(f.key(), e.keyId()) && is(f.agent(), e.agent()) && is(f.feature(), e.feature())
                && is(f.provider(), e.provider()) && is(f.model(), e.model());
    }

    private static boolean is(Optional<String> wanted, String actual) {
        return wanted.isEmpty() || wanted.get().equals(actual == null ? "" : actual);
    }

    private static String value(UsageDimension by, UsageEvent e) {
        String v = switch (by) {
            case ORG -> e.orgId();
            case KEY -> e.keyId();
            case AGENT -> e.agent();
            case FEATURE -> e.feature();
            case PROVIDER -> e.provider();
            case MODEL -> e.model();
        };
        return v == null ? "" : v;
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
