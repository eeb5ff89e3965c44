package dev.tollgate.api.openai;

import dev.tollgate.api.HttpBodies;
import dev.tollgate.api.ProxyRoute;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.Pipeline;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * An OpenAI-dialect proxied route ({@code /v1/chat/completions}, {@code /v1/embeddings}): runs the call
 * as every proxied route does ({@link ProxyRoute}), answers and errors in OpenAI's shapes.
 */
public final class OpenAiProxyHandler implements Handler {

    private final Endpoint endpoint;
    private final Inbound.RequestParser parser;
    private final ProxyRoute route;

    /** What the handler needs besides its endpoint and parser. */
    public record Shared(Pipeline pipeline, HttpBodies bodies, OpenAiErrors errors) {
    }

    public OpenAiProxyHandler(Endpoint endpoint, Inbound.RequestParser parser, Shared shared) {
        this.endpoint = endpoint;
        this.parser = parser;
        this.route = new ProxyRoute(shared.pipeline(), shared.bodies(), new OpenAiDialect(shared.errors()));
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        route.serve(req, res, endpoint, parser);
    }
}
