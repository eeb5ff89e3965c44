package dev.tollgate.api.openai;

import dev.tollgate.api.HttpBodies;
import dev.tollgate.api.ProxyRoute;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.provider.ProviderResponse;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * An OpenAI-dialect proxied route ({@code /v1/chat/completions}, {@code /v1/embeddings}): runs the call
 * as every proxied route does ({@link ProxyRoute}), and writes the answer, whole or streamed, or the
 * error in OpenAI's shape.
 */
public final class OpenAiProxyHandler implements Handler {

    private final Endpoint endpoint;
    private final Inbound.RequestParser parser;
    private final ProxyRoute route;
    private final OpenAiStreamWriter streams;

    /** What the handler needs besides its endpoint and parser. */
    public record Shared(Pipeline pipeline, HttpBodies bodies, OpenAiErrors errors) {
    }

    public OpenAiProxyHandler(Endpoint endpoint, Inbound.RequestParser parser, Shared shared) {
        this.endpoint = endpoint;
        this.parser = parser;
        this.route = new ProxyRoute(shared.pipeline(), shared.bodies(), shared.errors());
        this.streams = new OpenAiStreamWriter(shared.pipeline(), shared.errors());
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        route.serve(req, res, endpoint, parser, call -> {
            switch (call.response()) {
                case ProviderResponse.Complete complete -> route.sendComplete(call.ctx(), res, complete.usage(), complete.body());
                case ProviderResponse.Streaming streaming -> streams.relay(call.ctx(), res, streaming, wantsUsage(call.ctx()));
            }
        });
    }

    private static boolean wantsUsage(RequestContext ctx) {
        return ctx.request().map(r -> r instanceof ChatRequest chat && chat.clientWantsUsage()).orElse(false);
    }
}
