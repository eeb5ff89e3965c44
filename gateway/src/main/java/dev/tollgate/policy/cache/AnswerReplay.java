package dev.tollgate.policy.cache;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.DeliveredAnswer;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.Wire;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Between delivered answers and stored ones: {@link #stored} keeps what the client was delivered (its body, or
 * every chunk of its stream), and {@link #replay} makes it an answer like an upstream's again, whole or streamed as
 * the new request asks, in the shape it was stored in ({@link Wire}); the dialect then writes it as it writes any
 * answer. A stream replayed from a whole answer (or the other way round) is converted ({@link OpenAiReplay},
 * {@link AnthropicReplay}).
 */
final class AnswerReplay {

    private final JsonMapper json;
    private final OpenAiReplay openAi;
    private final AnthropicReplay anthropic;

    AnswerReplay(JsonMapper json) {
        this.json = json;
        this.openAi = new OpenAiReplay(json);
        this.anthropic = new AnthropicReplay(json);
    }

    /**
     * What to store of a delivered answer, billed as {@code billed}. A stream of OpenAI chunks without the usage
     * chunk (an upstream that sends none) gets one, so a replay can give it to a client that asks for usage.
     */
    StoredAnswer stored(DeliveredAnswer answer, UsageEvent billed, long nowMillis) {
        return switch (answer) {
            case DeliveredAnswer.Whole whole -> new StoredAnswer(false, whole.wire(), whole.body(), List.of(), whole.usage(),
                    billed.costUsd(), billed.provider(), billed.model(), nowMillis, Long.MAX_VALUE);
            case DeliveredAnswer.Streamed streamed -> new StoredAnswer(true, streamed.wire(), new byte[0], withUsage(streamed),
                    streamed.usage(), billed.costUsd(), billed.provider(), billed.model(), nowMillis, Long.MAX_VALUE);
        };
    }

    private List<Chunk> withUsage(DeliveredAnswer.Streamed streamed) {
        List<Chunk> chunks = streamed.chunks();
        if (streamed.wire() != Wire.OPENAI || chunks.isEmpty() || chunks.stream().anyMatch(Chunk::usageOnly)) {
            return chunks;
        }
        List<Chunk> out = new ArrayList<>(chunks);
        out.add(openAi.usageChunk(json.readTree(chunks.getFirst().json()), streamed.usage()));
        return out;
    }

    /** The stored answer as a response to a request that is {@code stream}ed or not. */
    ProviderResponse replay(StoredAnswer stored, boolean stream) {
        if (stream) {
            List<Chunk> chunks = stored.streamed() ? stored.chunks() : switch (stored.wire()) {
                case OPENAI -> openAi.chunks(stored.body(), stored.usage());
                case ANTHROPIC -> anthropic.events(stored.body());
                case RESPONSES -> throw notStored();
            };
            return new ProviderResponse.Streaming(new Replayed(chunks, stored.usage()), Map.of(), stored.wire());
        }
        byte[] body = !stored.streamed() ? stored.body() : switch (stored.wire()) {
            case OPENAI -> openAi.completion(stored.chunks(), stored.usage());
            case ANTHROPIC -> anthropic.message(stored.chunks());
            case RESPONSES -> throw notStored();
        };
        return new ProviderResponse.Complete(body, stored.usage(), Map.of(), stored.wire());
    }

    /** Whether an answer in this shape can be stored: a Responses passthrough answer cannot ({@link #notStored}). */
    static boolean storable(DeliveredAnswer answer) {
        Wire wire = switch (answer) {
            case DeliveredAnswer.Whole whole -> whole.wire();
            case DeliveredAnswer.Streamed streamed -> streamed.wire();
        };
        return wire != Wire.RESPONSES;
    }

    /**
     * A Responses API answer passed through from the upstream carries the upstream's own response and item ids, and
     * items (reasoning, built-in tool calls) this replay cannot turn from a whole answer into a stream or back; it is
     * not stored. Translated Responses calls are stored like chat calls.
     */
    private static IllegalStateException notStored() {
        return new IllegalStateException("a Responses API passthrough answer is never stored in the cache");
    }

    /** Stored chunks, all in memory: each is ready, so the relay writes them in one flush. */
    private static final class Replayed implements ChunkStream {
        private final Iterator<Chunk> chunks;
        private final Usage usage;

        Replayed(List<Chunk> chunks, Usage usage) {
            this.chunks = chunks.iterator();
            this.usage = usage;
        }

        @Override
        public Chunk next() {
            return chunks.hasNext() ? chunks.next() : null;
        }

        @Override
        public boolean nextIsReady() {
            return true;
        }

        @Override
        public Usage usage() {
            return usage;
        }

        @Override
        public void close() {
            // nothing to release
        }
    }
}
