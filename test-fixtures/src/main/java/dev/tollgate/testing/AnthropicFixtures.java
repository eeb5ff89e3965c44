package dev.tollgate.testing;

import dev.tollgate.model.Usage;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Anthropic Messages API wire shapes, copied from the documented examples (API reference "Messages",
 * the streaming guide's event sequences, the tool-use guide and the errors page): a {@code message} with
 * text or {@code tool_use} content and usage split into {@code input_tokens},
 * {@code cache_read_input_tokens} and {@code cache_creation_input_tokens}; the stream as named events
 * ({@code message_start}, {@code content_block_start}, {@code ping}, {@code content_block_delta} with
 * {@code text_delta} or {@code input_json_delta}, {@code content_block_stop}, {@code message_delta} with
 * the stop reason and cumulative {@code output_tokens}, {@code message_stop}); and the error object
 * {@code {"type":"error","error":{"type":…,"message":…}}}, also sent as an {@code error} event mid-stream.
 * The extended-thinking and citations shapes follow the guides of those names: a {@code thinking} block
 * with its {@code signature} before the text (streamed as {@code thinking_delta} pieces and one
 * {@code signature_delta}), and text blocks with {@code char_location} citations of a document
 * (streamed as {@code citations_delta}), here ending at a matched {@code stop_sequence}.
 */
public final class AnthropicFixtures {

    /** Anthropic's four token counts; {@code input} excludes the cache reads and writes. */
    public record Tokens(long input, long cacheRead, long cacheCreation, long output) {

        /** The same call in Tollgate's accounting: the whole prompt as input. */
        public Usage usage() {
            return new Usage(input + cacheRead + cacheCreation, output, cacheRead, cacheCreation, 0, false);
        }
    }

    public static final String DEFAULT_ANSWER = "Hello! How can I assist you today?";
    public static final Tokens DEFAULT_TOKENS = new Tokens(21, 0, 0, 12);
    public static final String MESSAGE_ID = "msg_013Zva2CMHLNnXjNJJKqJ2EF";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AnthropicFixtures() {
    }

    /** A non-streamed text answer. */
    public static String message(String model, String text, String stopReason, Tokens tokens) {
        ObjectNode root = head(model);
        root.putArray("content").addObject().put("type", "text").put("text", text);
        tail(root, stopReason, tokens);
        return root.toString();
    }

    /** A non-streamed tool call, preceded by a short text as Claude writes it. */
    public static String toolUseMessage(String model, String preface, String toolUseId, String name, String inputJson, Tokens tokens) {
        ObjectNode root = head(model);
        var content = root.putArray("content");
        if (preface != null) {
            content.addObject().put("type", "text").put("text", preface);
        }
        content.addObject().put("type", "tool_use").put("id", toolUseId).put("name", name).set("input", JSON.readTree(inputJson));
        tail(root, "tool_use", tokens);
        return root.toString();
    }

    /** The events of a streamed text answer, one per piece, with a ping after the block starts. */
    public static List<String> textStream(String model, List<String> pieces, String stopReason, Tokens tokens) {
        List<String> out = new ArrayList<>();
        out.add(messageStart(model, tokens));
        out.add(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        out.add(event("ping", "{\"type\": \"ping\"}"));
        for (String piece : pieces) {
            out.add(textDelta(0, piece));
        }
        out.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        out.addAll(end(stopReason, tokens));
        return out;
    }

    /** The events of a streamed tool call whose input arrives as {@code partialJson} pieces, after a text block. */
    public static List<String> toolUseStream(String model, String preface, String toolUseId, String name, List<String> partialJson,
                                             Tokens tokens) {
        List<String> out = new ArrayList<>();
        out.add(messageStart(model, tokens));
        out.add(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        out.add(textDelta(0, preface));
        out.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        ObjectNode start = JSON.createObjectNode().put("type", "content_block_start").put("index", 1);
        start.putObject("content_block").put("type", "tool_use").put("id", toolUseId).put("name", name).putObject("input");
        out.add(event("content_block_start", start.toString()));
        out.add(jsonDelta(1, ""));
        for (String piece : partialJson) {
            out.add(jsonDelta(1, piece));
        }
        out.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"));
        out.addAll(end("tool_use", tokens));
        return out;
    }

    public static String messageStart(String model, Tokens tokens) {
        ObjectNode root = JSON.createObjectNode().put("type", "message_start");
        ObjectNode message = root.putObject("message").put("id", MESSAGE_ID).put("type", "message").put("role", "assistant");
        message.putArray("content");
        message.put("model", model).putNull("stop_reason").putNull("stop_sequence");
        usage(message, new Tokens(tokens.input(), tokens.cacheRead(), tokens.cacheCreation(), 1));
        return event("message_start", root.toString());
    }

    public static String textDelta(int index, String text) {
        ObjectNode root = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
        root.putObject("delta").put("type", "text_delta").put("text", text);
        return event("content_block_delta", root.toString());
    }

    public static String jsonDelta(int index, String partialJson) {
        ObjectNode root = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
        root.putObject("delta").put("type", "input_json_delta").put("partial_json", partialJson);
        return event("content_block_delta", root.toString());
    }

    /** {@code message_delta} (stop reason, cumulative output tokens) and {@code message_stop}. */
    public static List<String> end(String stopReason, Tokens tokens) {
        ObjectNode delta = JSON.createObjectNode().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
        delta.putObject("usage").put("output_tokens", tokens.output());
        return List.of(event("message_delta", delta.toString()), event("message_stop", "{\"type\":\"message_stop\"}"));
    }

    /** Extended thinking, not streamed: the thinking block with its signature, then the answer's text. */
    public static String thinkingMessage(String model, String thinking, String signature, String text, Tokens tokens) {
        ObjectNode root = head(model);
        var content = root.putArray("content");
        content.addObject().put("type", "thinking").put("thinking", thinking).put("signature", signature);
        content.addObject().put("type", "text").put("text", text);
        tail(root, "end_turn", tokens);
        return root.toString();
    }

    /** Extended thinking, streamed: {@code thinking_delta} pieces and a {@code signature_delta}, then the text block. */
    public static List<String> thinkingStream(String model, List<String> thinking, String signature, List<String> text, Tokens tokens) {
        List<String> out = new ArrayList<>();
        out.add(messageStart(model, tokens));
        out.add(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}"));
        for (String piece : thinking) {
            ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
            delta.putObject("delta").put("type", "thinking_delta").put("thinking", piece);
            out.add(event("content_block_delta", delta.toString()));
        }
        ObjectNode signed = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
        signed.putObject("delta").put("type", "signature_delta").put("signature", signature);
        out.add(event("content_block_delta", signed.toString()));
        out.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        out.add(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        for (String piece : text) {
            out.add(textDelta(1, piece));
        }
        out.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"));
        out.addAll(end("end_turn", tokens));
        return out;
    }

    /** A cited statement: the citation of {@link #citedMessage}, located in the document by characters. */
    public record Cited(String text, String citedText, int start, int end) {

        ObjectNode citation() {
            return JSON.createObjectNode().put("type", "char_location").put("cited_text", citedText).put("document_index", 0)
                    .put("document_title", "Example Document").put("start_char_index", start).put("end_char_index", end);
        }
    }

    /** Text blocks as Claude cites a document: plain text between cited statements, ending at a matched stop sequence. */
    public static String citedMessage(String model, String lead, List<Cited> cited, String stopSequence, Tokens tokens) {
        ObjectNode root = head(model);
        var content = root.putArray("content");
        content.addObject().put("type", "text").put("text", lead);
        for (Cited c : cited) {
            ObjectNode block = content.addObject().put("type", "text").put("text", c.text());
            block.putArray("citations").add(c.citation());
        }
        root.put("stop_reason", "stop_sequence").put("stop_sequence", stopSequence);
        usage(root, tokens);
        return root.toString();
    }

    /** The same streamed: each cited block opens with empty citations, gets a {@code citations_delta}, then its text. */
    public static List<String> citedStream(String model, String lead, List<Cited> cited, String stopSequence, Tokens tokens) {
        List<String> out = new ArrayList<>();
        out.add(messageStart(model, tokens));
        out.add(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        out.add(textDelta(0, lead));
        out.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        int index = 1;
        for (Cited c : cited) {
            ObjectNode start = JSON.createObjectNode().put("type", "content_block_start").put("index", index);
            start.putObject("content_block").put("type", "text").put("text", "").putArray("citations");
            out.add(event("content_block_start", start.toString()));
            ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
            delta.putObject("delta").put("type", "citations_delta").set("citation", c.citation());
            out.add(event("content_block_delta", delta.toString()));
            out.add(textDelta(index, c.text()));
            out.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}"));
            index++;
        }
        ObjectNode end = JSON.createObjectNode().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", "stop_sequence").put("stop_sequence", stopSequence);
        end.putObject("usage").put("output_tokens", tokens.output());
        out.add(event("message_delta", end.toString()));
        out.add(event("message_stop", "{\"type\":\"message_stop\"}"));
        return out;
    }

    /** An error event, as Anthropic sends one mid-stream (for example when overloaded). */
    public static String errorEvent(String type, String message) {
        return event("error", errorBody(type, message));
    }

    public static String errorBody(String type, String message) {
        ObjectNode root = JSON.createObjectNode().put("type", "error");
        root.putObject("error").put("type", type).put("message", message);
        return root.toString();
    }

    /** An error answer: 400 invalid_request_error, 401 authentication_error, 429 rate_limit_error, 529 overloaded_error, … */
    public static MockResponse error(int status, String type, String message) {
        return MockResponse.json(status, errorBody(type, message)).withHeader("request-id", "req_011CSHoEeqs5C35K2UUqR7Fy");
    }

    public static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data;
    }

    /**
     * The mock's answer to any {@code POST /v1/messages}: the default text (streamed or not, as asked),
     * with the request's model and {@link #DEFAULT_TOKENS}.
     */
    public static MockResponse answer(RecordedRequest request) {
        if (!request.path().equals("/v1/messages")) {
            return error(404, "not_found_error", "Not found: " + request.path());
        }
        JsonNode body = request.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(request.body());
        String model = body.path("model").asString("claude-sonnet-4-5");
        if (body.path("stream").asBoolean(false)) {
            return MockResponse.sse(textStream(model, List.of("Hello!", " How can I", " assist you today?"), "end_turn", DEFAULT_TOKENS));
        }
        return MockResponse.json(200, message(model, DEFAULT_ANSWER, "end_turn", DEFAULT_TOKENS));
    }

    private static ObjectNode head(String model) {
        return JSON.createObjectNode().put("id", MESSAGE_ID).put("type", "message").put("role", "assistant").put("model", model);
    }

    private static void tail(ObjectNode root, String stopReason, Tokens tokens) {
        root.put("stop_reason", stopReason).putNull("stop_sequence");
        usage(root, tokens);
    }

    private static void usage(ObjectNode root, Tokens tokens) {
        root.putObject("usage").put("input_tokens", tokens.input()).put("cache_creation_input_tokens", tokens.cacheCreation())
                .put("cache_read_input_tokens", tokens.cacheRead()).put("output_tokens", tokens.output());
    }
}
