package dev.tollgate.api.openai;

import static dev.tollgate.api.openai.JsonFields.bool;
import static dev.tollgate.api.openai.JsonFields.integer;
import static dev.tollgate.api.openai.JsonFields.number;
import static dev.tollgate.api.openai.JsonFields.string;
import static dev.tollgate.api.openai.JsonFields.type;
import static dev.tollgate.api.openai.JsonFields.wrongType;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.ContentPart;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.ToolCall;
import dev.tollgate.model.ToolDefinition;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Inbound;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parses and validates an OpenAI {@code /v1/chat/completions} body into a {@link ChatRequest}. It checks
 * what Tollgate relies on and the types of the common parameters, each failure a 400 naming the
 * parameter; everything else is left for the upstream and passed through untouched.
 */
public final class OpenAiChatParser implements Inbound.RequestParser {

    static final int MAX_MODEL_LENGTH = 256;
    private static final int MAX_N = 128;

    private final JsonMapper json;

    public OpenAiChatParser(JsonMapper json) {
        this.json = json;
    }

    @Override
    public ChatRequest parse(byte[] body) {
        return parse(JsonFields.object(json, body));
    }

    /** Parses a body already read as JSON (a translating dialect's OpenAI-shaped request). */
    public ChatRequest parse(ObjectNode root) {
        Optional<String> model = modelName(root);
        boolean stream = bool(root, "stream", "stream");
        type(root, "stream_options", "stream_options", "an object", root.path("stream_options").isObject());
        boolean wantsUsage = stream && bool(root.path("stream_options"), "include_usage", "stream_options.include_usage");
        Optional<Integer> legacyMax = integer(root, "max_tokens", "max_tokens", 1, Integer.MAX_VALUE);
        Optional<Integer> maxTokens = integer(root, "max_completion_tokens", "max_completion_tokens", 1, Integer.MAX_VALUE).or(() -> legacyMax);
        integer(root, "n", "n", 1, MAX_N);
        integer(root, "seed", "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        number(root, "temperature", "temperature", 0, 2);
        number(root, "top_p", "top_p", 0, 1);
        number(root, "presence_penalty", "presence_penalty", -2, 2);
        number(root, "frequency_penalty", "frequency_penalty", -2, 2);
        bool(root, "logprobs", "logprobs");
        type(root, "stop", "stop", "a string or an array of strings", root.path("stop").isString() || root.path("stop").isArray());
        type(root, "response_format", "response_format", "an object", root.path("response_format").isObject());
        type(root, "user", "user", "a string", root.path("user").isString());
        type(root, "metadata", "metadata", "an object", root.path("metadata").isObject());
        return new ChatRequest(model, stream, wantsUsage, maxTokens, messages(root), tools(root), root);
    }

    /** The model field: optional, but when present a printable name without control characters. */
    public static Optional<String> modelName(ObjectNode root) {
        Optional<String> model = string(root, "model", "model", MAX_MODEL_LENGTH).filter(m -> !m.isBlank());
        if (model.isPresent() && model.get().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw GatewayException.badRequest("model", "model: contains control characters (expected: a model name such as gpt-4o-mini)");
        }
        return model;
    }

    private static List<Message> messages(ObjectNode root) {
        JsonNode messages = root.get("messages");
        if (messages == null || messages.isNull()) {
            throw GatewayException.badRequest("messages", "messages: missing (expected: an array of messages)");
        }
        if (!messages.isArray()) {
            throw wrongType("messages", "an array of messages", messages);
        }
        if (messages.isEmpty()) {
            throw GatewayException.badRequest("messages", "messages: empty (expected: at least one message)");
        }
        List<Message> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            out.add(message(messages.get(i), "messages[" + i + "]"));
        }
        return out;
    }

    private static Message message(JsonNode m, String path) {
        if (!m.isObject()) {
            throw wrongType(path, "a message object", m);
        }
        String roleText = string(m, "role", path + ".role", 32)
                .orElseThrow(() -> GatewayException.badRequest(path + ".role", path + ".role: missing (expected: system, developer, user, assistant or tool)"));
        Role role = Role.fromWire(roleText);
        if (role == null) {
            throw GatewayException.badRequest(path + ".role", path + ".role: '" + roleText + "' (expected: system, developer, user, assistant or tool)");
        }
        List<ToolCall> calls = toolCalls(m, path);
        List<ContentPart> content = content(m.get("content"), path + ".content", role, !calls.isEmpty());
        String toolCallId = string(m, "tool_call_id", path + ".tool_call_id", 256).orElse(null);
        if (role == Role.TOOL && toolCallId == null) {
            throw GatewayException.badRequest(path + ".tool_call_id", path + ".tool_call_id: missing (expected: the id of the tool call this answers)");
        }
        String name = string(m, "name", path + ".name", 256).orElse(null);
        return new Message(role, content, calls, toolCallId, name);
    }

    private static List<ContentPart> content(JsonNode c, String path, Role role, boolean hasToolCalls) {
        if (c == null || c.isNull()) {
            if (role == Role.ASSISTANT) {
                return List.of();
            }
            throw GatewayException.badRequest(path, path + ": missing (expected: a string or an array of content parts)");
        }
        if (c.isString()) {
            return List.of(new ContentPart.Text(c.asString()));
        }
        if (!c.isArray()) {
            throw wrongType(path, "a string or an array of content parts", c);
        }
        List<ContentPart> parts = new ArrayList<>(c.size());
        for (int i = 0; i < c.size(); i++) {
            parts.add(part(c.get(i), path + "[" + i + "]"));
        }
        return parts;
    }

    private static ContentPart part(JsonNode p, String path) {
        if (!p.isObject()) {
            throw wrongType(path, "a content part object", p);
        }
        String type = string(p, "type", path + ".type", 64)
                .orElseThrow(() -> GatewayException.badRequest(path + ".type", path + ".type: missing (expected: text, image_url, …)"));
        return switch (type) {
            case "text" -> new ContentPart.Text(string(p, "text", path + ".text", Integer.MAX_VALUE)
                    .orElseThrow(() -> GatewayException.badRequest(path + ".text", path + ".text: missing (expected: a string)")));
            case "image_url" -> {
                JsonNode image = p.path("image_url");
                if (!image.isObject()) {
                    throw wrongType(path + ".image_url", "an object with a url", image);
                }
                String url = string(image, "url", path + ".image_url.url", Integer.MAX_VALUE)
                        .orElseThrow(() -> GatewayException.badRequest(path + ".image_url.url", path + ".image_url.url: missing (expected: an http(s) or data: URL)"));
                yield new ContentPart.Image(url, string(image, "detail", path + ".image_url.detail", 16).orElse(null));
            }
            default -> new ContentPart.Other(type);
        };
    }

    private static List<ToolCall> toolCalls(JsonNode m, String path) {
        JsonNode calls = m.get("tool_calls");
        if (calls == null || calls.isNull()) {
            return List.of();
        }
        if (!calls.isArray()) {
            throw wrongType(path + ".tool_calls", "an array of tool calls", calls);
        }
        List<ToolCall> out = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            String at = path + ".tool_calls[" + i + "]";
            JsonNode call = calls.get(i);
            JsonNode function = call.path("function");
            if (!call.isObject() || !function.isObject()) {
                throw wrongType(at, "a tool call with a function object", call);
            }
            out.add(new ToolCall(string(call, "id", at + ".id", 256).orElse(""),
                    string(function, "name", at + ".function.name", 256).orElse(""),
                    string(function, "arguments", at + ".function.arguments", Integer.MAX_VALUE).orElse("")));
        }
        return out;
    }

    private static List<ToolDefinition> tools(ObjectNode root) {
        JsonNode tools = root.get("tools");
        if (tools == null || tools.isNull()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw wrongType("tools", "an array of tools", tools);
        }
        List<ToolDefinition> out = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode function = tools.get(i).path("function");
            if (!function.isObject()) {
                throw GatewayException.badRequest(at + ".function", at + ".function: missing (expected: {\"type\":\"function\",\"function\":{\"name\":…}})");
            }
            String name = string(function, "name", at + ".function.name", 64)
                    .orElseThrow(() -> GatewayException.badRequest(at + ".function.name", at + ".function.name: missing (expected: the function's name)"));
            JsonNode parameters = function.get("parameters");
            out.add(new ToolDefinition(name, string(function, "description", at + ".function.description", Integer.MAX_VALUE).orElse(""),
                    parameters == null ? "{}" : parameters.toString()));
        }
        return out;
    }
}
