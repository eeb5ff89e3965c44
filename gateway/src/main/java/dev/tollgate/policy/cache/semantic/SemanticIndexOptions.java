package dev.tollgate.policy.cache.semantic;

/**
 * @param maxEntries the bound on entries (over all namespaces); the least recently used entry goes first
 * @param strictness the operating point of the hit decision
 */
public record SemanticIndexOptions(int maxEntries, Strictness strictness) {

    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    public SemanticIndexOptions {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("max_entries: " + maxEntries + " (expected: >= 1)");
        }
        if (strictness == null) {
            throw new IllegalArgumentException("strictness: null (expected: " + Strictness.CHOICES + ")");
        }
    }

    public static SemanticIndexOptions defaults() {
        return new SemanticIndexOptions(DEFAULT_MAX_ENTRIES, Strictness.BALANCED);
    }
}
