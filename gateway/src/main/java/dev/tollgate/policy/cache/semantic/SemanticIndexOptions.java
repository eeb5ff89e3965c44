package dev.tollgate.policy.cache.semantic;

import java.nio.file.Path;
import java.util.Optional;

/**
 * @param maxEntries the bound on entries (over all namespaces); the least recently used entry goes first
 * @param strictness the operating point of the hit decision
 * @param decision   a retrained decision file to use instead of the one shipped in the module
 */
public record SemanticIndexOptions(int maxEntries, Strictness strictness, Optional<Path> decision) {

    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    public SemanticIndexOptions {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("max_entries: " + maxEntries + " (expected: >= 1)");
        }
        if (strictness == null) {
            throw new IllegalArgumentException("strictness: null (expected: " + Strictness.CHOICES + ")");
        }
        if (decision == null) {
            throw new IllegalArgumentException("decision: null (expected: a file, or empty for the shipped one)");
        }
    }

    public SemanticIndexOptions(int maxEntries, Strictness strictness) {
        this(maxEntries, strictness, Optional.empty());
    }

    public static SemanticIndexOptions defaults() {
        return new SemanticIndexOptions(DEFAULT_MAX_ENTRIES, Strictness.BALANCED);
    }
}
