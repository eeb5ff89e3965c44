package dev.tollgate.policy.cache.semantic;

import dev.tollgate.model.ChatRequest;
import java.util.Optional;

/**
 * An in-process semantic cache: answers stored under the conversation that produced them, found again for
 * conversations that mean the same. Thread-safe; bounded in entries (the least recently used entry goes first).
 *
 * <p>Isolation is the contract: {@link #lookup} only ever returns an entry stored under an equal
 * {@link SemanticNamespace}. The namespace carries the org, the resolved model and an opaque key for everything
 * else that changes the answer (tools, response format, sampling parameters, ...), which the caller computes.
 *
 * <p>The payload is opaque to the index: the cache stage stores whatever it needs to replay the answer (the
 * response bytes, its usage, its cost) and gets the same bytes back on a hit.
 */
public interface SemanticIndex extends AutoCloseable {

    /** The best entry of {@code namespace} whose stored conversation the hit decision accepts for this one. */
    Optional<SemanticMatch> lookup(SemanticNamespace namespace, SemanticText text);

    /**
     * Stores {@code payload} as the answer to {@code text}, evicting the least recently used entry when full.
     * Returns the new entry's id, or empty when the text cannot be cached semantically (nothing to embed).
     */
    Optional<String> put(SemanticNamespace namespace, SemanticText text, byte[] payload);

    /** Removes the entry {@link #put} returned {@code entryId} for (an expired one); false when it is gone already. */
    boolean remove(String entryId);

    /** Removes one org's entries, or only those of one of its models; returns how many were removed. */
    int invalidate(String org, Optional<String> model);

    /** Entries and bytes held now. */
    SemanticStats stats();

    /** The request's conversation, or empty when it cannot be cached semantically (see {@link SemanticText#of}). */
    default Optional<SemanticMatch> lookup(SemanticNamespace namespace, ChatRequest request) {
        return SemanticText.of(request).flatMap(text -> lookup(namespace, text));
    }

    default Optional<String> put(SemanticNamespace namespace, ChatRequest request, byte[] payload) {
        return SemanticText.of(request).flatMap(text -> put(namespace, text, payload));
    }

    /** Releases the index; the model stays loaded for other indexes of the same provider. */
    @Override
    void close();
}
