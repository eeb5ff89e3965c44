package dev.tollgate.api.anthropic;

import dev.tollgate.api.HttpBodies;
import dev.tollgate.api.ProxyRoute;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.Pipeline;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/messages} in Anthropic's dialect, served by any provider: runs the same pipeline as the
 * OpenAI routes ({@link ProxyRoute}: auth with {@code x-api-key} or a bearer token, limits, routing,
 * provider call, exactly one usage event), and writes the answer as an Anthropic {@code message} or event
 * stream, every error in Anthropic's shape with the policies' headers ({@code Retry-After},
 * {@code x-ratelimit-*}).
 */
public final class AnthropicMessagesHandler implements Handler {

    private final ProxyRoute route;
    private final AnthropicMessagesParser parser;

    public AnthropicMessagesHandler(Pipeline pipeline, HttpBodies bodies, JsonMapper json) {
        this.route = new ProxyRoute(pipeline, bodies, new AnthropicDialect(json));
        this.parser = new AnthropicMessagesParser(json);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        route.serve(req, res, Endpoint.CHAT, parser);
    }
}
