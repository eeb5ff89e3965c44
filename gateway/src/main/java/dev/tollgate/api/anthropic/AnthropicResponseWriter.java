package dev.tollgate.api.anthropic;

import dev.tollgate.model.Usage;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the gateway's inner answer (OpenAI's {@code chat.completion}) into an Anthropic {@code message}:
 * the text as a text block, each tool call as a {@code tool_use} block with its arguments parsed back
 * into an {@code input} object, the finish reason as a {@code stop_reason}, and the call's usage split
 * the way Anthropic reports it (cache reads and writes apart from {@code input_tokens}).
 */
final class AnthropicResponseWriter {

    private final JsonMapper json;

    AnthropicResponseWriter(JsonMapper json) {
        this.json = json;
    }

    byte[] message(byte[] completion, Usage usage, String fallbackModel) {
        JsonNode root;
        try {
            root = json.readTree(completion);
        } catch (JacksonException e) {
            root = json.createObjectNode();
        }
        JsonNode choice = root.path("choices").path(0);
        JsonNode message = choice.path("message");
        ObjectNode out = json.createObjectNode();
        out.put("id", messageId(root.path("id").asString("")));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", root.path("model").asString(fallbackModel));
        ArrayNode content = out.putArray("content");
        String text = message.path("content").asString("") + message.path("refusal").asString("");
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : message.path("tool_calls")) {
            content.addObject().put("type", "tool_use").put("id", call.path("id").asString(""))
                    .put("name", call.path("function").path("name").asString(""))
                    .set("input", input(call.path("function").path("arguments").asString("")));
        }
        out.put("stop_reason", StopReasons.of(choice.path("finish_reason").asString(null)));
        out.putNull("stop_sequence");
        usage(out.putObject("usage"), usage);
        return json.writeValueAsBytes(out);
    }

    /** Anthropic's usage fields; {@code input_tokens} excludes cache reads and writes. */
    static void usage(ObjectNode u, Usage usage) {
        u.put("input_tokens", Math.max(0, usage.inputTokens() - usage.cachedTokens() - usage.cacheWriteTokens()));
        u.put("cache_creation_input_tokens", usage.cacheWriteTokens());
        u.put("cache_read_input_tokens", usage.cachedTokens());
        u.put("output_tokens", usage.outputTokens());
    }

    JsonNode input(String arguments) {
        if (arguments.isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(arguments);
            if (node.isObject()) {
                return node;
            }
        } catch (JacksonException e) {
            // a model that wrote broken arguments: the client gets them as a string it can inspect
        }
        return json.createObjectNode().put("_arguments", arguments);
    }

    static String messageId(String id) {
        return id.startsWith("msg_") ? id : "msg_" + id.replaceAll("[^A-Za-z0-9_-]", "");
    }
}
