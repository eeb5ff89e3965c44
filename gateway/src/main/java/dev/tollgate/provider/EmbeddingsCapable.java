package dev.tollgate.provider;

import dev.tollgate.model.EmbeddingRequest;

/** An adapter that can also compute embeddings; answers in OpenAI's {@code list} of embeddings shape. */
public interface EmbeddingsCapable {

    /** @throws UpstreamException when the call failed */
    ProviderResponse.Complete embed(EmbeddingRequest request, String upstreamModel);
}
