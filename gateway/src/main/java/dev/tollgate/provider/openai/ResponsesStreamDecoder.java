package dev.tollgate.provider.openai;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.SseEventReader;
import dev.tollgate.provider.StreamUsage;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.usage.TokenCounter;
import java.io.InputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Relays an upstream's Responses API event stream as it came ({@link dev.tollgate.provider.Wire#RESPONSES}): each
 * event one chunk, named by its {@code type}. The usage is the one in the terminal {@code response.completed} (or
 * {@code response.incomplete}) event, which ends the stream; a {@code response.failed} or {@code error} event, or a
 * stream that stops before its terminal event, is a broken stream, billed for what was delivered.
 */
final class ResponsesStreamDecoder implements ChunkStream {

    private final SseEventReader events;
    private final StreamUsage streamUsage;
    private Usage reported;
    private boolean ended;

    record Source(InputStream in, Runnable abort, ChatRequest request, String model) {
    }

    ResponsesStreamDecoder(Source source, JsonMapper json, TokenCounter tokens) {
        this.events = new SseEventReader(source.in(), source.abort(), json);
        this.streamUsage = new StreamUsage(tokens, source.request(), source.model());
    }

    @Override
    public Chunk next() {
        if (ended) {
            return null;
        }
        byte[] data = events.next();
        if (data == null) {
            ended = true;
            throw UpstreamException.of(UpstreamException.Kind.BROKEN, "upstream stream ended before it was complete");
        }
        JsonNode event = events.object(data);
        String type = event.path("type").asString("");
        boolean content = false;
        switch (type) {
            case "response.completed", "response.incomplete" -> {
                ended = true;
                reported = ResponsesWire.usageOf(event.path("response"));
            }
            case "response.failed" -> {
                ended = true;
                throw UpstreamException.of(UpstreamException.Kind.BROKEN, "upstream stream failed: "
                        + event.path("response").path("error").path("message").asString("the response failed"));
            }
            case "error" -> {
                ended = true;
                throw UpstreamException.of(UpstreamException.Kind.BROKEN, "upstream stream failed: "
                        + event.path("message").asString(event.path("error").path("message").asString("error event")));
            }
            case "response.output_text.delta", "response.refusal.delta", "response.function_call_arguments.delta",
                 "response.reasoning_summary_text.delta" -> {
                String delta = event.path("delta").asString("");
                streamUsage.delivered(delta);
                content = !delta.isEmpty();
            }
            case "response.output_item.added" -> {
                String name = event.path("item").path("name").asString("");
                streamUsage.delivered(name);
                content = !name.isEmpty();
            }
            default -> {
                // lifecycle and ".done" events repeat what the deltas delivered
            }
        }
        return new Chunk(data, false, content, type);
    }

    @Override
    public boolean nextIsReady() {
        return !ended && events.hasBufferedEvent();
    }

    @Override
    public Usage usage() {
        return streamUsage.of(reported, reported != null);
    }

    @Override
    public void close() {
        events.close(ended);
    }
}
