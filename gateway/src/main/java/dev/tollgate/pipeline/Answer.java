package dev.tollgate.pipeline;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.Wire;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * What executing a call yields ({@link Pipeline#execute}): a whole answer, a stream still to relay, or the
 * error that ended it. The pipeline settles the call exactly once, however it ends: a {@link Failed} one
 * is settled already; a {@link Whole} one when it is {@linkplain Whole#deliver delivered}; a
 * {@link Streamed} one by its {@linkplain Streamed#relay relay}. A route uses it in try-with-resources:
 * an answer closed before it was delivered (the route failed while answering) is settled as
 * {@link Ending#ABANDONED}, so no call is ever left unsettled.
 */
public sealed interface Answer extends AutoCloseable permits Answer.Whole, Answer.Streamed, Answer.Failed {

    RequestContext ctx();

    /** Settles the call as {@link Ending#ABANDONED} if nothing settled it; releases the upstream stream. */
    @Override
    void close();

    /** The call ended without an answer; already settled. */
    final class Failed implements Answer {

        private final RequestContext ctx;
        private final GatewayException error;

        Failed(RequestContext ctx, GatewayException error) {
            this.ctx = ctx;
            this.error = error;
        }

        @Override
        public RequestContext ctx() {
            return ctx;
        }

        /** What the client gets, in dialect-neutral terms: status, type, code, message, headers. */
        public GatewayException error() {
            return error;
        }

        @Override
        public void close() {
            // settled when it was made
        }
    }

    /** A whole answer from the upstream (or a stage, such as a cache), still to be sent. */
    final class Whole implements Answer {

        private final RequestContext ctx;
        private final ProviderResponse.Complete response;
        private final CallSettler settler;

        Whole(RequestContext ctx, ProviderResponse.Complete response, CallSettler settler) {
            this.ctx = ctx;
            this.response = response;
            this.settler = settler;
        }

        @Override
        public RequestContext ctx() {
            return ctx;
        }

        /** The body: in the gateway's inner response shape (OpenAI's {@code chat.completion}) unless {@link #wire()} says otherwise. */
        public byte[] body() {
            return response.body();
        }

        public Wire wire() {
            return response.wire();
        }

        public Usage usage() {
            return response.usage();
        }

        /** Upstream headers to pass on, lower-case names. */
        public Map<String, String> headers() {
            return response.headers();
        }

        /**
         * Settles the call as {@link Ending#DELIVERED} and returns what it was billed. The caller sends the
         * answer afterwards, so a client that saw an answer was always billed for it.
         */
        public UsageEvent deliver() {
            DeliveredAnswer kept = ctx.keepsDeliveredAnswers() ? new DeliveredAnswer.Whole(body(), usage(), headers(), wire()) : null;
            return settler.settle(ctx, Outcome.delivered(usage(), kept));
        }

        @Override
        public void close() {
            if (!ctx.settled()) {
                abandoned(settler, ctx, usage());
            }
        }
    }

    /** A streamed answer: the upstream has answered and its first chunk is read; nothing reached the client yet. */
    final class Streamed implements Answer {

        private final RequestContext ctx;
        private final ProviderResponse.Streaming response;
        private final CallSettler settler;

        Streamed(RequestContext ctx, ProviderResponse.Streaming response, CallSettler settler) {
            this.ctx = ctx;
            this.response = response;
            this.settler = settler;
        }

        @Override
        public RequestContext ctx() {
            return ctx;
        }

        /** Upstream headers to pass on, lower-case names. */
        public Map<String, String> headers() {
            return response.headers();
        }

        /** The chunks' shape: OpenAI's, or the client's own dialect passed through. */
        public Wire wire() {
            return response.wire();
        }

        /** The usage of what was streamed so far (an estimate until the upstream reports it). */
        public Usage usageSoFar() {
            return response.chunks().usage();
        }

        /** Relays the stream through {@code encoder} to its end, settling the call once; returns how it ended. */
        public Ending relay(StreamEncoder encoder) {
            if (ctx.settled()) {
                throw new IllegalStateException("the stream of request " + ctx.requestId() + " was relayed already");
            }
            return new StreamRelay(ctx, response, settler).relay(encoder);
        }

        @Override
        public void close() {
            ChunkStream chunks = response.chunks();
            if (!ctx.settled()) {
                Usage usage = chunks.usage();
                chunks.close();
                abandoned(settler, ctx, usage);
            }
        }
    }

    /** The safety net: an answer the route never delivered is billed what the upstream did for it. */
    private static void abandoned(CallSettler settler, RequestContext ctx, Usage usage) {
        LoggerFactory.getLogger(Answer.class).warn("request {} was answered but the answer was never delivered; recording it as abandoned",
                ctx.requestId());
        settler.settle(ctx, Outcome.cut(Ending.ABANDONED, 499, usage, "abandoned"));
    }
}
