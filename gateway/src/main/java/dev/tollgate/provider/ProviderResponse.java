package dev.tollgate.provider;

import dev.tollgate.model.Usage;
import java.util.Map;

/**
 * What an upstream call produced: a complete JSON body, or a stream of chunks still being read; in the
 * gateway's inner shape (OpenAI's), or passed through in the client's own dialect ({@link #wire()}).
 */
public sealed interface ProviderResponse {

    /** Headers to pass to the client, lower-case names. */
    Map<String, String> headers();

    /** The shape of the body or chunks. */
    Wire wire();

    record Complete(byte[] body, Usage usage, Map<String, String> headers, Wire wire) implements ProviderResponse {

        /** An answer in the inner (OpenAI) shape. */
        public Complete(byte[] body, Usage usage, Map<String, String> headers) {
            this(body, usage, headers, Wire.OPENAI);
        }
    }

    record Streaming(ChunkStream chunks, Map<String, String> headers, Wire wire) implements ProviderResponse {

        /** A stream of OpenAI chunks. */
        public Streaming(ChunkStream chunks, Map<String, String> headers) {
            this(chunks, headers, Wire.OPENAI);
        }
    }
}
