package dev.tollgate.provider.anthropic;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.SseEventReader;
import dev.tollgate.provider.StreamUsage;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.anthropic.wire.AnthropicUsage;
import dev.tollgate.provider.anthropic.wire.StopReason;
import dev.tollgate.usage.TokenCounter;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decodes Anthropic's Messages stream as the events arrive, in one of two ways.
 *
 * <p>Translated (for clients of any other dialect), into OpenAI {@code chat.completion.chunk}s:
 * {@code message_start} → the role chunk; text deltas → content chunks; a {@code tool_use} block → a
 * tool call (id and name first, then its {@code input_json_delta} pieces as argument pieces, indexed
 * per tool call); {@code message_delta} → the finish chunk; {@code message_stop} → the usage-only chunk.
 * {@code ping}, thinking and signature deltas and unknown events carry nothing for an OpenAI client.
 *
 * <p>Passed through (for a client of Anthropic's own dialect): every event as Anthropic sent it, thinking,
 * signatures, citations and events of later API versions included, named by its {@code type}; only
 * {@code message_stop} is held back, for the relay to write once the call is settled.
 *
 * <p>Either way an {@code error} event fails the stream ({@code BROKEN}), and usage is exact once
 * {@code message_start} (input and cache tokens) and {@code message_delta} (cumulative output tokens)
 * arrived; a stream cut before the end is billed its exact prompt and an estimate of the output delivered.
 */
final class AnthropicStreamDecoder implements ChunkStream {

    private final SseEventReader events;
    private final StreamUsage streamUsage;
    private final JsonMapper json;
    private final AnthropicErrorMapper errors;
    private final long created;
    private final boolean passthrough;
    /** Content block index → the OpenAI tool-call index of a {@code tool_use} block. */
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();
    private String id = "msg";
    private String upstreamModel;
    private AnthropicUsage usage;
    private boolean sawDelta;
    /** Whether {@code message_start} carried the prompt's usage. */
    private boolean startReported;
    private boolean ended;

    /**
     * Where the stream comes from and what it answers.
     *
     * @param passthrough relay Anthropic's events as they are, for a client of Anthropic's dialect
     */
    record Source(InputStream in, Runnable abort, ChatRequest request, String model, long created, boolean passthrough) {

        /** A stream translated into OpenAI chunks. */
        Source(InputStream in, Runnable abort, ChatRequest request, String model, long created) {
            this(in, abort, request, model, created, false);
        }
    }

    AnthropicStreamDecoder(Source source, JsonMapper json, TokenCounter tokens, AnthropicErrorMapper errors) {
        this.events = new SseEventReader(source.in(), source.abort(), json);
        this.streamUsage = new StreamUsage(tokens, source.request(), source.model());
        this.upstreamModel = source.model();
        this.created = source.created();
        this.passthrough = source.passthrough();
        this.json = json;
        this.errors = errors;
    }

    @Override
    public Chunk next() {
        while (!ended) {
            byte[] data = events.next();
            if (data == null) {
                ended = true;
                throw UpstreamException.of(UpstreamException.Kind.BROKEN, "upstream stream ended before it was complete");
            }
            JsonNode event = events.object(data);
            String type = event.path("type").asString("");
            track(type, event);
            Chunk chunk = passthrough ? relayed(type, event, data) : translated(type, event);
            if (chunk != null) {
                return chunk;
            }
        }
        return null;
    }

    /** What every event means for the stream's state, in both ways: usage, ids, what was delivered, its end. */
    private void track(String type, JsonNode event) {
        switch (type) {
            case "message_start" -> {
                JsonNode message = event.path("message");
                id = message.path("id").asString(id);
                upstreamModel = message.path("model").asString(upstreamModel);
                startReported = message.path("usage").isObject();
                usage = startReported ? AnthropicUsage.of(message.get("usage")) : usage;
            }
            case "message_delta" -> {
                if (event.path("usage").isObject()) {
                    usage = (usage == null ? AnthropicUsage.NONE : usage).merge(event.get("usage"));
                    sawDelta = true;
                }
            }
            case "message_stop" -> ended = true;
            case "error" -> {
                ended = true;
                throw errors.streamError(event);
            }
            default -> {
                // content events are counted where they are delivered
            }
        }
    }

    /** An event for a client of Anthropic's dialect: as it came, counted for the estimate of a cut stream. */
    private Chunk relayed(String type, JsonNode event, byte[] data) {
        if (type.equals("message_stop")) {
            return null; // written by the relay after the call is settled
        }
        boolean content = false;
        if (type.equals("content_block_start")) {
            JsonNode block = event.path("content_block");
            String delivered = block.path("text").asString("") + block.path("name").asString("");
            streamUsage.delivered(delivered);
            content = !delivered.isEmpty();
        } else if (type.equals("content_block_delta")) {
            JsonNode delta = event.path("delta");
            String delivered = delta.path("text").asString("") + delta.path("partial_json").asString("")
                    + delta.path("thinking").asString("");
            streamUsage.delivered(delivered);
            content = !delivered.isEmpty();
        }
        return new Chunk(data, false, content, type);
    }

    /** The chunk an event becomes for an OpenAI-shaped client, or {@code null} for events that carry nothing for it. */
    private Chunk translated(String type, JsonNode event) {
        return switch (type) {
            case "message_start" -> {
                ObjectNode chunk = chunk();
                Chunk.choiceDelta(chunk).put("role", "assistant").put("content", "");
                yield new Chunk(json.writeValueAsBytes(chunk), false, false);
            }
            case "content_block_start" -> blockStart(event.path("index").asInt(0), event.path("content_block"));
            case "content_block_delta" -> blockDelta(event.path("index").asInt(0), event.path("delta"));
            case "message_delta" -> {
                ObjectNode chunk = chunk();
                Chunk.choiceDelta(chunk);
                ((ObjectNode) chunk.get("choices").get(0)).put("finish_reason",
                        StopReason.finishReasonOf(event.path("delta").path("stop_reason").asString(null)));
                yield new Chunk(json.writeValueAsBytes(chunk), false, false);
            }
            case "message_stop" -> {
                ObjectNode chunk = chunk();
                chunk.putArray("choices");
                AnthropicResponseMapper.usage(chunk, usage());
                yield new Chunk(json.writeValueAsBytes(chunk), true, false);
            }
            default -> null; // ping, content_block_stop, and events a later API version adds
        };
    }

    private Chunk blockStart(int index, JsonNode block) {
        String type = block.path("type").asString("");
        if (type.equals("text") && !block.path("text").asString("").isEmpty()) {
            return text(block.get("text").asString());
        }
        if (!type.equals("tool_use")) {
            return null;
        }
        int toolIndex = toolIndexes.size();
        toolIndexes.put(index, toolIndex);
        String name = block.path("name").asString("");
        streamUsage.delivered(name);
        ObjectNode chunk = chunk();
        Chunk.choiceDelta(chunk).putArray("tool_calls").addObject().put("index", toolIndex).put("id", block.path("id").asString(""))
                .put("type", "function").putObject("function").put("name", name).put("arguments", "");
        return new Chunk(json.writeValueAsBytes(chunk), false, true);
    }

    private Chunk blockDelta(int index, JsonNode delta) {
        switch (delta.path("type").asString("")) {
            case "text_delta" -> {
                String text = delta.path("text").asString("");
                return text.isEmpty() ? null : text(text);
            }
            case "input_json_delta" -> {
                String piece = delta.path("partial_json").asString("");
                Integer toolIndex = toolIndexes.get(index);
                if (piece.isEmpty() || toolIndex == null) {
                    return null;
                }
                streamUsage.delivered(piece);
                ObjectNode chunk = chunk();
                Chunk.choiceDelta(chunk).putArray("tool_calls").addObject().put("index", toolIndex)
                        .putObject("function").put("arguments", piece);
                return new Chunk(json.writeValueAsBytes(chunk), false, true);
            }
            default -> {
                return null; // thinking_delta, signature_delta, citations_delta
            }
        }
    }

    private Chunk text(String text) {
        streamUsage.delivered(text);
        ObjectNode chunk = chunk();
        Chunk.choiceDelta(chunk).put("content", text);
        return new Chunk(json.writeValueAsBytes(chunk), false, true);
    }

    private ObjectNode chunk() {
        ObjectNode root = json.createObjectNode();
        root.put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", upstreamModel);
        return root;
    }

    @Override
    public Usage usage() {
        // message_start brings the prompt's counts, message_delta the cumulative output: both mean complete.
        // An upstream that left either out is counted locally for what it did not report.
        return streamUsage.of(usage == null ? null : usage.toUsage(), startReported && sawDelta);
    }

    @Override
    public void close() {
        events.close(ended);
    }
}
