package dev.tollgate.policy.cache.semantic;

/**
 * @param entries    entries held now
 * @param maxEntries the bound; adding past it evicts the least recently used entry
 * @param bytes      an estimate of the heap they take: payloads, text profiles and vectors (index structures included)
 */
public record SemanticStats(long entries, long maxEntries, long bytes) {
}
