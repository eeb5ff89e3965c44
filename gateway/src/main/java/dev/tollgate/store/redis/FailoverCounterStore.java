package dev.tollgate.store.redis;

import dev.tollgate.store.Claim;
import dev.tollgate.store.CounterStore;
import dev.tollgate.store.FailureLog;
import dev.tollgate.store.StoreUnavailableException;
import dev.tollgate.store.memory.InMemoryCounterStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis counters with an outage policy ({@code counters.on_outage}). While Redis answers, every call goes
 * to it. The first call that finds it unreachable switches the store to <em>down</em>, and a watcher thread
 * probes Redis every {@link #PROBE_EVERY} until it answers again:
 *
 * <ul>
 *   <li><b>fail closed</b>: reservations and reads throw {@link StoreUnavailableException} at once (the
 *   pipeline answers 503); settlements and resets are queued and replayed, in order, when Redis returns, so a
 *   call that reserved before the outage is still settled exactly. The operation that found the outage is
 *   not replayed: it was sent, and Redis may have applied it (applying a release twice would let calls past a
 *   limit; not applying it can only leave a counter high until its window ends).</li>
 *   <li><b>fail open</b>: every operation goes to counters in this process (limits then hold per instance);
 *   when Redis returns, what they counted is added to Redis' counters.</li>
 * </ul>
 *
 * When Redis comes back without its seed marker (it restarted empty), queued work and local counts are
 * dropped and the budget counters are re-seeded from the ledger instead (which holds every settled call).
 * The switch back happens under a write lock, so no operation of the down path runs half before, half after.
 */
public final class FailoverCounterStore implements CounterStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverCounterStore.class);
    static final Duration PROBE_EVERY = Duration.ofMillis(250);
    /** Settlements held while Redis is down (fail closed); beyond this they are dropped (counters then over-count). */
    static final int MAX_QUEUED = 200_000;

    private final RedisCounterStore redis;
    private final boolean failOpen;
    private final Clock clock;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final FailureLog failureLog = new FailureLog();
    /** Guarded by the read lock to add, the write lock to replay. */
    private final ArrayDeque<Consumer<CounterStore>> queued = new ArrayDeque<>();
    private volatile boolean down;
    private volatile boolean running = true;
    private volatile InMemoryCounterStore local;
    private volatile String lastError = "";
    private Thread watcher;

    public FailoverCounterStore(RedisCounterStore redis, boolean failOpen, Clock clock) {
        this.redis = redis;
        this.failOpen = failOpen;
        this.clock = clock;
        this.local = new InMemoryCounterStore(clock);
    }

    @Override
    public Reservation reserve(List<Claim> claims) {
        if (!down) {
            try {
                return redis.reserve(claims);
            } catch (StoreUnavailableException e) {
                wentDown(e);
            }
        }
        lock.readLock().lock();
        try {
            if (!down) {
                return redis.reserve(claims);
            }
            if (failOpen) {
                return local.reserve(claims);
            }
            throw outage();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void adjust(List<Claim> deltas) {
        write(store -> store.adjust(deltas));
    }

    @Override
    public void set(String key, long value, java.time.Instant expiresAt) {
        write(store -> store.set(key, value, expiresAt));
    }

    @Override
    public List<Long> values(List<String> keys) {
        if (!down) {
            try {
                return redis.values(keys);
            } catch (StoreUnavailableException e) {
                wentDown(e);
            }
        }
        if (failOpen) {
            return local.values(keys);
        }
        throw outage();
    }

    @Override
    public boolean needsSeeding() {
        return redis.needsSeeding();
    }

    @Override
    public void markSeeded() {
        redis.markSeeded();
    }

    @Override
    public void onLoss(Consumer<CounterStore> reseed) {
        redis.onLoss(reseed);
    }

    /** Whether Redis is in use now (false while this instance treats it as down). */
    public boolean healthy() {
        return !down;
    }

    /** For {@code /ready}: {@code ok}, or what the instance does meanwhile. */
    public String state() {
        if (!down) {
            return "ok";
        }
        return failOpen ? "degraded (Redis unreachable; counting in this instance)" : "failing (Redis unreachable; calls refused)";
    }

    public boolean failOpen() {
        return failOpen;
    }

    private void write(Consumer<CounterStore> op) {
        if (!down) {
            try {
                op.accept(redis);
                return;
            } catch (StoreUnavailableException e) {
                // Sent, but unanswered: Redis may still apply it, so it is neither replayed nor counted here
                // (a replay could apply a release twice and let calls past a limit; dropping it can only over-count).
                wentDown(e);
                return;
            }
        }
        lock.readLock().lock();
        try {
            if (!down) {
                op.accept(redis);
            } else if (failOpen) {
                op.accept(local);
            } else {
                synchronized (queued) {
                    if (queued.size() < MAX_QUEUED) {
                        queued.addLast(op);
                    } else if (queued.size() == MAX_QUEUED) {
                        LOG.error("counters: {} settlements are queued for Redis already; later ones are dropped (counters stay high)", MAX_QUEUED);
                    }
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private StoreUnavailableException outage() {
        return new StoreUnavailableException(lastError, null);
    }

    private synchronized void wentDown(StoreUnavailableException e) {
        lastError = e.getMessage();
        if (down) {
            return;
        }
        down = true;
        if (failureLog.failed()) {
            LOG.error("{}; {} until it answers again", e.getMessage(),
                    failOpen ? "counting budgets and rate limits in this instance" : "refusing calls that need a counter");
        }
        if (running) {
            watcher = Thread.ofVirtual().name("tollgate-redis-watch").start(this::watch);
        }
    }

    /** Probes Redis until it answers, then switches back. */
    private void watch() {
        while (running) {
            try {
                Thread.sleep(PROBE_EVERY);
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (redis.healthy() && recover()) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.warn("counters: switching back to Redis failed, retrying: {}", e.getMessage());
            }
        }
    }

    private boolean recover() {
        lock.writeLock().lock();
        try {
            if (redis.needsSeeding()) {
                synchronized (queued) {
                    queued.clear();
                }
                redis.reseedIfLost();
            } else {
                replay();
                if (failOpen) {
                    List<Claim> counted = local.live();
                    if (!counted.isEmpty()) {
                        redis.adjust(counted);
                    }
                }
            }
            local = new InMemoryCounterStore(clock);
            synchronized (this) {
                down = false;
            }
            if (failureLog.recovered()) {
                LOG.info("counters: Redis answers again; budgets and rate limits are shared again");
            }
            return true;
        } catch (StoreUnavailableException e) {
            lastError = e.getMessage();
            return false;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void replay() {
        synchronized (queued) {
            while (!queued.isEmpty()) {
                queued.peekFirst().accept(redis);
                queued.removeFirst();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        Thread w = watcher;
        if (w != null) {
            w.interrupt();
        }
        redis.close();
    }
}
