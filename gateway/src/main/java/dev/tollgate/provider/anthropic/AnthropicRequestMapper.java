package dev.tollgate.provider.anthropic;

import dev.tollgate.config.ProviderKind;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.ContentPart;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.ToolCall;
import dev.tollgate.model.ToolDefinition;
import dev.tollgate.provider.UpstreamException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the body of {@code POST /v1/messages}. A client that spoke Anthropic's dialect has its own body
 * forwarded with the model name replaced (lossless: cache_control, thinking, documents and future fields
 * survive). Anything else is translated from the canonical request: system and developer messages become
 * the top-level {@code system}; tool calls become {@code tool_use} blocks and tool messages
 * {@code tool_result} blocks of a user turn; consecutive turns of one role are merged (Anthropic wants
 * them alternating); {@code tool_choice}, {@code stop}, {@code temperature}, {@code top_p} and
 * {@code user} are mapped; {@code max_tokens}, required by Anthropic, defaults to {@link #DEFAULT_MAX_TOKENS}.
 */
final class AnthropicRequestMapper {

    /** Anthropic requires {@code max_tokens}; budgets reserve with the same number ({@link ProviderKind#defaultMaxTokens}). */
    static final int DEFAULT_MAX_TOKENS = ProviderKind.ANTHROPIC.defaultMaxTokens().orElseThrow();

    private final JsonMapper json;

    AnthropicRequestMapper(JsonMapper json) {
        this.json = json;
    }

    /** @throws UpstreamException of kind {@code STATUS} 400 when the request holds what Anthropic cannot take */
    byte[] body(ChatRequest request, String upstreamModel) {
        if (request.anthropicBody().isPresent()) {
            ObjectNode body = request.anthropicBody().get().deepCopy();
            body.put("model", upstreamModel);
            return json.writeValueAsBytes(body);
        }
        return json.writeValueAsBytes(translate(request, upstreamModel));
    }

    /** A count_tokens body: the fields of a messages request that Anthropic's count takes, the others left out. */
    byte[] countTokensBody(ChatRequest request, String upstreamModel) {
        ObjectNode full = request.anthropicBody().map(ObjectNode::deepCopy).orElseGet(() -> translate(request, upstreamModel));
        full.put("model", upstreamModel);
        full.retain("model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers");
        return json.writeValueAsBytes(full);
    }

    private ObjectNode translate(ChatRequest request, String upstreamModel) {
        ObjectNode openAi = request.body();
        ObjectNode out = json.createObjectNode();
        out.put("model", upstreamModel);
        out.put("max_tokens", request.maxTokens().orElse(DEFAULT_MAX_TOKENS));
        system(request.messages(), out);
        out.set("messages", messages(request.messages()));
        if (!request.tools().isEmpty()) {
            ArrayNode tools = out.putArray("tools");
            for (ToolDefinition tool : request.tools()) {
                ObjectNode t = tools.addObject().put("name", tool.name());
                if (!tool.description().isEmpty()) {
                    t.put("description", tool.description());
                }
                t.set("input_schema", schema(tool.parametersJson()));
            }
            toolChoice(openAi, out);
        }
        JsonNode stop = openAi.get("stop");
        if (stop != null && stop.isString()) {
            out.putArray("stop_sequences").add(stop.asString());
        } else if (stop != null && stop.isArray() && !stop.isEmpty()) {
            out.set("stop_sequences", stop.deepCopy());
        }
        for (String field : List.of("temperature", "top_p")) {
            JsonNode v = openAi.get(field);
            if (v != null && v.isNumber()) {
                out.set(field, v);
            }
        }
        if (openAi.path("user").isString()) {
            out.putObject("metadata").put("user_id", openAi.get("user").asString());
        }
        if (request.stream()) {
            out.put("stream", true);
        }
        return out;
    }

    private static void system(List<Message> messages, ObjectNode out) {
        List<String> parts = new ArrayList<>();
        for (Message m : messages) {
            if (m.role() == Role.SYSTEM || m.role() == Role.DEVELOPER) {
                parts.add(m.text());
            }
        }
        if (parts.size() == 1) {
            out.put("system", parts.getFirst());
        } else if (parts.size() > 1) {
            ArrayNode blocks = out.putArray("system");
            parts.forEach(text -> blocks.addObject().put("type", "text").put("text", text));
        }
    }

    private ArrayNode messages(List<Message> messages) {
        ArrayNode out = json.createArrayNode();
        String lastRole = null;
        ArrayNode lastContent = null;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            String role = switch (m.role()) {
                case SYSTEM, DEVELOPER -> null;
                case USER, TOOL, FUNCTION -> "user";
                case ASSISTANT -> "assistant";
            };
            if (role == null) {
                continue;
            }
            ArrayNode blocks = blocks(m, "messages[" + i + "]");
            if (blocks.isEmpty()) {
                continue;
            }
            if (role.equals(lastRole)) {
                lastContent.addAll(blocks);
            } else {
                ObjectNode turn = out.addObject().put("role", role);
                lastContent = turn.putArray("content");
                lastContent.addAll(blocks);
                lastRole = role;
            }
        }
        return out;
    }

    private ArrayNode blocks(Message m, String path) {
        ArrayNode out = json.createArrayNode();
        if (m.role() == Role.TOOL || m.role() == Role.FUNCTION) {
            String id = m.role() == Role.TOOL ? m.toolCallId() : m.name();
            out.addObject().put("type", "tool_result").put("tool_use_id", id == null ? "" : id).put("content", m.text());
            return out;
        }
        for (int j = 0; j < m.content().size(); j++) {
            switch (m.content().get(j)) {
                case ContentPart.Text(String text) -> {
                    if (!text.isEmpty()) {
                        out.addObject().put("type", "text").put("text", text);
                    }
                }
                case ContentPart.Image image -> out.add(image(image, path + ".content[" + j + "]"));
                case ContentPart.Other(String type) -> throw unsupported(path + ".content[" + j + "]",
                        "content of type '" + type + "' cannot be translated for Anthropic");
            }
        }
        for (int j = 0; j < m.toolCalls().size(); j++) {
            ToolCall call = m.toolCalls().get(j);
            out.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name())
                    .set("input", arguments(call.arguments(), path + ".tool_calls[" + j + "].function.arguments"));
        }
        return out;
    }

    private ObjectNode image(ContentPart.Image image, String path) {
        ObjectNode block = json.createObjectNode().put("type", "image");
        String url = image.url();
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            String meta = comma < 0 ? "" : url.substring(5, comma);
            if (comma < 0 || !meta.endsWith(";base64")) {
                throw unsupported(path, "a data: URL image must be base64 (data:image/png;base64,…)");
            }
            block.putObject("source").put("type", "base64").put("media_type", meta.substring(0, meta.length() - 7))
                    .put("data", url.substring(comma + 1));
        } else {
            block.putObject("source").put("type", "url").put("url", url);
        }
        return block;
    }

    private JsonNode arguments(String text, String path) {
        if (text == null || text.isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode input = json.readTree(text);
            if (input instanceof ObjectNode) {
                return input;
            }
        } catch (JacksonException e) {
            // reported below
        }
        throw unsupported(path, "tool call arguments must be a JSON object for Anthropic");
    }

    private JsonNode schema(String parametersJson) {
        try {
            JsonNode schema = json.readTree(parametersJson);
            if (schema instanceof ObjectNode object) {
                if (!object.has("type")) {
                    object.put("type", "object");
                }
                return object;
            }
        } catch (JacksonException e) {
            // an unreadable schema is replaced by the empty object schema below
        }
        return json.createObjectNode().put("type", "object");
    }

    private static void toolChoice(ObjectNode openAi, ObjectNode out) {
        JsonNode choice = openAi.get("tool_choice");
        ObjectNode mapped = null;
        if (choice != null && choice.isString()) {
            mapped = switch (choice.asString()) {
                case "none" -> out.objectNode().put("type", "none");
                case "required" -> out.objectNode().put("type", "any");
                default -> out.objectNode().put("type", "auto");
            };
        } else if (choice != null && choice.isObject()) {
            String name = choice.path("function").path("name").asString("");
            mapped = out.objectNode().put("type", "tool").put("name", name);
        }
        JsonNode parallel = openAi.get("parallel_tool_calls");
        if (parallel != null && parallel.isBoolean() && !parallel.asBoolean()) {
            mapped = mapped == null ? out.objectNode().put("type", "auto") : mapped;
            if (!"none".equals(mapped.path("type").asString())) {
                mapped.put("disable_parallel_tool_use", true);
            }
        }
        if (mapped != null) {
            out.set("tool_choice", mapped);
        }
    }

    private static UpstreamException unsupported(String path, String message) {
        return new UpstreamException(UpstreamException.Kind.STATUS, 400, "unsupported_content", Map.of(), path + ": " + message);
    }
}
