package dev.tollgate.store.journal;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageDimension;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageGroup;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.UsageTotals;
import dev.tollgate.store.memory.InMemoryUsageLedger;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** An in-memory ledger that records what it was given, and whose flushes a test can hold back. */
final class RecordingUsageLedger implements UsageLedger {

    private final InMemoryUsageLedger delegate = new InMemoryUsageLedger();
    private final ConcurrentLinkedQueue<UsageEvent> appended = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Integer> appendsSeenByFlushes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger flushes = new AtomicInteger();
    private volatile CountDownLatch held = new CountDownLatch(0);
    private volatile Consumer<UsageEvent> onAppend = e -> { };

    void holdFlushes() {
        held = new CountDownLatch(1);
    }

    void releaseFlushes() {
        held.countDown();
    }

    void onAppend(Consumer<UsageEvent> hook) {
        onAppend = hook;
    }

    List<UsageEvent> appended() {
        return List.copyOf(appended);
    }

    int flushes() {
        return flushes.get();
    }

    /** For each flush, how many events had been appended when it was asked. */
    List<Integer> appendsSeenByFlushes() {
        return List.copyOf(appendsSeenByFlushes);
    }

    @Override
    public void append(UsageEvent event) {
        onAppend.accept(event);
        appended.add(event);
        delegate.append(event);
    }

    @Override
    public void flush() {
        flush(Duration.ofSeconds(30));
    }

    @Override
    public boolean flush(Duration timeout) {
        flushes.incrementAndGet();
        appendsSeenByFlushes.add(appended.size());
        try {
            return held.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public List<UsageEvent> recent(UsageFilter filter, int limit, java.util.Optional<String> before) {
        return delegate.recent(filter, limit, before);
    }

    @Override
    public long count() {
        return delegate.count();
    }

    @Override
    public UsageTotals totals(UsageFilter filter, Instant from, Instant to) {
        return delegate.totals(filter, from, to);
    }

    @Override
    public List<UsageGroup> breakdown(List<UsageDimension> by, UsageFilter filter, Instant from, Instant to) {
        return delegate.breakdown(by, filter, from, to);
    }

    @Override
    public List<UsageGroup> monthly(List<UsageDimension> by, UsageFilter filter, YearMonth from, YearMonth to) {
        return delegate.monthly(by, filter, from, to);
    }

    @Override
    public long pruneBefore(Instant before) {
        return delegate.pruneBefore(before);
    }

    @Override
    public boolean healthy() {
        return true;
    }

    @Override
    public void close() {
        releaseFlushes();
    }

    @Override
    public List<dev.tollgate.store.UsageBucket> series(UsageFilter filter, java.time.Instant from, java.time.Instant to,
                                                       java.time.temporal.ChronoUnit unit) {
        return delegate.series(filter, from, to, unit);
    }
}
