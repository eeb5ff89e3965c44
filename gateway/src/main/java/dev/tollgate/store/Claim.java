package dev.tollgate.store;

import java.time.Instant;

/**
 * An amount to add to one shared counter, with that counter's limit and the end of its period.
 *
 * @param key       the counter, including its period ({@code budget:b1:agent=imperium:2026-11}); opaque to the store
 * @param amount    what to add (tokens, micro-dollars, requests); negative only in {@link CounterStore#adjust}
 * @param limit     the value the counter may reach but not pass; {@link #NO_LIMIT} for none
 * @param expiresAt when the counter's period ends and it may be forgotten (its value then reads 0)
 */
public record Claim(String key, long amount, long limit, Instant expiresAt) {

    public static final long NO_LIMIT = Long.MAX_VALUE;

    public Claim {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("claim: key is empty");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("claim: negative limit " + limit + " (expected: >= 0)");
        }
    }
}
