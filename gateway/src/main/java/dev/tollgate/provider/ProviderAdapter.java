package dev.tollgate.provider;

import dev.tollgate.model.ChatRequest;

/**
 * Talks to one configured upstream. Implementations are thread-safe and hold their own connection pool.
 * Optional abilities are separate interfaces ({@link EmbeddingsCapable}) so no adapter carries stubs.
 */
public interface ProviderAdapter extends AutoCloseable {

    /**
     * Sends a chat call. Returns once the upstream accepted it: for streams, when the response headers
     * arrived (the body is read later through {@link ChunkStream}).
     *
     * @param upstreamModel the model name as this upstream knows it
     * @throws UpstreamException when the call failed before any answer could be returned
     */
    ProviderResponse chat(ChatRequest request, String upstreamModel);

    @Override
    void close();
}
