package dev.tollgate.api.responses;

import dev.tollgate.model.Usage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The parts of a Responses API {@code response} object, as the whole answer, the stream's
 * {@code response.*} events and {@code GET /v1/responses/{id}} show it: the request's settings echoed,
 * output items (an assistant {@code message} with {@code output_text}, {@code function_call}s), the
 * status and the usage.
 */
final class ResponseObjects {

    private final JsonMapper json;

    ResponseObjects(JsonMapper json) {
        this.json = json;
    }

    /** A response in progress, without output or usage (absent until it ends): what {@code response.created} carries. */
    ObjectNode start(String id, long createdAt, ObjectNode request, String model) {
        ObjectNode r = json.createObjectNode();
        r.put("id", id).put("object", "response").put("created_at", createdAt).put("status", "in_progress");
        r.putNull("error");
        r.putNull("incomplete_details");
        copy(request, "instructions", r);
        copy(request, "max_output_tokens", r);
        r.put("model", model);
        r.putArray("output");
        r.put("parallel_tool_calls", request.path("parallel_tool_calls").asBoolean(true));
        copy(request, "previous_response_id", r);
        ObjectNode reasoning = r.putObject("reasoning");
        copy(request.path("reasoning"), "effort", reasoning);
        reasoning.putNull("summary");
        r.put("store", request.path("store").asBoolean(true));
        r.put("temperature", request.path("temperature").asDouble(1.0));
        ObjectNode format = request.path("text").path("format") instanceof ObjectNode f ? f.deepCopy() : json.createObjectNode().put("type", "text");
        r.putObject("text").set("format", format);
        r.set("tool_choice", request.path("tool_choice").isMissingNode() || request.path("tool_choice").isNull()
                ? json.getNodeFactory().stringNode("auto") : request.get("tool_choice"));
        r.set("tools", tools(request.path("tools")));
        r.put("top_p", request.path("top_p").asDouble(1.0));
        r.put("truncation", "disabled");
        if (request.path("user").isString()) {
            r.set("user", request.get("user"));
        }
        r.set("metadata", request.path("metadata").isObject() ? request.get("metadata") : json.createObjectNode());
        return r;
    }

    /** Ends a response: its status from the finish reason, the usage, the completion time. */
    void finish(ObjectNode r, String finishReason, Usage usage, long completedAt) {
        switch (finishReason == null ? "stop" : finishReason) {
            case "length" -> incomplete(r, "max_output_tokens");
            case "content_filter" -> incomplete(r, "content_filter");
            default -> r.put("status", "completed").put("completed_at", completedAt);
        }
        usage(r.putObject("usage"), usage);
    }

    private static void incomplete(ObjectNode r, String reason) {
        r.put("status", "incomplete");
        r.putObject("incomplete_details").put("reason", reason);
    }

    static void usage(ObjectNode u, Usage usage) {
        u.put("input_tokens", usage.inputTokens());
        u.putObject("input_tokens_details").put("cached_tokens", usage.cachedTokens()).put("cache_write_tokens", usage.cacheWriteTokens());
        u.put("output_tokens", usage.outputTokens());
        u.putObject("output_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        u.put("total_tokens", usage.totalTokens());
    }

    ObjectNode message(String id, String text, String status) {
        ObjectNode item = json.createObjectNode().put("id", id).put("type", "message").put("status", status).put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (text != null) {
            content.add(outputText(text));
        }
        return item;
    }

    ObjectNode outputText(String text) {
        ObjectNode part = json.createObjectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        part.putArray("logprobs");
        return part;
    }

    ObjectNode functionCall(String id, String callId, String name, String arguments, String status) {
        return json.createObjectNode().put("id", id).put("type", "function_call").put("status", status)
                .put("call_id", callId).put("name", name).put("arguments", arguments);
    }

    /** The output as one assistant message of the chat conversation, which a follow-up call continues. */
    ObjectNode assistantMessage(ArrayNode output) {
        StringBuilder text = new StringBuilder();
        ArrayNode calls = json.createArrayNode();
        for (JsonNode item : output) {
            if (item.path("type").asString("").equals("function_call")) {
                calls.addObject().put("id", item.path("call_id").asString("")).put("type", "function").putObject("function")
                        .put("name", item.path("name").asString("")).put("arguments", item.path("arguments").asString(""));
            }
            for (JsonNode part : item.path("content")) {
                text.append(part.path("text").asString(""));
            }
        }
        ObjectNode m = json.createObjectNode().put("role", "assistant");
        if (text.isEmpty() && !calls.isEmpty()) {
            m.putNull("content");
        } else {
            m.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            m.set("tool_calls", calls);
        }
        return m;
    }

    /** The request's function tools as a response lists them, every field present. */
    private ArrayNode tools(JsonNode tools) {
        ArrayNode out = json.createArrayNode();
        for (JsonNode tool : tools) {
            ObjectNode t = out.addObject().put("type", "function").put("name", tool.path("name").asString(""));
            copy(tool, "description", t);
            copy(tool, "parameters", t);
            t.put("strict", tool.path("strict").asBoolean(true));
        }
        return out;
    }

    /** The field as given, or null. */
    private static void copy(JsonNode from, String field, ObjectNode to) {
        JsonNode v = from.get(field);
        if (v == null) {
            to.putNull(field);
        } else {
            to.set(field, v);
        }
    }
}
