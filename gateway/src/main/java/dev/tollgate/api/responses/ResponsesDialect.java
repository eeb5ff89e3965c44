package dev.tollgate.api.responses;

import dev.tollgate.api.ProxyRoute;
import dev.tollgate.api.openai.OpenAiErrors;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.Answer;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.StreamEncoder;
import dev.tollgate.provider.Wire;
import java.io.OutputStream;
import java.time.Instant;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Responses API's dialect: the gateway's inner answer (OpenAI's {@code chat.completion} and chunks)
 * becomes a {@code response} object or the Responses event stream ({@link ResponsesEventEncoder}); errors
 * are OpenAI's error object. An upstream's own Responses answer ({@link Wire#RESPONSES}, passed through) is written
 * as it came ({@link ResponsesPassthroughEncoder} for its events). Delivered responses are kept for {@code previous_response_id} and
 * {@code GET /v1/responses/{id}} ({@link ResponseArchive}).
 */
final class ResponsesDialect implements ProxyRoute.Dialect {

    private final OpenAiErrors errors;
    private final ResponseObjects objects;
    private final ResponseArchive archive;
    private final JsonMapper json;

    ResponsesDialect(OpenAiErrors errors, ResponseObjects objects, ResponseArchive archive, JsonMapper json) {
        this.errors = errors;
        this.objects = objects;
        this.archive = archive;
        this.json = json;
    }

    @Override
    public byte[] errorBody(GatewayException e) {
        return errors.body(e);
    }

    @Override
    public byte[] whole(Answer.Whole answer, UsageEvent settled) {
        if (answer.wire() == Wire.RESPONSES) {
            return passedThrough(answer);
        }
        ProxyRoute.Dialect.requireOpenAi(answer.wire(), "a Responses API client");
        JsonNode completion;
        try {
            completion = json.readTree(answer.body());
        } catch (JacksonException e) {
            completion = json.createObjectNode();
        }
        ObjectNode request = archive.request(answer.ctx());
        ObjectNode response = objects.start(ResponseArchive.newId(), answer.ctx().startedAt().getEpochSecond(), request,
                completion.path("model").asString(ProxyRoute.Dialect.answeringModel(answer)));
        String itemId = itemId(response);
        JsonNode choice = completion.path("choices").path(0);
        JsonNode message = choice.path("message");
        ArrayNode output = (ArrayNode) response.get("output");
        String text = message.path("content").asString("") + message.path("refusal").asString("");
        if (!text.isEmpty() || !message.path("tool_calls").isArray()) {
            output.add(objects.message("msg_" + itemId, text, "completed"));
        }
        int n = 0;
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode function = call.path("function");
            output.add(objects.functionCall("fc_" + itemId + "_" + n++, call.path("id").asString(""), function.path("name").asString(""),
                    function.path("arguments").asString(""), "completed"));
        }
        objects.finish(response, choice.path("finish_reason").asString(null), answer.usage(), Instant.now().getEpochSecond());
        archive.keep(answer.ctx(), request, response);
        return json.writeValueAsBytes(response);
    }

    @Override
    public StreamEncoder stream(Answer.Streamed answer, OutputStream out) {
        if (answer.wire() == Wire.RESPONSES) {
            return new ResponsesPassthroughEncoder(out, answer.ctx(), archive.request(answer.ctx()), archive, errors, json);
        }
        ProxyRoute.Dialect.requireOpenAi(answer.wire(), "a Responses API client");
        ObjectNode request = archive.request(answer.ctx());
        ObjectNode response = objects.start(ResponseArchive.newId(), answer.ctx().startedAt().getEpochSecond(), request,
                ProxyRoute.Dialect.answeringModel(answer));
        return new ResponsesEventEncoder(out, new ResponsesEventEncoder.Call(answer.ctx(), request, response, answer::usageSoFar),
                objects, archive, errors, json);
    }

    /** The upstream's own response object, as it came; kept like a translated one. */
    private byte[] passedThrough(Answer.Whole answer) {
        JsonNode response = json.readTree(answer.body());
        if (response instanceof ObjectNode object && object.path("id").isString()) {
            archive.keep(answer.ctx(), archive.request(answer.ctx()), object);
        }
        return answer.body();
    }

    /** The item ids of a response share its own id's unique part. */
    static String itemId(ObjectNode response) {
        return response.get("id").asString().substring("resp_".length());
    }
}
