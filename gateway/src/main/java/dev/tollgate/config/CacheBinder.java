package dev.tollgate.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/** Binds {@code cache:}, reporting problems with their paths; an org's entry changes only what it names. */
final class CacheBinder {

    private static final Set<String> ROOT_KEYS = Set.of("enabled", "exact", "semantic", "workflow", "orgs", "max_bytes",
            "max_entry_bytes", "semantic_max_entries", "single_flight_wait_ms", "store");
    private static final Set<String> ORG_KEYS = Set.of("enabled", "exact", "semantic", "workflow");
    private static final Set<String> TIER_KEYS = Set.of("enabled", "ttl_seconds");
    private static final Set<String> SEMANTIC_KEYS = Set.of("enabled", "ttl_seconds", "strictness");
    private static final Set<String> STRICTNESS = Set.of("strict", "balanced", "lenient");
    private static final long MAX_TTL_SECONDS = 366L * 24 * 3600;

    private CacheBinder() {
    }

    /** The env-only start: {@code TOLLGATE_CACHE=exact,semantic} turns those tiers on ({@code off}: every tier off). */
    static void env(ObjectNode root, Map<String, String> env) {
        String value = env.get("TOLLGATE_CACHE");
        if (value == null || value.isBlank()) {
            return;
        }
        ObjectNode cache = root.putObject("cache");
        for (String tier : value.toLowerCase(java.util.Locale.ROOT).split(",")) {
            String name = tier.strip();
            if (name.equals("off")) {
                cache.put("enabled", false);
            } else if (!name.isEmpty()) {
                cache.putObject(name).put("enabled", true);
            }
        }
    }

    /** {@code counters} decides the default store (Redis when the counters are there) and is where a Redis store connects. */
    static CacheConfig cache(ConfigTree t, CountersConfig counters) {
        t.rejectUnknown(ROOT_KEYS);
        CacheConfig.Settings global = settings(t, CacheConfig.DEFAULT_SETTINGS);
        Map<String, CacheConfig.Settings> orgs = new LinkedHashMap<>();
        ConfigTree orgTree = t.child("orgs");
        for (String org : orgTree.names()) {
            ConfigTree o = orgTree.child(org);
            o.rejectUnknown(ORG_KEYS);
            orgs.put(org, settings(o, global));
        }
        CacheConfig d = CacheConfig.DEFAULTS;
        long maxBytes = t.number("max_bytes", d.maxBytes(), 1024, 1L << 40);
        long maxEntry = t.number("max_entry_bytes", d.maxEntryBytes(), 1, 1L << 31);
        int semanticEntries = (int) t.number("semantic_max_entries", d.semanticMaxEntries(), 1, 100_000_000);
        Duration wait = Duration.ofMillis(t.number("single_flight_wait_ms", d.singleFlightWait().toMillis(), 0, 600_000));
        return new CacheConfig(global, orgs, maxBytes, maxEntry, semanticEntries, wait, store(t, counters));
    }

    private static CacheConfig.Store store(ConfigTree t, CountersConfig counters) {
        boolean redis = counters.kind() == CountersConfig.Kind.REDIS;
        String text = t.string("store", null);
        if (text == null) {
            return redis ? CacheConfig.Store.REDIS : CacheConfig.Store.MEMORY;
        }
        switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "memory" -> {
                return CacheConfig.Store.MEMORY;
            }
            case "redis" -> {
                if (!redis) {
                    t.problem("store", "redis needs the Redis of counters: (counters.url or TOLLGATE_REDIS_URL; counters are in memory now)");
                    return CacheConfig.Store.MEMORY;
                }
                return CacheConfig.Store.REDIS;
            }
            default -> {
                t.problem("store", "'" + text + "' (expected one of: memory, redis)");
                return CacheConfig.Store.MEMORY;
            }
        }
    }

    /**
     * The settings of one level (the top, or one org), {@code base} where it says nothing: its {@code enabled}
     * decides every tier that does not say {@code enabled} itself.
     */
    private static CacheConfig.Settings settings(ConfigTree t, CacheConfig.Settings base) {
        Boolean all = t.has("enabled") ? t.bool("enabled", true) : null;
        CacheConfig.Tier exact = tier(t.child("exact"), base.exact(), all, TIER_KEYS);
        CacheConfig.Tier workflow = tier(t.child("workflow"), base.workflow(), all, TIER_KEYS);
        ConfigTree s = t.child("semantic");
        CacheConfig.Tier semantic = tier(s, base.semantic(), all, SEMANTIC_KEYS);
        String strictness = s.string("strictness", base.strictness());
        if (!STRICTNESS.contains(strictness)) {
            s.problem("strictness", "'" + strictness + "' (expected: strict, balanced or lenient)");
            strictness = base.strictness();
        }
        return new CacheConfig.Settings(exact, semantic, workflow, strictness);
    }

    private static CacheConfig.Tier tier(ConfigTree t, CacheConfig.Tier base, Boolean all, Set<String> keys) {
        t.rejectUnknown(keys);
        boolean enabled = t.bool("enabled", all == null ? base.enabled() : all);
        Duration ttl = Duration.ofSeconds(t.number("ttl_seconds", base.ttl().toSeconds(), 1, MAX_TTL_SECONDS));
        return new CacheConfig.Tier(enabled, ttl);
    }
}
