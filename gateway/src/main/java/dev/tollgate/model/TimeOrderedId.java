package dev.tollgate.model;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids for events and requests: UUIDv7 (48 bits of Unix milliseconds, then random bits), so ids sort by
 * time. The random part comes from {@link ThreadLocalRandom}: these ids must be unique, not secret, and
 * {@link UUID#randomUUID()}'s SecureRandom costs a system call per id on the request path.
 */
public final class TimeOrderedId {

    private TimeOrderedId() {
    }

    public static UUID next(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }

    public static String next() {
        return next(System.currentTimeMillis()).toString();
    }
}
