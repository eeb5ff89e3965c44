package dev.tollgate.api.responses;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.TimeOrderedId;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.store.ResponseStore;
import dev.tollgate.store.StoredResponse;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps delivered responses whose request did not say {@code store: false}, in the caller's org: the
 * {@code response} object for {@code GET}, and the conversation so far (the translated request's
 * messages without the instructions, then the output as an assistant message) for a follow-up's
 * {@code previous_response_id}. Keeping is best effort: a store that fails is logged, the answer still goes out.
 */
final class ResponseArchive {

    private static final Logger LOG = LoggerFactory.getLogger(ResponseArchive.class);

    private final ResponseStore store;
    private final ResponseObjects objects;
    private final JsonMapper json;

    ResponseArchive(ResponseStore store, ResponseObjects objects, JsonMapper json) {
        this.store = store;
        this.objects = objects;
        this.json = json;
    }

    static String newId() {
        return "resp_" + TimeOrderedId.next().replace("-", "");
    }

    /** The client's request as it sent it (already validated by the parser). */
    ObjectNode request(RequestContext ctx) {
        return (ObjectNode) json.readTree(ctx.inbound().body());
    }

    void keep(RequestContext ctx, ObjectNode request, ObjectNode response) {
        if (!request.path("store").asBoolean(true) || ctx.principal().isEmpty()
                || !(ctx.request().orElse(null) instanceof ChatRequest chat)) {
            return;
        }
        ArrayNode conversation = json.createArrayNode();
        JsonNode messages = chat.body().path("messages");
        boolean instructed = request.path("instructions").isString() && !request.get("instructions").asString().isEmpty();
        for (int i = instructed ? 1 : 0; i < messages.size(); i++) {
            conversation.add(messages.get(i));
        }
        conversation.add(objects.assistantMessage((ArrayNode) response.get("output")));
        String id = response.get("id").asString();
        try {
            store.put(new StoredResponse(id, ctx.principal().get().orgId(), Instant.ofEpochSecond(response.get("created_at").asLong()),
                    json.writeValueAsString(response), json.writeValueAsString(conversation)));
        } catch (RuntimeException e) {
            LOG.warn("response {} of request {} was answered but could not be kept: {}", id, ctx.requestId(), e.toString());
        }
    }
}
