package dev.tollgate.pipeline;

import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.EmbeddingRequest;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.EmbeddingsCapable;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.UpstreamException;
import java.util.List;
import java.util.Map;

/**
 * The last stage: calls the route's deployments in order until one answers. A failure moves on to the
 * next deployment only while nothing has reached the client (this stage returns before the first byte
 * of a stream is relayed) and only when another deployment could do better ({@link UpstreamException#retryable()}).
 * Before each attempt the context's {@link AttemptGuard} admits the deployment (budgets reserve on it) or
 * skips it, then the {@link AttemptGate} (deployment rate limits) does the same; a failed attempt is
 * released. When every deployment was skipped, the most useful refusal is the answer ({@link #preferred}).
 */
public final class ProviderCallStage implements Stage {

    private final PipelineListener listener;
    private final AttemptGate gate;

    public ProviderCallStage(PipelineListener listener) {
        this(listener, AttemptGate.OPEN);
    }

    /** With a gate asked before each attempt (deployment rate limits): a refused deployment is skipped. */
    public ProviderCallStage(PipelineListener listener, AttemptGate gate) {
        this.listener = listener;
        this.gate = gate;
    }

    @Override
    public ProviderResponse process(RequestContext ctx, Chain chain) {
        List<Deployment> route = ctx.route();
        if (route.isEmpty()) {
            throw new IllegalStateException("routing must choose at least one deployment before the provider call");
        }
        CanonicalRequest asked = ctx.request().orElseThrow();
        AttemptGuard guard = ctx.guard();
        UpstreamException last = null;
        GatewayException refused = null;
        String skipped = null;
        Deployment failed = null;
        for (Deployment target : route) {
            // Budgets first: they may rewrite the request for this target (a fallback model), and they
            // release what they took when the rate-limit gate then refuses the target.
            CanonicalRequest request;
            try {
                request = guard.admit(ctx, target, asked);
            } catch (GatewayException e) {
                refused = preferred(refused, e);
                continue;
            }
            GatewayException refusal = gate.admit(ctx, target);
            if (refusal != null) {
                guard.failed(ctx, target);
                refused = preferred(refused, refusal);
                skipped = skipped == null ? target.providerName() : skipped + ", " + target.providerName();
                continue;
            }
            if (last != null) {
                ctx.fellBack("fallback: " + failed.providerName() + " failed (" + describe(last) + "), tried " + target.providerName());
            } else if (skipped != null) {
                ctx.fellBack("rate limit: " + skipped + " at its limit, tried " + target.providerName());
            }
            ctx.attempt(target);
            listener.upstreamAttempt(ctx, target);
            try {
                return firstChunkRead(call(request, target));
            } catch (UpstreamException e) {
                guard.failed(ctx, target);
                listener.upstreamFailed(ctx, target, e);
                last = e;
                failed = target;
                if (!e.retryable()) {
                    break;
                }
            }
        }
        throw last != null ? toGatewayException(last) : refused;
    }

    /**
     * Of two refusals, the one a client can act on: a 429 that resets soonest, the later one on a tie (a
     * budget policy's last word, such as {@code both_exhausted}, is the answer), else the first.
     */
    private static GatewayException preferred(GatewayException kept, GatewayException next) {
        if (kept == null) {
            return next;
        }
        if (next.status() == 429 && (kept.status() != 429 || retryAfter(next) <= retryAfter(kept))) {
            return next;
        }
        return kept;
    }

    private static long retryAfter(GatewayException e) {
        String value = e.headers().get("retry-after");
        return value == null ? Long.MAX_VALUE : Long.parseLong(value);
    }

    /**
     * Reads a stream's first chunk before answering, so that a stream failing at once still falls back:
     * until this stage returns, nothing has reached the client.
     */
    private static ProviderResponse firstChunkRead(ProviderResponse response) {
        if (!(response instanceof ProviderResponse.Streaming streaming)) {
            return response;
        }
        ChunkStream chunks = streaming.chunks();
        try {
            Chunk first = chunks.next();
            return new ProviderResponse.Streaming(new PrefetchedStream(first, chunks), streaming.headers());
        } catch (UpstreamException e) {
            chunks.close();
            throw e;
        }
    }

    private static ProviderResponse call(CanonicalRequest request, Deployment target) {
        return switch (request) {
            case ChatRequest chat -> target.adapter().chat(chat, target.upstreamModel());
            case EmbeddingRequest embedding -> {
                if (!(target.adapter() instanceof EmbeddingsCapable embedder)) {
                    throw GatewayException.badRequest("model", "provider " + target.providerName() + " does not serve embeddings");
                }
                yield embedder.embed(embedding, target.upstreamModel());
            }
        };
    }

    private static String describe(UpstreamException e) {
        return e.kind() == UpstreamException.Kind.STATUS ? "status " + e.status() : e.kind().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** How an upstream failure looks to the client, after every fallback was tried. */
    static GatewayException toGatewayException(UpstreamException e) {
        String message = e.getMessage();
        return switch (e.kind()) {
            case CONNECT -> new GatewayException(502, "api_error", "upstream_unreachable", null, message, Map.of());
            case FIRST_BYTE_TIMEOUT -> new GatewayException(504, "api_error", "upstream_timeout", null, message, Map.of());
            case PROTOCOL -> new GatewayException(502, "api_error", "upstream_protocol_error", null, message, Map.of());
            case BROKEN -> new GatewayException(502, "api_error", "upstream_error", null, message, Map.of());
            case STATUS -> fromStatus(e);
        };
    }

    private static GatewayException fromStatus(UpstreamException e) {
        int status = e.status();
        String code = e.code();
        if (status == 429) {
            return new GatewayException(429, "rate_limit_error", code == null ? "upstream_rate_limited" : code, null, e.getMessage(), e.headers());
        }
        if (status == 401 || status == 403) {
            return new GatewayException(502, "api_error", "upstream_auth_failed", null,
                    e.getMessage() + " (the gateway's credentials for this provider were refused; check its api_key)", Map.of());
        }
        if (status >= 400 && status < 500) {
            return new GatewayException(status, "invalid_request_error", code == null ? "upstream_rejected" : code, null, e.getMessage(), Map.of());
        }
        int mapped = status == 503 || status == 529 ? 503 : status == 504 ? 504 : 502;
        return new GatewayException(mapped, "api_error", "upstream_error", null, e.getMessage(), e.headers());
    }
}
