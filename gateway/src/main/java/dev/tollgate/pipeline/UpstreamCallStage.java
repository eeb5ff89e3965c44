package dev.tollgate.pipeline;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.EmbeddingRequest;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.EmbeddingsCapable;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.UpstreamException;
import java.util.Optional;

/**
 * The last attempt stage: calls the target's adapter. A stream's first chunk is read before it answers,
 * so that a stream failing at once still falls back: until the attempt is decided, nothing has reached
 * the client. A failure before any answer is an {@link AttemptDecision.Failed}; a target that cannot
 * serve the endpoint (embeddings) is skipped before it counts as an attempt.
 */
public final class UpstreamCallStage implements AttemptStage {

    private final PipelineListener listener;

    public UpstreamCallStage(PipelineListener listener) {
        this.listener = listener;
    }

    @Override
    public AttemptDecision attempt(Attempt attempt, AttemptChain chain) {
        Deployment target = attempt.target();
        if (attempt.request() instanceof EmbeddingRequest && !(target.adapter() instanceof EmbeddingsCapable)) {
            return AttemptDecision.skip(attempt, "embeddings: " + target.providerName() + " does not serve them",
                    GatewayException.badRequest("model", "provider " + target.providerName() + " does not serve embeddings"));
        }
        if (attempt.request() instanceof ChatRequest chat && !target.provider().responsesPassthrough()) {
            Optional<String> builtIn = chat.passthroughOnly();
            if (builtIn.isPresent()) {
                return AttemptDecision.skip(attempt, "built-in tools: " + target.providerName() + " translates the Responses API",
                        GatewayException.badRequest(builtIn.get(), builtIn.get() + ": one of OpenAI's built-in tools, served only by a "
                                + "provider that passes the Responses API through (responses_api: passthrough, the default of kind "
                                + "openai); " + target.providerName() + " translates the call to a chat completion, which cannot reach it"));
            }
        }
        RequestContext ctx = attempt.ctx();
        ctx.attempt(target);
        listener.upstreamAttempt(ctx, target);
        try {
            return AttemptDecision.answered(attempt, firstChunkRead(call(attempt)));
        } catch (UpstreamException e) {
            listener.upstreamFailed(ctx, target, e);
            return AttemptDecision.failed(attempt, e);
        }
    }

    private static ProviderResponse call(Attempt attempt) {
        Deployment target = attempt.target();
        return switch (attempt.request()) {
            case ChatRequest chat -> target.adapter().chat(chat, target.upstreamModel());
            case EmbeddingRequest embedding -> ((EmbeddingsCapable) target.adapter()).embed(embedding, target.upstreamModel());
        };
    }

    private static ProviderResponse firstChunkRead(ProviderResponse response) {
        if (!(response instanceof ProviderResponse.Streaming streaming)) {
            return response;
        }
        ChunkStream chunks = streaming.chunks();
        try {
            Chunk first = chunks.next();
            return new ProviderResponse.Streaming(new PrefetchedStream(first, chunks), streaming.headers(), streaming.wire());
        } catch (UpstreamException e) {
            chunks.close();
            throw e;
        }
    }
}
