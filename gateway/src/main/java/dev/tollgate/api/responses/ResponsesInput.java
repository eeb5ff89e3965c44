package dev.tollgate.api.responses;

import static dev.tollgate.api.openai.JsonFields.string;
import static dev.tollgate.api.openai.JsonFields.wrongType;

import dev.tollgate.pipeline.GatewayException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Responses API's {@code input} as Chat Completions messages. A string is one user message. Items:
 * a message ({@code type: "message"} or no type; role user, assistant, system or developer; content a
 * string or {@code input_text} / {@code output_text} / {@code input_image} / {@code refusal} parts); a
 * {@code function_call} joins the assistant message before it (or starts one) as a tool call; a
 * {@code function_call_output} is a tool message. Reasoning items of earlier turns are the model's own
 * and are left out; other item types are refused, naming the item.
 */
final class ResponsesInput {

    private final JsonMapper json;

    ResponsesInput(JsonMapper json) {
        this.json = json;
    }

    void messages(ObjectNode root, ArrayNode out) {
        JsonNode input = root.get("input");
        if (input == null || input.isNull()) {
            throw GatewayException.badRequest("input", "input: missing (expected: a string or an array of input items)");
        }
        if (input.isString()) {
            out.addObject().put("role", "user").put("content", input.asString());
            return;
        }
        if (!input.isArray()) {
            throw wrongType("input", "a string or an array of input items", input);
        }
        if (input.isEmpty() && out.isEmpty()) {
            throw GatewayException.badRequest("input", "input: empty (expected: at least one input item)");
        }
        for (int i = 0; i < input.size(); i++) {
            item(input.get(i), "input[" + i + "]", out);
        }
    }

    private void item(JsonNode item, String at, ArrayNode out) {
        if (!item.isObject()) {
            throw wrongType(at, "an input item object", item);
        }
        String type = string(item, "type", at + ".type", 64).orElse("message");
        switch (type) {
            case "message" -> message(item, at, out);
            case "function_call" -> functionCall(item, at, out);
            case "function_call_output" -> out.addObject().put("role", "tool").put("tool_call_id", required(item, "call_id", at))
                    .put("content", outputText(item, at));
            case "reasoning" -> {
                // an earlier turn's reasoning: the model's own, with no Chat Completions equivalent
            }
            default -> throw GatewayException.badRequest(at + ".type", at + ".type: '" + type
                    + "' (expected: message, function_call, function_call_output or reasoning)");
        }
    }

    private void message(JsonNode item, String at, ArrayNode out) {
        String role = required(item, "role", at);
        if (!role.matches("user|assistant|system|developer")) {
            throw GatewayException.badRequest(at + ".role", at + ".role: '" + role + "' (expected: user, assistant, system or developer)");
        }
        JsonNode content = item.get("content");
        if (content == null || content.isNull()) {
            throw GatewayException.badRequest(at + ".content", at + ".content: missing (expected: a string or an array of content parts)");
        }
        ObjectNode m = out.addObject().put("role", role);
        if (content.isString()) {
            m.put("content", content.asString());
            return;
        }
        if (!content.isArray()) {
            throw wrongType(at + ".content", "a string or an array of content parts", content);
        }
        if (role.equals("user")) {
            m.set("content", parts(content, at + ".content"));
        } else {
            m.put("content", joinedText(content, at + ".content"));
        }
    }

    /** A user message's parts: text and images, as chat content parts. */
    private ArrayNode parts(JsonNode content, String at) {
        ArrayNode parts = json.createArrayNode();
        for (int j = 0; j < content.size(); j++) {
            String path = at + "[" + j + "]";
            JsonNode part = part(content.get(j), path);
            switch (part.get("type").asString()) {
                case "input_text", "output_text" -> parts.addObject().put("type", "text").put("text", required(part, "text", path));
                case "input_image" -> {
                    String url = string(part, "image_url", path + ".image_url", Integer.MAX_VALUE).orElseThrow(() ->
                            GatewayException.badRequest(path + ".image_url", path + ".image_url: missing (expected: an http(s) or data: URL; file_id is not supported)"));
                    ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
                    string(part, "detail", path + ".detail", 16).ifPresent(d -> image.put("detail", d));
                }
                default -> throw GatewayException.badRequest(path + ".type", path + ".type: '" + part.get("type").asString()
                        + "' (expected: input_text or input_image)");
            }
        }
        return parts;
    }

    /** The text of an assistant, system or developer message's parts. */
    private static String joinedText(JsonNode content, String at) {
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < content.size(); j++) {
            String path = at + "[" + j + "]";
            JsonNode part = part(content.get(j), path);
            switch (part.get("type").asString()) {
                case "input_text", "output_text" -> text.append(required(part, "text", path));
                case "refusal" -> text.append(required(part, "refusal", path));
                default -> throw GatewayException.badRequest(path + ".type", path + ".type: '" + part.get("type").asString()
                        + "' (expected: input_text, output_text or refusal)");
            }
        }
        return text.toString();
    }

    private void functionCall(JsonNode item, String at, ArrayNode out) {
        String callId = required(item, "call_id", at);
        String name = required(item, "name", at);
        String arguments = required(item, "arguments", at);
        JsonNode last = out.isEmpty() ? null : out.get(out.size() - 1);
        ObjectNode assistant;
        if (last instanceof ObjectNode m && m.path("role").asString("").equals("assistant")) {
            assistant = m;
        } else {
            assistant = out.addObject().put("role", "assistant");
            assistant.putNull("content");
        }
        ArrayNode calls = assistant.get("tool_calls") instanceof ArrayNode existing ? existing : assistant.putArray("tool_calls");
        calls.addObject().put("id", callId).put("type", "function").putObject("function").put("name", name).put("arguments", arguments);
    }

    /** A function call's output: a string, or text parts joined. */
    private static String outputText(JsonNode item, String at) {
        JsonNode output = item.get("output");
        if (output != null && output.isString()) {
            return output.asString();
        }
        if (output != null && output.isArray()) {
            return joinedText(output, at + ".output");
        }
        throw wrongType(at + ".output", "a string or an array of content parts", output == null ? item.path("output") : output);
    }

    private static JsonNode part(JsonNode part, String at) {
        if (!part.isObject()) {
            throw wrongType(at, "a content part object", part);
        }
        required(part, "type", at);
        return part;
    }

    private static String required(JsonNode parent, String field, String at) {
        return string(parent, field, at + "." + field, Integer.MAX_VALUE)
                .orElseThrow(() -> GatewayException.badRequest(at + "." + field, at + "." + field + ": missing (expected: a string)"));
    }
}
