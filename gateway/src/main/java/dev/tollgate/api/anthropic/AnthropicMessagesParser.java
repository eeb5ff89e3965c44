package dev.tollgate.api.anthropic;

import static dev.tollgate.api.openai.JsonFields.bool;
import static dev.tollgate.api.openai.JsonFields.integer;
import static dev.tollgate.api.openai.JsonFields.number;
import static dev.tollgate.api.openai.JsonFields.string;
import static dev.tollgate.api.openai.JsonFields.type;
import static dev.tollgate.api.openai.JsonFields.wrongType;

import dev.tollgate.api.openai.JsonFields;
import dev.tollgate.api.openai.OpenAiChatParser;
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
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parses and validates an Anthropic {@code POST /v1/messages} body into a {@link ChatRequest} that any
 * provider can serve: typed messages and tools, an OpenAI-shaped translation as {@code body} (for
 * OpenAI-compatible upstreams), and the client's own body as {@code anthropicBody} (forwarded as it is
 * to Anthropic upstreams). Every failure is a 400 naming the parameter.
 *
 * <p>Translation: {@code system} (string or text blocks) → a system message; text and image blocks →
 * content parts (base64 sources → {@code data:} URLs); {@code tool_use} blocks → tool calls with the input
 * as JSON text; {@code tool_result} blocks → tool messages placed before the rest of their user turn;
 * {@code tools} → functions; {@code tool_choice} auto/any/tool/none → auto/required/named/none;
 * {@code stop_sequences} → {@code stop}; {@code metadata.user_id} → {@code user}. Thinking blocks of
 * earlier turns are left out of the translation; block types it does not know are kept as they are,
 * for the upstream to accept or refuse.
 */
public final class AnthropicMessagesParser implements Inbound.RequestParser {

    private static final int MAX_TOKENS_LIMIT = 1_000_000;

    private final JsonMapper json;

    public AnthropicMessagesParser(JsonMapper json) {
        this.json = json;
    }

    @Override
    public ChatRequest parse(byte[] body) {
        ObjectNode root = JsonFields.object(json, body);
        Optional<String> model = OpenAiChatParser.modelName(root);
        int maxTokens = integer(root, "max_tokens", "max_tokens", 1, MAX_TOKENS_LIMIT)
                .orElseThrow(() -> GatewayException.badRequest("max_tokens", "max_tokens: missing (expected: an integer from 1 to " + MAX_TOKENS_LIMIT + ")"));
        boolean stream = bool(root, "stream", "stream");
        number(root, "temperature", "temperature", 0, 1);
        number(root, "top_p", "top_p", 0, 1);
        integer(root, "top_k", "top_k", 0, Integer.MAX_VALUE);
        type(root, "metadata", "metadata", "an object", root.path("metadata").isObject());
        Optional<String> user = string(root.path("metadata"), "user_id", "metadata.user_id", 256);
        type(root, "thinking", "thinking", "an object", root.path("thinking").isObject());
        List<String> stops = stopSequences(root);

        ObjectNode openAi = json.createObjectNode();
        model.ifPresent(m -> openAi.put("model", m));
        List<Message> messages = new ArrayList<>();
        ArrayNode wireMessages = openAi.putArray("messages");
        system(root, messages, wireMessages);
        messages(root, messages, wireMessages);
        openAi.put("max_tokens", maxTokens);
        if (stream) {
            openAi.put("stream", true);
            openAi.putObject("stream_options").put("include_usage", true);
        }
        for (String field : List.of("temperature", "top_p")) {
            if (root.hasNonNull(field)) {
                openAi.set(field, root.get(field));
            }
        }
        if (!stops.isEmpty()) {
            ArrayNode stop = openAi.putArray("stop");
            stops.forEach(stop::add);
        }
        user.ifPresent(u -> openAi.put("user", u));
        List<ToolDefinition> tools = tools(root, openAi);
        toolChoice(root, openAi, !tools.isEmpty());
        return new ChatRequest(model, stream, false, Optional.of(maxTokens), messages, tools, openAi, Optional.of(root));
    }

    private static List<String> stopSequences(ObjectNode root) {
        JsonNode stops = root.get("stop_sequences");
        if (stops == null || stops.isNull()) {
            return List.of();
        }
        if (!stops.isArray()) {
            throw wrongType("stop_sequences", "an array of strings", stops);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < stops.size(); i++) {
            if (!stops.get(i).isString()) {
                throw wrongType("stop_sequences[" + i + "]", "a string", stops.get(i));
            }
            out.add(stops.get(i).asString());
        }
        return out;
    }

    private void system(ObjectNode root, List<Message> messages, ArrayNode wire) {
        JsonNode system = root.get("system");
        if (system == null || system.isNull()) {
            return;
        }
        String text;
        if (system.isString()) {
            text = system.asString();
        } else if (system.isArray()) {
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < system.size(); i++) {
                JsonNode block = system.get(i);
                String at = "system[" + i + "]";
                if (!block.isObject() || !"text".equals(block.path("type").asString(""))) {
                    throw wrongType(at, "a text block {\"type\":\"text\",\"text\":…}", block);
                }
                joined.append(joined.isEmpty() ? "" : "\n\n").append(requiredString(block, "text", at + ".text"));
            }
            text = joined.toString();
        } else {
            throw wrongType("system", "a string or an array of text blocks", system);
        }
        messages.add(Message.text(Role.SYSTEM, text));
        wire.addObject().put("role", "system").put("content", text);
    }

    private void messages(ObjectNode root, List<Message> messages, ArrayNode wire) {
        JsonNode list = root.get("messages");
        if (list == null || list.isNull()) {
            throw GatewayException.badRequest("messages", "messages: missing (expected: an array of messages)");
        }
        if (!list.isArray()) {
            throw wrongType("messages", "an array of messages", list);
        }
        if (list.isEmpty()) {
            throw GatewayException.badRequest("messages", "messages: empty (expected: at least one message)");
        }
        for (int i = 0; i < list.size(); i++) {
            String path = "messages[" + i + "]";
            JsonNode m = list.get(i);
            if (!m.isObject()) {
                throw wrongType(path, "a message object", m);
            }
            String role = requiredString(m, "role", path + ".role");
            JsonNode content = m.get("content");
            if (content == null || content.isNull()) {
                throw GatewayException.badRequest(path + ".content", path + ".content: missing (expected: a string or an array of content blocks)");
            }
            if (!content.isString() && !content.isArray()) {
                throw wrongType(path + ".content", "a string or an array of content blocks", content);
            }
            switch (role) {
                case "user" -> user(content, path + ".content", messages, wire);
                case "assistant" -> assistant(content, path + ".content", messages, wire);
                default -> throw GatewayException.badRequest(path + ".role", path + ".role: '" + role
                        + "' (expected: user or assistant; the system prompt goes in the top-level 'system')");
            }
        }
    }

    private void user(JsonNode content, String path, List<Message> messages, ArrayNode wire) {
        if (content.isString()) {
            messages.add(Message.text(Role.USER, content.asString()));
            wire.addObject().put("role", "user").put("content", content.asString());
            return;
        }
        List<ContentPart> parts = new ArrayList<>();
        ArrayNode wireParts = json.createArrayNode();
        for (int j = 0; j < content.size(); j++) {
            JsonNode block = block(content.get(j), path + "[" + j + "]");
            String at = path + "[" + j + "]";
            switch (block.get("type").asString()) {
                case "tool_result" -> toolResult(block, at, messages, wire);
                case "text" -> {
                    String text = requiredString(block, "text", at + ".text");
                    parts.add(new ContentPart.Text(text));
                    wireParts.addObject().put("type", "text").put("text", text);
                }
                case "image" -> {
                    String url = imageUrl(block, at);
                    parts.add(new ContentPart.Image(url, null));
                    wireParts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
                }
                default -> {
                    parts.add(new ContentPart.Other(block.get("type").asString()));
                    wireParts.add(block);
                }
            }
        }
        if (!parts.isEmpty()) {
            messages.add(new Message(Role.USER, parts, List.of(), null, null));
            wire.addObject().put("role", "user").set("content", wireParts);
        }
    }

    private void toolResult(JsonNode block, String at, List<Message> messages, ArrayNode wire) {
        String id = requiredString(block, "tool_use_id", at + ".tool_use_id");
        bool(block, "is_error", at + ".is_error");
        JsonNode content = block.get("content");
        StringBuilder text = new StringBuilder();
        if (content != null && content.isString()) {
            text.append(content.asString());
        } else if (content != null && content.isArray()) {
            for (int k = 0; k < content.size(); k++) {
                JsonNode part = block(content.get(k), at + ".content[" + k + "]");
                if ("text".equals(part.get("type").asString())) {
                    text.append(text.isEmpty() ? "" : "\n").append(requiredString(part, "text", at + ".content[" + k + "].text"));
                }
            }
        } else if (content != null && !content.isNull()) {
            throw wrongType(at + ".content", "a string or an array of content blocks", content);
        }
        messages.add(new Message(Role.TOOL, List.of(new ContentPart.Text(text.toString())), List.of(), id, null));
        wire.addObject().put("role", "tool").put("tool_call_id", id).put("content", text.toString());
    }

    private void assistant(JsonNode content, String path, List<Message> messages, ArrayNode wire) {
        if (content.isString()) {
            messages.add(Message.text(Role.ASSISTANT, content.asString()));
            wire.addObject().put("role", "assistant").put("content", content.asString());
            return;
        }
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        ArrayNode wireCalls = json.createArrayNode();
        for (int j = 0; j < content.size(); j++) {
            String at = path + "[" + j + "]";
            JsonNode block = block(content.get(j), at);
            switch (block.get("type").asString()) {
                case "text" -> text.append(requiredString(block, "text", at + ".text"));
                case "tool_use" -> {
                    String id = requiredString(block, "id", at + ".id");
                    String name = requiredString(block, "name", at + ".name");
                    JsonNode input = block.get("input");
                    if (input == null || !input.isObject()) {
                        throw wrongType(at + ".input", "an object", input == null ? json.nullNode() : input);
                    }
                    String arguments = json.writeValueAsString(input);
                    calls.add(new ToolCall(id, name, arguments));
                    wireCalls.addObject().put("id", id).put("type", "function")
                            .putObject("function").put("name", name).put("arguments", arguments);
                }
                default -> {
                    // thinking and server-tool blocks of earlier turns are the model's own; no OpenAI equivalent
                }
            }
        }
        List<ContentPart> parts = text.isEmpty() ? List.of() : List.of(new ContentPart.Text(text.toString()));
        messages.add(new Message(Role.ASSISTANT, parts, calls, null, null));
        ObjectNode m = wire.addObject().put("role", "assistant");
        if (text.isEmpty() && !calls.isEmpty()) {
            m.putNull("content");
        } else {
            m.put("content", text.toString());
        }
        if (!calls.isEmpty()) {
            m.set("tool_calls", wireCalls);
        }
    }

    private static JsonNode block(JsonNode block, String at) {
        if (!block.isObject()) {
            throw wrongType(at, "a content block object", block);
        }
        requiredString(block, "type", at + ".type");
        return block;
    }

    private static String imageUrl(JsonNode block, String at) {
        JsonNode source = block.get("source");
        if (source == null || !source.isObject()) {
            throw GatewayException.badRequest(at + ".source", at + ".source: missing (expected: {\"type\":\"base64\",…} or {\"type\":\"url\",…})");
        }
        String type = requiredString(source, "type", at + ".source.type");
        return switch (type) {
            case "base64" -> "data:" + requiredString(source, "media_type", at + ".source.media_type") + ";base64,"
                    + requiredString(source, "data", at + ".source.data");
            case "url" -> requiredString(source, "url", at + ".source.url");
            default -> throw GatewayException.badRequest(at + ".source.type", at + ".source.type: '" + type + "' (expected: base64 or url)");
        };
    }

    private static List<ToolDefinition> tools(ObjectNode root, ObjectNode openAi) {
        JsonNode tools = root.get("tools");
        if (tools == null || tools.isNull()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw wrongType("tools", "an array of tools", tools);
        }
        List<ToolDefinition> out = new ArrayList<>();
        ArrayNode wire = openAi.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode tool = tools.get(i);
            if (!tool.isObject()) {
                throw wrongType(at, "a tool object", tool);
            }
            String kind = string(tool, "type", at + ".type", 64).orElse("custom");
            if (!kind.equals("custom")) {
                wire.add(tool); // a server tool (web search, code execution, …): only Anthropic knows it
                continue;
            }
            String name = string(tool, "name", at + ".name", 128)
                    .orElseThrow(() -> GatewayException.badRequest(at + ".name", at + ".name: missing (expected: the tool's name)"));
            JsonNode schema = tool.get("input_schema");
            if (schema == null || !schema.isObject()) {
                throw wrongType(at + ".input_schema", "a JSON Schema object", schema == null ? tool.path("input_schema") : schema);
            }
            String description = string(tool, "description", at + ".description", Integer.MAX_VALUE).orElse("");
            out.add(new ToolDefinition(name, description, schema.toString()));
            ObjectNode function = wire.addObject().put("type", "function").putObject("function").put("name", name);
            if (!description.isEmpty()) {
                function.put("description", description);
            }
            function.set("parameters", schema);
        }
        return out;
    }

    private static void toolChoice(ObjectNode root, ObjectNode openAi, boolean hasTools) {
        JsonNode choice = root.get("tool_choice");
        if (choice == null || choice.isNull()) {
            return;
        }
        if (!choice.isObject()) {
            throw wrongType("tool_choice", "an object such as {\"type\":\"auto\"}", choice);
        }
        String type = requiredString(choice, "type", "tool_choice.type");
        boolean noParallel = bool(choice, "disable_parallel_tool_use", "tool_choice.disable_parallel_tool_use");
        switch (type) {
            case "auto" -> openAi.put("tool_choice", "auto");
            case "any" -> openAi.put("tool_choice", "required");
            case "none" -> openAi.put("tool_choice", "none");
            case "tool" -> openAi.putObject("tool_choice").put("type", "function").putObject("function")
                    .put("name", requiredString(choice, "name", "tool_choice.name"));
            default -> throw GatewayException.badRequest("tool_choice.type", "tool_choice.type: '" + type + "' (expected: auto, any, tool or none)");
        }
        if (!hasTools) {
            openAi.remove("tool_choice");
        } else if (noParallel) {
            openAi.put("parallel_tool_calls", false);
        }
    }

    private static String requiredString(JsonNode parent, String field, String path) {
        return string(parent, field, path, Integer.MAX_VALUE)
                .orElseThrow(() -> GatewayException.badRequest(path, path + ": missing (expected: a string)"));
    }
}
