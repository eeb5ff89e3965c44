package dev.tollgate.api.responses;

import static dev.tollgate.api.openai.JsonFields.bool;
import static dev.tollgate.api.openai.JsonFields.integer;
import static dev.tollgate.api.openai.JsonFields.number;
import static dev.tollgate.api.openai.JsonFields.string;
import static dev.tollgate.api.openai.JsonFields.type;
import static dev.tollgate.api.openai.JsonFields.wrongType;

import dev.tollgate.api.openai.JsonFields;
import dev.tollgate.api.openai.OpenAiChatParser;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Principal;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.store.ResponseStore;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parses and validates a Responses API body ({@code POST /v1/responses}) into a {@link ChatRequest} whose
 * {@code body} is its Chat Completions translation, which every provider adapter serves. Every failure is a
 * 400 in OpenAI's shape naming the parameter ({@code input[2].call_id}).
 *
 * <p>Translation: {@code instructions} → a system message first (never carried over from a previous
 * response, as OpenAI does); {@code previous_response_id} → the kept conversation of that response, read
 * within the caller's org, before this call's input; {@code input} (a string, or items) → messages
 * ({@link ResponsesInput}); function {@code tools} → chat tools; {@code tool_choice} →
 * {@code tool_choice}; {@code max_output_tokens} → {@code max_completion_tokens}; {@code text.format}
 * → {@code response_format}; {@code reasoning.effort} → {@code reasoning_effort}; {@code temperature},
 * {@code top_p}, {@code user} and {@code parallel_tool_calls} as they are. {@code metadata} and
 * {@code store} stay with the response and are not sent upstream.
 */
public final class ResponsesParser implements Inbound.RequestParser {

    private static final int MAX_OUTPUT_TOKENS = 1_000_000;

    private final JsonMapper json;
    private final ResponseStore responses;
    private final OpenAiChatParser chat;
    private final ResponsesInput input;

    public ResponsesParser(JsonMapper json, ResponseStore responses) {
        this.json = json;
        this.responses = responses;
        this.chat = new OpenAiChatParser(json);
        this.input = new ResponsesInput(json);
    }

    /** Without a caller a {@code previous_response_id} cannot be looked up: only requests without one parse. */
    @Override
    public ChatRequest parse(byte[] body) {
        return parse(body, null);
    }

    @Override
    public ChatRequest parse(byte[] body, Principal caller) {
        ObjectNode root = JsonFields.object(json, body);
        ObjectNode out = json.createObjectNode();
        OpenAiChatParser.modelName(root).ifPresent(m -> out.put("model", m));
        boolean stream = bool(root, "stream", "stream");
        bool(root, "store", "store");
        ArrayNode messages = out.putArray("messages");
        string(root, "instructions", "instructions", Integer.MAX_VALUE).filter(s -> !s.isEmpty())
                .ifPresent(text -> messages.addObject().put("role", "system").put("content", text));
        previous(root, caller).ifPresent(messages::addAll);
        input.messages(root, messages);
        if (stream) {
            out.put("stream", true);
            out.putObject("stream_options").put("include_usage", true);
        }
        integer(root, "max_output_tokens", "max_output_tokens", 1, MAX_OUTPUT_TOKENS).ifPresent(n -> out.put("max_completion_tokens", n));
        number(root, "temperature", "temperature", 0, 2);
        number(root, "top_p", "top_p", 0, 1);
        type(root, "user", "user", "a string", root.path("user").isString());
        type(root, "parallel_tool_calls", "parallel_tool_calls", "true or false", root.path("parallel_tool_calls").isBoolean());
        for (String field : new String[] {"temperature", "top_p", "user", "parallel_tool_calls"}) {
            if (root.hasNonNull(field)) {
                out.set(field, root.get(field));
            }
        }
        metadata(root);
        ResponsesTools.tools(root, out);
        ResponsesTools.toolChoice(root, out);
        textFormat(root, out);
        reasoning(root, out);
        ChatRequest translated = chat.parse(out);
        // A chain on a kept response is Tollgate's own conversation: only its translation can carry it upstream.
        boolean chained = root.hasNonNull("previous_response_id");
        ChatRequest request = new ChatRequest(translated.model(), stream, false, translated.maxTokens(), translated.messages(),
                translated.tools(), out, Optional.empty(), Optional.of(root));
        Optional<String> builtIn = request.passthroughOnly();
        if (chained && builtIn.isPresent()) {
            throw GatewayException.badRequest(builtIn.get(), builtIn.get() + ": a built-in tool with previous_response_id (Tollgate "
                    + "continues a kept conversation itself, in a translated call, and a translated call cannot reach OpenAI's built-in "
                    + "tools; send the earlier turns as input instead)");
        }
        return chained ? new ChatRequest(translated.model(), stream, false, translated.maxTokens(), translated.messages(),
                translated.tools(), out) : request;
    }

    private Optional<ArrayNode> previous(ObjectNode root, Principal caller) {
        Optional<String> id = string(root, "previous_response_id", "previous_response_id", 256);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        if (caller == null) {
            throw new IllegalStateException("previous_response_id needs the caller's org");
        }
        String conversation = responses.find(caller.orgId(), id.get())
                .orElseThrow(() -> GatewayException.badRequest("previous_response_id", "previous_response_id: no response '"
                        + id.get() + "' is kept (it was never stored, was deleted, or is past the retention)"))
                .conversation();
        return Optional.of((ArrayNode) json.readTree(conversation));
    }

    private static void metadata(ObjectNode root) {
        JsonNode metadata = root.get("metadata");
        if (metadata == null || metadata.isNull()) {
            return;
        }
        if (!metadata.isObject()) {
            throw wrongType("metadata", "an object of strings", metadata);
        }
        if (metadata.size() > 16) {
            throw GatewayException.badRequest("metadata", "metadata: " + metadata.size() + " keys (expected: at most 16)");
        }
        for (var entry : metadata.properties()) {
            string(metadata, entry.getKey(), "metadata." + entry.getKey(), 512);
        }
    }

    private static void textFormat(ObjectNode root, ObjectNode out) {
        type(root, "text", "text", "an object", root.path("text").isObject());
        JsonNode format = root.path("text").get("format");
        if (format == null || format.isNull()) {
            return;
        }
        if (!format.isObject()) {
            throw wrongType("text.format", "an object such as {\"type\":\"json_schema\",…}", format);
        }
        String kind = string(format, "type", "text.format.type", 32)
                .orElseThrow(() -> GatewayException.badRequest("text.format.type", "text.format.type: missing (expected: text, json_object or json_schema)"));
        switch (kind) {
            case "text" -> {
                // the default: nothing to ask for
            }
            case "json_object" -> out.putObject("response_format").put("type", "json_object");
            case "json_schema" -> {
                String name = string(format, "name", "text.format.name", 64)
                        .orElseThrow(() -> GatewayException.badRequest("text.format.name", "text.format.name: missing (expected: the schema's name)"));
                JsonNode schema = format.get("schema");
                if (schema == null || !schema.isObject()) {
                    throw wrongType("text.format.schema", "a JSON Schema object", schema == null ? format.path("schema") : schema);
                }
                ObjectNode jsonSchema = out.putObject("response_format").put("type", "json_schema").putObject("json_schema");
                jsonSchema.put("name", name);
                string(format, "description", "text.format.description", Integer.MAX_VALUE).ifPresent(d -> jsonSchema.put("description", d));
                jsonSchema.set("schema", schema);
                if (format.hasNonNull("strict")) {
                    jsonSchema.put("strict", bool(format, "strict", "text.format.strict"));
                }
            }
            default -> throw GatewayException.badRequest("text.format.type", "text.format.type: '" + kind
                    + "' (expected: text, json_object or json_schema)");
        }
    }

    private static void reasoning(ObjectNode root, ObjectNode out) {
        type(root, "reasoning", "reasoning", "an object", root.path("reasoning").isObject());
        string(root.path("reasoning"), "effort", "reasoning.effort", 16).ifPresent(effort -> {
            if (!effort.matches("none|minimal|low|medium|high|xhigh")) {
                throw GatewayException.badRequest("reasoning.effort", "reasoning.effort: '" + effort
                        + "' (expected: none, minimal, low, medium, high or xhigh)");
            }
            out.put("reasoning_effort", effort);
        });
    }
}
