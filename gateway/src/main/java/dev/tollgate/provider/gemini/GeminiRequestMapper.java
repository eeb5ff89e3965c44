package dev.tollgate.provider.gemini;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.ContentPart;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.ToolCall;
import dev.tollgate.model.ToolDefinition;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.gemini.wire.Content;
import dev.tollgate.provider.gemini.wire.GenerateContentRequest;
import dev.tollgate.provider.gemini.wire.GenerateContentRequest.FunctionCallingConfig;
import dev.tollgate.provider.gemini.wire.GenerateContentRequest.FunctionDeclaration;
import dev.tollgate.provider.gemini.wire.GenerateContentRequest.GenerationConfig;
import dev.tollgate.provider.gemini.wire.GenerateContentRequest.Tool;
import dev.tollgate.provider.gemini.wire.GenerateContentRequest.ToolConfig;
import dev.tollgate.provider.gemini.wire.Part;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Translates the canonical chat request into Gemini's {@code GenerateContentRequest}: system and developer
 * messages become {@code systemInstruction}; user turns {@code user}, assistant turns {@code model};
 * tool calls {@code functionCall} parts and tool results {@code functionResponse} parts (named after the
 * call they answer); tools {@code functionDeclarations} with schemas Gemini accepts; the sampling
 * parameters {@code generationConfig}. Adjacent turns of one role are merged, so the parallel results
 * of one model turn travel together as Gemini expects.
 *
 * <p>Thinking models (Gemini 3) want each model turn's first function call back with the
 * {@code thoughtSignature} they gave it. Tollgate returns that signature on the tool call as
 * {@code extra_content.google.thought_signature} (the field Google's own OpenAI-compatible endpoint
 * uses) and sends it back when the client does; otherwise it sends the documented placeholder that
 * tells Gemini the history came from elsewhere.
 *
 * <p>What cannot be translated (audio or file parts, unreadable tool arguments, a tool result that
 * answers no earlier call) is refused as a 400 naming the field, before any upstream call.
 */
final class GeminiRequestMapper {

    /** The placeholder signature Gemini documents for function calls it did not produce itself. */
    static final String SIGNATURE_PLACEHOLDER = "skip_thought_signature_validator";
    private static final Map<String, String> MIME_BY_EXTENSION = Map.of(
            "png", "image/png", "jpg", "image/jpeg", "jpeg", "image/jpeg", "webp", "image/webp", "gif", "image/gif",
            "heic", "image/heic", "heif", "image/heif", "pdf", "application/pdf");

    private final JsonMapper json;
    private final GeminiSchemaMapper schemas = new GeminiSchemaMapper();

    GeminiRequestMapper(JsonMapper json) {
        this.json = json;
    }

    byte[] body(ChatRequest request) {
        return json.writeValueAsBytes(map(request));
    }

    GenerateContentRequest map(ChatRequest request) {
        List<Part> system = new ArrayList<>();
        List<Content> contents = new ArrayList<>();
        JsonNode rawMessages = request.body().path("messages");
        List<Message> messages = request.messages();
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            String at = "messages[" + i + "]";
            switch (m.role()) {
                case SYSTEM, DEVELOPER -> system.addAll(parts(m, at));
                case USER -> add(contents, new Content("user", parts(m, at)));
                case ASSISTANT -> add(contents, new Content("model", modelParts(m, rawMessages.path(i), at)));
                case TOOL, FUNCTION -> add(contents, new Content("user", List.of(Part.response(functionResponse(messages, i, at)))));
            }
        }
        if (contents.isEmpty()) {
            throw rejected("messages", "messages: no user or assistant message (expected: at least one besides system messages)");
        }
        JsonNode body = request.body();
        GenerationConfig generation = generationConfig(request, body);
        return new GenerateContentRequest(contents,
                system.isEmpty() ? null : new Content(null, system),
                tools(request.tools()),
                toolConfig(body.get("tool_choice")),
                generation.nothingSet() ? null : generation);
    }

    /** Appends a turn, merged into the previous one when both have the same role; empty turns are skipped. */
    private static void add(List<Content> contents, Content turn) {
        if (turn.parts().isEmpty()) {
            return;
        }
        if (!contents.isEmpty() && contents.getLast().role().equals(turn.role())) {
            List<Part> merged = new ArrayList<>(contents.getLast().parts());
            merged.addAll(turn.parts());
            contents.set(contents.size() - 1, new Content(turn.role(), merged));
            return;
        }
        contents.add(turn);
    }

    private static List<Part> parts(Message m, String at) {
        List<Part> out = new ArrayList<>();
        for (int j = 0; j < m.content().size(); j++) {
            switch (m.content().get(j)) {
                case ContentPart.Text(String text) -> {
                    if (!text.isEmpty()) {
                        out.add(Part.text(text));
                    }
                }
                case ContentPart.Image image -> out.add(image(image.url(), at + ".content[" + j + "].image_url.url"));
                case ContentPart.Other(String type) -> throw rejected(at + ".content[" + j + "].type",
                        at + ".content[" + j + "].type: '" + type + "' parts cannot be sent to Gemini by Tollgate (expected: text or image_url)");
            }
        }
        return out;
    }

    private List<Part> modelParts(Message m, JsonNode raw, String at) {
        List<Part> out = parts(m, at);
        for (int j = 0; j < m.toolCalls().size(); j++) {
            ToolCall call = m.toolCalls().get(j);
            String signature = raw.path("tool_calls").path(j).path("extra_content").path("google").path("thought_signature").asString(null);
            if (signature == null && j == 0) {
                signature = SIGNATURE_PLACEHOLDER;
            }
            out.add(Part.call(new Part.FunctionCall(null, call.name(), arguments(call, at + ".tool_calls[" + j + "].function.arguments")),
                    signature));
        }
        return out;
    }

    private JsonNode arguments(ToolCall call, String at) {
        if (call.arguments().isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode args = json.readTree(call.arguments());
            if (!args.isObject()) {
                throw rejected(at, at + ": not a JSON object (expected: the call's arguments as a JSON object)");
            }
            return args;
        } catch (JacksonException e) {
            throw rejected(at, at + ": not valid JSON (expected: the call's arguments as a JSON object)");
        }
    }

    private Part.FunctionResponse functionResponse(List<Message> messages, int index, String at) {
        Message result = messages.get(index);
        String name = result.role() == Role.FUNCTION ? result.name() : callName(messages, index, result.toolCallId());
        if (name == null || name.isEmpty()) {
            throw result.role() == Role.FUNCTION
                    ? rejected(at + ".name", at + ".name: missing (expected: the name of the function this answers)")
                    : rejected(at + ".tool_call_id", at + ".tool_call_id: '" + result.toolCallId()
                            + "' matches no tool call of an earlier assistant message (expected: the id of the call this answers)");
        }
        return new Part.FunctionResponse(null, name, resultObject(result.text()));
    }

    /** Gemini wants the result as an object: a JSON object is sent as it is, anything else as {@code {"result": …}}. */
    private JsonNode resultObject(String text) {
        JsonNode parsed;
        try {
            parsed = text.isBlank() ? null : json.readTree(text);
        } catch (JacksonException e) {
            parsed = null;
        }
        if (parsed != null && parsed.isObject()) {
            return parsed;
        }
        return json.createObjectNode().set("result", parsed != null ? parsed : json.getNodeFactory().stringNode(text));
    }

    /** The function name of the latest earlier tool call with {@code id}. */
    private static String callName(List<Message> messages, int before, String id) {
        for (int i = before - 1; i >= 0; i--) {
            for (ToolCall call : messages.get(i).toolCalls()) {
                if (call.id().equals(id)) {
                    return call.name();
                }
            }
        }
        return null;
    }

    private static Part image(String url, String at) {
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            String meta = comma < 0 ? "" : url.substring(5, comma);
            if (comma < 0 || !meta.endsWith(";base64") || meta.length() == ";base64".length()) {
                throw rejected(at, at + ": a data: URL that is not base64 with a media type (expected: data:image/png;base64,…)");
            }
            return Part.inline(meta.substring(0, meta.length() - ";base64".length()), url.substring(comma + 1));
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("https://") && !lower.startsWith("http://")) {
            throw rejected(at, at + ": not an http(s) or data: URL");
        }
        return Part.file(mimeOf(lower), url);
    }

    /** The media type a URL's file extension names; JPEG when it names none Gemini takes. */
    static String mimeOf(String url) {
        String path = url.replaceFirst("[?#].*$", "");
        int dot = path.lastIndexOf('.');
        String extension = dot < 0 || dot < path.lastIndexOf('/') ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
        return MIME_BY_EXTENSION.getOrDefault(extension, "image/jpeg");
    }

    private List<Tool> tools(List<ToolDefinition> tools) {
        if (tools.isEmpty()) {
            return null;
        }
        List<FunctionDeclaration> declarations = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            ToolDefinition tool = tools.get(i);
            JsonNode parameters;
            try {
                parameters = schemas.parameters(json.readTree(tool.parametersJson()));
            } catch (IllegalArgumentException e) {
                throw rejected("tools[" + i + "].function.parameters", "tools[" + i + "].function.parameters: " + e.getMessage());
            }
            declarations.add(new FunctionDeclaration(tool.name(), tool.description().isEmpty() ? null : tool.description(), parameters));
        }
        return List.of(new Tool(declarations));
    }

    private static ToolConfig toolConfig(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isString()) {
            return switch (choice.asString()) {
                case "none" -> new ToolConfig(new FunctionCallingConfig("NONE", null));
                case "auto" -> new ToolConfig(new FunctionCallingConfig("AUTO", null));
                case "required" -> new ToolConfig(new FunctionCallingConfig("ANY", null));
                default -> throw rejected("tool_choice", "tool_choice: '" + choice.asString() + "' (expected: none, auto, required or a function)");
            };
        }
        String name = choice.path("function").path("name").asString("");
        if (!choice.isObject() || name.isEmpty()) {
            throw rejected("tool_choice", "tool_choice: expected none, auto, required or {\"type\":\"function\",\"function\":{\"name\":…}}");
        }
        return new ToolConfig(new FunctionCallingConfig("ANY", List.of(name)));
    }

    private GenerationConfig generationConfig(ChatRequest request, JsonNode body) {
        JsonNode format = body.path("response_format");
        String formatType = format.path("type").asString("");
        String mime = formatType.equals("json_object") || formatType.equals("json_schema") ? "application/json" : null;
        JsonNode schema = null;
        if (formatType.equals("json_schema")) {
            try {
                schema = schemas.responseSchema(format.path("json_schema").get("schema"));
            } catch (IllegalArgumentException e) {
                throw rejected("response_format.json_schema.schema", "response_format.json_schema.schema: " + e.getMessage());
            }
        }
        return new GenerationConfig(
                decimal(body, "temperature"),
                decimal(body, "top_p"),
                request.maxTokens().orElse(null),
                stops(body.get("stop")),
                body.path("n").isIntegralNumber() && body.path("n").canConvertToInt() ? body.get("n").asInt() : null,
                mime,
                schema,
                body.path("seed").isIntegralNumber() && body.path("seed").canConvertToLong() ? body.get("seed").asLong() : null,
                decimal(body, "presence_penalty"),
                decimal(body, "frequency_penalty"));
    }

    private static Double decimal(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v != null && v.isNumber() ? v.asDouble() : null;
    }

    private static List<String> stops(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return null;
        }
        if (stop.isString()) {
            return List.of(stop.asString());
        }
        List<String> out = new ArrayList<>();
        stop.forEach(s -> {
            if (s.isString()) {
                out.add(s.asString());
            }
        });
        return out.isEmpty() ? null : out;
    }

    /** A request Gemini cannot be given: a 400 for the client, not retried elsewhere. */
    static UpstreamException rejected(String param, String message) {
        return new UpstreamException(UpstreamException.Kind.STATUS, 400, "invalid_request", Map.of(), message);
    }
}
