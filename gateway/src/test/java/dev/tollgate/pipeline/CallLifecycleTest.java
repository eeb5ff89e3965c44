package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Role;
import dev.tollgate.model.Scope;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.usage.PriceTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Every way a call can end, each settled exactly once inside the pipeline: one usage event, one run of
 * every policy's settlement, with the usage it was billed, and the answer's closing bytes after that.
 */
class CallLifecycleTest {

    private static final PriceTable PRICES = PriceTable.bundled(JsonMapper.builder().build());
    private static final Usage BILLED = new Usage(12, 3, 0, 0, false);
    private static final Principal CALLER = new Principal("acme", "key_1", Set.of(Scope.INFER), Set.of(), Optional.empty(), Optional.empty());

    private final FakeAdapter upstream = new FakeAdapter();
    private final RecordingListener listener = new RecordingListener();
    /** What each settlement saw: the usage it settled with, once per call. */
    private final List<UsageEvent> settlements = new ArrayList<>();

    private Pipeline pipeline(boolean authenticated) {
        Stage setUp = (ctx, chain) -> {
            if (!authenticated) {
                throw GatewayException.unauthorized("missing API key");
            }
            ctx.principal(CALLER);
            ctx.request(new ChatRequest(Optional.of("gpt-4o-mini"), ctx.inbound().body().length > 0, false, Optional.empty(),
                    List.of(Message.text(Role.USER, "hi")), List.of(), JsonNodeFactory.instance.objectNode()));
            ctx.route("gpt-4o-mini", List.of(upstream.deployment("openai", "gpt-4o-mini")), "explicit: openai serves gpt-4o-mini");
            ctx.onSettle((done, billed) -> settlements.add(billed));
            return chain.proceed(ctx);
        };
        return new Pipeline(List.of(setUp, new FallbackStage(List.of(new UpstreamCallStage(listener)))), listener, PRICES, Clock.systemUTC());
    }

    /** A call; a non-empty body asks for a stream. */
    private RequestContext call(Pipeline pipeline, boolean stream) {
        return pipeline.newContext("req", Endpoint.CHAT, new Inbound(h -> Optional.empty(), stream ? new byte[] {1} : new byte[0], b -> null));
    }

    private void assertSettledOnce(RequestContext ctx, Ending ending, int status, Usage usage) {
        assertThat(ctx.ending()).contains(ending);
        assertThat(listener.completed).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.usage()).isEqualTo(usage);
        });
        assertThat(settlements).singleElement().isSameAs(listener.completed.getFirst());
    }

    @Test
    void wholeAnswer_delivered_isSettledBeforeItIsSent() {
        upstream.whole("{\"answer\":1}", BILLED);
        Pipeline p = pipeline(true);
        RequestContext ctx = call(p, false);
        try (Answer answer = p.execute(ctx)) {
            Answer.Whole whole = (Answer.Whole) answer;
            assertThat(ctx.settled()).isFalse();
            UsageEvent event = whole.deliver();
            assertThat(event.usage()).isEqualTo(BILLED);
            assertThat(event.provider()).isEqualTo("openai");
        }
        assertSettledOnce(ctx, Ending.DELIVERED, 200, BILLED);
        assertThat(listener.refused).isEmpty();
    }

    @Test
    void stream_delivered_isSettledBeforeItsEnd_withTheStreamsUsage() {
        upstream.stream(List.of("a", "b", "c"), BILLED, -1);
        Pipeline p = pipeline(true);
        RequestContext ctx = call(p, true);
        List<Boolean> settledAtEnd = new ArrayList<>();
        RecordingEncoder encoder = new RecordingEncoder(-1, () -> settledAtEnd.add(ctx.settled()));
        try (Answer answer = p.execute(ctx)) {
            assertThat(((Answer.Streamed) answer).relay(encoder)).isEqualTo(Ending.DELIVERED);
        }
        assertThat(encoder.written).containsExactly("a", "b", "c", "[end 15]");
        assertThat(settledAtEnd).containsExactly(true);
        assertSettledOnce(ctx, Ending.DELIVERED, 200, BILLED);
        assertThat(listener.log).containsSubsequence("attempt openai", "first token", "completed 200");
        assertThat(upstream.streams.getFirst().closed).isTrue();
    }

    @Test
    void chunksThatArrivedWithTheStreamsEnd_shareOneFlush_sentBeforeTheSettling() {
        upstream.streamArrivedAtOnce(List.of("a", "b", "c"), BILLED);
        Pipeline p = pipeline(true);
        RequestContext ctx = call(p, true);
        List<Boolean> settledAtFlush = new ArrayList<>();
        RecordingEncoder encoder = new RecordingEncoder();
        encoder.atFlush = () -> settledAtFlush.add(ctx.settled());
        try (Answer answer = p.execute(ctx)) {
            assertThat(((Answer.Streamed) answer).relay(encoder)).isEqualTo(Ending.DELIVERED);
        }
        assertThat(encoder.written).containsExactly("a", "b", "c", "[end 15]");
        assertThat(encoder.flushedAt).as("one flush, once all three were written").containsExactly(3);
        assertThat(settledAtFlush).as("the chunks did not wait for the settling").containsExactly(false);
        assertSettledOnce(ctx, Ending.DELIVERED, 200, BILLED);
    }

    @Test
    void upstreamFailedBeforeTheFirstByte_isAFailedAnswer_settledWithNothingBilled() {
        upstream.failing(500);
        Pipeline p = pipeline(true);
        RequestContext ctx = call(p, false);
        try (Answer answer = p.execute(ctx)) {
            assertThat(answer).isInstanceOf(Answer.Failed.class);
            assertThat(((Answer.Failed) answer).error().status()).isEqualTo(502);
        }
        assertSettledOnce(ctx, Ending.FAILED, 502, Usage.NONE);
        assertThat(listener.refused).as("an upstream failure is no refusal of Tollgate's").isEmpty();
    }

    @Test
    void streamFailingAtItsFirstChunk_isStillAFailureBeforeTheFirstByte() {
        upstream.stream(List.of("a"), BILLED, 0);
        Pipeline p = pipeline(true);
        RequestContext ctx = call(p, true);
        try (Answer answer = p.execute(ctx)) {
            assertThat(answer).isInstanceOf(Answer.Failed.class);
        }
        assertSettledOnce(ctx, Ending.FAILED, 502, Usage.NONE);
        assertThat(upstream.streams.getFirst().closed).isTrue();
    }

    @Test
    void upstreamFailedAfterTheFirstByte_endsWithAnErrorEvent_andIsBilledForWhatWasDelivered() {
        upstream.stream(List.of("a", "b", "c", "d"), BILLED, 2);
        Pipeline p = pipeline(true);
        RequestContext ctx = call(p, true);
        List<Boolean> settledAtError = new ArrayList<>();
        RecordingEncoder encoder = new RecordingEncoder(-1, () -> settledAtError.add(ctx.settled()));
        try (Answer answer = p.execute(ctx)) {
            assertThat(((Answer.Streamed) answer).relay(encoder)).isEqualTo(Ending.STREAM_FAILED);
        }
        assertThat(encoder.written).containsExactly("a", "b", "[error upstream_stream_failed]");
        assertThat(settledAtError).containsExactly(true);
        assertSettledOnce(ctx, Ending.STREAM_FAILED, 200, Usage.estimated(12, 2));
        assertThat(listener.completed.getFirst().errorCode()).isEqualTo("upstream_stream_failed");
    }

    @Test
    void clientGone_abortsTheUpstream_andIsBilledForWhatWasDelivered() {
        upstream.stream(List.of("a", "b", "c", "d"), BILLED, -1);
        Pipeline p = pipeline(true);
        RequestContext ctx = call(p, true);
        RecordingEncoder encoder = new RecordingEncoder(1, () -> { });
        try (Answer answer = p.execute(ctx)) {
            assertThat(((Answer.Streamed) answer).relay(encoder)).isEqualTo(Ending.CLIENT_GONE);
        }
        assertThat(encoder.written).containsExactly("a");
        assertSettledOnce(ctx, Ending.CLIENT_GONE, 499, Usage.estimated(12, 2));
        assertThat(listener.completed.getFirst().errorCode()).isEqualTo("client_closed_request");
        assertThat(upstream.streams.getFirst().closed).isTrue();
    }

    @Test
    void anAnswerNeverDelivered_isSettledOnceAsAbandoned_whenClosed() {
        upstream.whole("{}", BILLED).stream(List.of("a", "b"), BILLED, -1);
        Pipeline p = pipeline(true);
        RequestContext whole = call(p, false);
        p.execute(whole).close();
        assertSettledOnce(whole, Ending.ABANDONED, 499, BILLED);

        listener.completed.clear();
        settlements.clear();
        RequestContext stream = call(p, true);
        p.execute(stream).close();
        assertThat(stream.ending()).contains(Ending.ABANDONED);
        assertThat(listener.completed).singleElement().satisfies(e -> assertThat(e.errorCode()).isEqualTo("abandoned"));
        assertThat(settlements).hasSize(1);
        assertThat(upstream.streams.getFirst().closed).isTrue();
    }

    @Test
    void refusedBeforeAuthentication_reachesTheRefusalListener_butNotTheLedger() {
        Pipeline p = pipeline(false);
        RequestContext ctx = call(p, false);
        try (Answer answer = p.execute(ctx)) {
            assertThat(((Answer.Failed) answer).error().status()).isEqualTo(401);
        }
        assertThat(ctx.ending()).contains(Ending.REFUSED);
        assertThat(listener.refused).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo(401));
        assertThat(listener.completed).isEmpty();
        assertThat(settlements).isEmpty();
        assertThat(upstream.calls()).isZero();
    }

    @Test
    void aCallIsSettledOnlyOnce_aSecondSettlementIsRefused_andChangesNothing() {
        upstream.whole("{}", BILLED).stream(List.of("a"), BILLED, -1);
        Pipeline p = pipeline(true);
        RequestContext ctx = call(p, false);
        Answer.Whole whole = (Answer.Whole) p.execute(ctx);
        whole.deliver();
        assertThatThrownBy(whole::deliver).isInstanceOf(IllegalStateException.class).hasMessageContaining("settled exactly once");
        whole.close();
        assertSettledOnce(ctx, Ending.DELIVERED, 200, BILLED);

        RequestContext streamed = call(p, true);
        Answer.Streamed stream = (Answer.Streamed) p.execute(streamed);
        stream.relay(new RecordingEncoder());
        assertThatThrownBy(() -> stream.relay(new RecordingEncoder())).isInstanceOf(IllegalStateException.class);
        assertThat(listener.completed).hasSize(2);
        assertThat(settlements).hasSize(2);
    }

    @Test
    void aFailingSettlementOrListener_doesNotKeepTheOthersFromRunning() {
        upstream.whole("{}", BILLED);
        RecordingListener after = new RecordingListener();
        PipelineListener throwing = new PipelineListener() {
            @Override
            public void completed(UsageEvent event) {
                throw new IllegalStateException("a broken listener");
            }
        };
        PipelineListener all = PipelineListener.all(List.of(throwing, after));
        Stage setUp = (ctx, chain) -> {
            ctx.principal(CALLER);
            ctx.route("m", List.of(upstream.deployment("openai", "m")), "explicit");
            ctx.request(new ChatRequest(Optional.of("m"), false, false, Optional.empty(), List.of(Message.text(Role.USER, "hi")), List.of(),
                    JsonNodeFactory.instance.objectNode()));
            ctx.onSettle((done, billed) -> {
                throw new IllegalStateException("a broken settlement");
            });
            ctx.onSettle((done, billed) -> settlements.add(billed));
            return chain.proceed(ctx);
        };
        Pipeline p = new Pipeline(List.of(setUp, new FallbackStage(List.of(new UpstreamCallStage(all)))), all, PRICES, Clock.systemUTC());
        try (Answer answer = p.execute(call(p, false))) {
            ((Answer.Whole) answer).deliver();
        }
        assertThat(settlements).hasSize(1);
        assertThat(after.completed).hasSize(1);
        assertThat(after.log).containsExactly("attempt openai", "completed 200");
    }

    @Test
    void aFailureInsideTheGateway_isA500_settledOnce() {
        Stage broken = (ctx, chain) -> {
            ctx.principal(CALLER);
            throw new IllegalStateException("a bug");
        };
        Pipeline p = new Pipeline(List.of(broken), listener, PRICES, Clock.systemUTC());
        RequestContext ctx = call(p, false);
        try (Answer answer = p.execute(ctx)) {
            GatewayException error = ((Answer.Failed) answer).error();
            assertThat(error.status()).isEqualTo(500);
            assertThat(error.getMessage()).contains("request id req").doesNotContain("a bug");
        }
        assertThat(ctx.ending()).contains(Ending.FAILED);
        assertThat(listener.completed).singleElement().satisfies(e -> assertThat(e.errorCode()).isEqualTo("internal_error"));
        assertThat(listener.refused).isEmpty();
    }
}
