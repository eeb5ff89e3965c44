package dev.tollgate.pipeline;

import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.Wire;
import java.util.List;
import java.util.Map;

/**
 * An answer that reached the client in full, as {@link DeliveredHook}s see it: the cache fills from it,
 * and replays it later as the same kind of answer (a whole body, or the same chunks as a stream).
 */
public sealed interface DeliveredAnswer {

    Usage usage();

    /** The answer's shape: one passed through in a client's own dialect can only be replayed to that dialect. */
    Wire wire();

    /** A whole answer: its body and the headers passed on with it. */
    record Whole(byte[] body, Usage usage, Map<String, String> headers, Wire wire) implements DeliveredAnswer {
    }

    /** A streamed answer: every chunk the upstream sent, usage-only ones included, in order. */
    record Streamed(List<Chunk> chunks, Usage usage, Map<String, String> headers, Wire wire) implements DeliveredAnswer {

        public Streamed {
            chunks = List.copyOf(chunks);
        }
    }
}
