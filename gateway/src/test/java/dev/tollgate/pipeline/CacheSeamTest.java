package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Role;
import dev.tollgate.model.Scope;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.usage.PriceTable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The seam a cache stage uses: it answers a call with a stored answer (whole, or replayed as a stream)
 * and fills itself through the one {@link DeliveredHook}, only from calls that were delivered in full.
 */
class CacheSeamTest {

    private static final Usage BILLED = new Usage(12, 3, 0, 0, false);

    private final FakeAdapter upstream = new FakeAdapter();
    private final RecordingListener listener = new RecordingListener();
    private final FakeCacheStage cache = new FakeCacheStage();

    /** A cache in miniature: keyed by model and streaming, answers from what the hook kept. */
    static final class FakeCacheStage implements Stage {
        final Map<String, DeliveredAnswer> stored = new HashMap<>();

        @Override
        public ProviderResponse process(RequestContext ctx, Chain chain) {
            String key = ctx.requestedModel().orElseThrow() + "|" + ctx.request().orElseThrow().stream();
            DeliveredAnswer hit = stored.get(key);
            if (hit == null) {
                ctx.onDelivered((done, answer, billed) -> stored.put(key, answer));
                return chain.proceed(ctx);
            }
            ctx.servedFromCache("exact", 0.25);
            return switch (hit) {
                case DeliveredAnswer.Whole whole -> new ProviderResponse.Complete(whole.body(), whole.usage(), whole.headers(), whole.wire());
                case DeliveredAnswer.Streamed streamed -> new ProviderResponse.Streaming(replay(streamed), streamed.headers(), streamed.wire());
            };
        }

        private static ChunkStream replay(DeliveredAnswer.Streamed streamed) {
            Iterator<Chunk> chunks = streamed.chunks().iterator();
            return new ChunkStream() {
                @Override
                public Chunk next() {
                    return chunks.hasNext() ? chunks.next() : null;
                }

                @Override
                public Usage usage() {
                    return streamed.usage();
                }

                @Override
                public void close() {
                }
            };
        }
    }

    private Pipeline pipeline() {
        Stage setUp = (ctx, chain) -> {
            ctx.principal(new Principal("acme", "key_1", Set.of(Scope.INFER), Set.of(), Optional.empty(), Optional.empty()));
            ctx.request(new ChatRequest(Optional.of("gpt-4o-mini"), ctx.inbound().body().length > 0, false, Optional.empty(),
                    List.of(Message.text(Role.USER, "hi")), List.of(), JsonNodeFactory.instance.objectNode()));
            ctx.route("gpt-4o-mini", List.of(upstream.deployment("openai", "gpt-4o-mini")), "explicit");
            return chain.proceed(ctx);
        };
        return new Pipeline(List.of(setUp, cache, new FallbackStage(List.of(new UpstreamCallStage(listener)))), listener,
                PriceTable.bundled(JsonMapper.builder().build()), Clock.systemUTC());
    }

    private RequestContext call(Pipeline p, boolean stream) {
        return p.newContext("req", Endpoint.CHAT, new Inbound(h -> Optional.empty(), stream ? new byte[] {1} : new byte[0], b -> null));
    }

    private byte[] whole(Pipeline p) {
        try (Answer answer = p.execute(call(p, false))) {
            ((Answer.Whole) answer).deliver();
            return ((Answer.Whole) answer).body();
        }
    }

    private List<String> streamed(Pipeline p, RecordingEncoder encoder) {
        try (Answer answer = p.execute(call(p, true))) {
            ((Answer.Streamed) answer).relay(encoder);
            return encoder.written;
        }
    }

    @Test
    void aWholeAnswer_fillsTheCacheWhenDelivered_andTheNextCallIsAnsweredFromIt() {
        upstream.whole("{\"answer\":\"Paris\"}", BILLED);
        Pipeline p = pipeline();

        byte[] first = whole(p);
        byte[] second = whole(p);

        assertThat(upstream.calls()).isEqualTo(1);
        assertThat(new String(second, StandardCharsets.UTF_8)).isEqualTo(new String(first, StandardCharsets.UTF_8)).contains("Paris");
        assertThat(listener.completed).extracting(UsageEvent::cacheTier).containsExactly("miss", "exact");
        assertThat(listener.completed).extracting(UsageEvent::savedUsd).containsExactly(0.0, 0.25);
        assertThat(listener.completed).extracting(UsageEvent::usage).containsExactly(BILLED, Usage.NONE);
        assertThat(listener.completed.getLast().attempts()).isZero();
    }

    @Test
    void aStream_fillsTheCacheWithEveryChunk_andIsReplayedAsTheSameStream() {
        upstream.stream(List.of("a", "b", "c"), BILLED, -1);
        Pipeline p = pipeline();

        List<String> first = streamed(p, new RecordingEncoder());
        List<String> second = streamed(p, new RecordingEncoder());

        assertThat(upstream.calls()).isEqualTo(1);
        assertThat(first).containsExactly("a", "b", "c", "[end 15]");
        // The same chunks; the hit is billed nothing (the encoder's end sees the settled event).
        assertThat(second).containsExactly("a", "b", "c", "[end 0]");
        assertThat(listener.completed).extracting(UsageEvent::cacheTier).containsExactly("miss", "exact");
        assertThat(listener.completed.getLast().usage()).isEqualTo(Usage.NONE);
        assertThat(listener.completed.getLast().costUsd()).isZero();
    }

    @Test
    void aCallThatDidNotEndDelivered_neverFillsTheCache() {
        upstream.stream(List.of("a", "b", "c"), BILLED, -1).stream(List.of("a", "b", "c"), BILLED, 1).whole("{}", BILLED);
        Pipeline p = pipeline();

        streamed(p, new RecordingEncoder(1, () -> { }));
        streamed(p, new RecordingEncoder());
        p.execute(call(p, false)).close();

        assertThat(cache.stored).isEmpty();
        assertThat(listener.completed).extracting(UsageEvent::errorCode)
                .containsExactly("client_closed_request", "upstream_stream_failed", "abandoned");
    }
}
