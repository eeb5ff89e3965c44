package dev.tollgate.config;

import java.time.Duration;
import java.util.Map;

/**
 * The response cache ({@code cache:}): which tiers answer for which org, how long entries live, and how much
 * the cache may hold. Every org gets the global settings, changed where {@code cache.orgs.<org>} says otherwise.
 *
 * @param global             the settings of every org without an entry in {@code orgs}
 * @param orgs               org id → its settings (the global ones with the org's own changes applied)
 * @param maxBytes           the bound of the exact and workflow entries together, keys and answers included
 * @param maxEntryBytes      an answer larger than this (encoded) is not stored, so one huge answer cannot flush the cache
 * @param semanticMaxEntries the bound of each semantic index (one per strictness in use)
 * @param singleFlightWait   how long identical concurrent misses wait for the first one's answer; zero: they do not wait
 * @param store              where the exact and workflow entries live: this process, or the Redis of {@code counters:} (shared)
 */
public record CacheConfig(Settings global, Map<String, Settings> orgs, long maxBytes, long maxEntryBytes, int semanticMaxEntries,
                          Duration singleFlightWait, Store store) {

    /** {@code cache.store}: {@code memory} (this process, bounded by {@code max_bytes}) or {@code redis} (shared by every instance). */
    public enum Store {
        MEMORY, REDIS;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    public static final long DEFAULT_MAX_ENTRY_BYTES = 1L << 20;
    public static final int DEFAULT_SEMANTIC_MAX_ENTRIES = 100_000;
    public static final Duration DEFAULT_SINGLE_FLIGHT_WAIT = Duration.ofSeconds(60);
    public static final String DEFAULT_STRICTNESS = "balanced";

    /** One tier for one org: whether it answers and fills, and how long its entries live. */
    public record Tier(boolean enabled, Duration ttl) {
    }

    /**
     * Everything that can differ per org.
     *
     * @param strictness the semantic hit decision's operating point: {@code strict}, {@code balanced} or {@code lenient}
     */
    public record Settings(Tier exact, Tier semantic, Tier workflow, String strictness) {

        /** Whether any tier answers for this org. */
        public boolean anyEnabled() {
            return exact.enabled() || semantic.enabled() || workflow.enabled();
        }
    }

    /** Exact and semantic off until configured; the workflow tier on (it only serves calls that name a task and step). */
    public static final Settings DEFAULT_SETTINGS = new Settings(new Tier(false, Duration.ofHours(1)), new Tier(false, Duration.ofHours(1)),
            new Tier(true, Duration.ofHours(24)), DEFAULT_STRICTNESS);

    public static final CacheConfig DEFAULTS = new CacheConfig(DEFAULT_SETTINGS, Map.of(), DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRY_BYTES,
            DEFAULT_SEMANTIC_MAX_ENTRIES, DEFAULT_SINGLE_FLIGHT_WAIT, Store.MEMORY);

    public CacheConfig {
        orgs = Map.copyOf(orgs);
    }

    /** Entries in this process. */
    public CacheConfig(Settings global, Map<String, Settings> orgs, long maxBytes, long maxEntryBytes, int semanticMaxEntries,
                       Duration singleFlightWait) {
        this(global, orgs, maxBytes, maxEntryBytes, semanticMaxEntries, singleFlightWait, Store.MEMORY);
    }

    /** The settings that apply to {@code org}. */
    public Settings forOrg(String org) {
        Settings own = org == null ? null : orgs.get(org);
        return own == null ? global : own;
    }

    /** Whether the semantic tier answers for any org (then the gateway opens its index). */
    public boolean semanticAnywhere() {
        return global.semantic().enabled() || orgs.values().stream().anyMatch(s -> s.semantic().enabled());
    }
}
