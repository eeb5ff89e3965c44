package dev.tollgate.provider;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Enforces the deadlines of upstream reads and writes that are blocked on a socket: one daemon thread
 * looks at the connections in an exchange every {@link #TICK_NANOS} and closes the socket of any whose
 * blocked operation is past its deadline, which ends the operation with an error the connection reports
 * as a timeout ({@link UpstreamConnection}).
 *
 * <p>Why not the socket's own timeout: a virtual thread blocked in a timed socket read registers a timer
 * with the JDK's scheduler and cancels it when the read returns, and each of those wakes the scheduler's
 * timer thread. That was about 3% of a proxied call's CPU on one core (BENCHMARKS.md, profile of run 7);
 * here a read costs a volatile write and a compare-and-set, and the watch wakes a hundred times a second
 * whatever the load. A deadline is enforced up to one tick late.
 *
 * <p>When no connection has been in an exchange for {@link #QUIET_TICKS} ticks the thread parks until
 * one begins, so an idle gateway does not wake at all.
 */
final class DeadlineWatch {

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final int QUIET_TICKS = 100;

    /** The one watch of the process: deadlines are the same kind of work whichever client sets them. */
    static final DeadlineWatch SHARED = new DeadlineWatch();

    private final Set<UpstreamConnection> watched = ConcurrentHashMap.newKeySet();
    private volatile Thread thread;
    private volatile boolean sleeping;

    /** Watches {@code connection} until {@link #forget}: its blocked operations past their deadline are ended. */
    void watch(UpstreamConnection connection) {
        watched.add(connection);
        Thread t = thread;
        if (t == null) {
            start();
        } else if (sleeping) {
            LockSupport.unpark(t);
        }
    }

    void forget(UpstreamConnection connection) {
        watched.remove(connection);
    }

    /** Whether the thread is parked until the next {@link #watch}, having seen no exchange for {@link #QUIET_TICKS} ticks. */
    boolean sleeping() {
        return sleeping;
    }

    private synchronized void start() {
        if (thread == null) {
            thread = Thread.ofPlatform().name("tollgate-upstream-deadlines").daemon(true).start(this::run);
        }
    }

    private void run() {
        int quiet = 0;
        while (true) {
            if (!watched.isEmpty()) {
                quiet = 0;
            } else if (++quiet >= QUIET_TICKS) {
                // Announce the sleep before the last look, so a watch() that the look misses sees it and wakes us.
                sleeping = true;
                if (watched.isEmpty()) {
                    LockSupport.park(this);
                }
                sleeping = false;
                quiet = 0;
            }
            LockSupport.parkNanos(this, TICK_NANOS);
            long now = System.nanoTime();
            for (UpstreamConnection connection : watched) {
                connection.expireIfPast(now);
            }
        }
    }
}
