package dev.tollgate.api.responses;

import dev.tollgate.api.HttpBodies;
import dev.tollgate.api.ProxyRoute;
import dev.tollgate.api.openai.OpenAiErrors;
import dev.tollgate.model.Principal;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.store.ResponseStore;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * OpenAI's Responses API: {@code POST /v1/responses} runs the same pipeline as every proxied route
 * ({@link ProxyRoute}: auth, limits, routing, cache, budgets, exactly one usage event) and answers in the
 * Responses dialect; {@code GET} and {@code DELETE /v1/responses/{id}} read and delete a kept response of
 * the caller's org (another org's id is not found).
 */
public final class ResponsesRoutes {

    private final ProxyRoute route;
    private final ResponsesParser parser;
    private final ResponseStore store;
    private final JsonMapper json;

    public ResponsesRoutes(Pipeline pipeline, HttpBodies bodies, ResponseStore store, OpenAiErrors errors, JsonMapper json) {
        ResponseObjects objects = new ResponseObjects(json);
        this.route = new ProxyRoute(pipeline, bodies, new ResponsesDialect(errors, objects, new ResponseArchive(store, objects, json), json));
        this.parser = new ResponsesParser(json, store);
        this.store = store;
        this.json = json;
    }

    /** {@code POST /v1/responses}. */
    public Handler create() {
        return (req, res) -> route.serve(req, res, Endpoint.CHAT, parser);
    }

    /** {@code GET /v1/responses/{id}}: the response object as it was answered. */
    public JsonNode read(ServerRequest req, Principal caller) {
        String id = id(req);
        return json.readTree(store.find(caller.orgId(), id).orElseThrow(() -> notFound(id)).response());
    }

    /** {@code DELETE /v1/responses/{id}}. */
    public JsonNode delete(ServerRequest req, Principal caller) {
        String id = id(req);
        if (!store.delete(caller.orgId(), id)) {
            throw notFound(id);
        }
        return json.createObjectNode().put("id", id).put("object", "response").put("deleted", true);
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private static GatewayException notFound(String id) {
        String shown = id.length() > 64 ? id.substring(0, 64) + "…" : id;
        return GatewayException.notFound("response_not_found", "id", "no response with id '" + shown.replaceAll("\\p{Cntrl}", "?")
                + "' is kept for this org");
    }
}
