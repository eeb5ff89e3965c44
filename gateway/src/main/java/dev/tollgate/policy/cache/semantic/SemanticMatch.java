package dev.tollgate.policy.cache.semantic;

/**
 * A stored answer the hit decision accepted.
 *
 * @param entryId    the id {@link SemanticIndex#put} returned
 * @param similarity the cosine similarity of the two prompts' embeddings (for {@code x-tollgate-cache-similarity})
 * @param score      the decision's probability that the stored answer fits
 * @param payload    the bytes stored with the answer (not copied: do not modify)
 */
public record SemanticMatch(String entryId, double similarity, double score, byte[] payload) {
}
