package dev.tollgate.provider;

import dev.tollgate.model.Usage;
import java.util.Map;

/**
 * What an upstream call produced, in OpenAI's response shape (the gateway's inner lingua franca for
 * responses): a complete JSON body, or a stream of chunks still being read.
 */
public sealed interface ProviderResponse {

    /** Headers to pass to the client, lower-case names. */
    Map<String, String> headers();

    record Complete(byte[] body, Usage usage, Map<String, String> headers) implements ProviderResponse {
    }

    record Streaming(ChunkStream chunks, Map<String, String> headers) implements ProviderResponse {
    }
}
