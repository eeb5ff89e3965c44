package dev.tollgate.policy.cache;

import dev.tollgate.store.ExactCacheStore;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Identical concurrent misses in this process make one upstream call: the first becomes the key's leader and
 * calls; the others follow, waiting (up to a bound) for the leader's call to end, then look the key up again. A
 * leader whose call ended without filling the cache (it failed, was cut, or its answer was not stored) releases its
 * followers, and each then calls the upstream itself, as it would have without a cache; so followers never get
 * anything but a complete stored answer, and never wait for a leader that will not bring one.
 */
final class SingleFlight {

    /** One leader's call in progress; its followers wait for {@link #land}. */
    static final class Flight {
        private final CountDownLatch landed = new CountDownLatch(1);

        /** Waits for the leader's call to end; false when {@code wait} ran out first. */
        boolean await(Duration wait) {
            try {
                return landed.await(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** A caller's place in a key's flight: its {@code leader}, or a follower of the leader's flight. */
    record Seat(Flight flight, boolean leader) {
    }

    private final ConcurrentHashMap<ExactCacheStore.Key, Flight> flights = new ConcurrentHashMap<>();

    /** The key's flight: a new one this caller leads, or the leader's, to follow. */
    Seat join(ExactCacheStore.Key key) {
        Flight mine = new Flight();
        Flight existing = flights.putIfAbsent(key, mine);
        return existing == null ? new Seat(mine, true) : new Seat(existing, false);
    }

    /** Ends the leader's flight: its followers look the key up again. Call once the answer is stored (or will not be). */
    void land(ExactCacheStore.Key key, Flight flight) {
        if (flights.remove(key, flight)) {
            flight.landed.countDown();
        }
    }

    /** Flights in progress (tests and stats). */
    int inFlight() {
        return flights.size();
    }
}
