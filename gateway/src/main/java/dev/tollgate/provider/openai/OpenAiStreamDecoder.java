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
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decodes an OpenAI-compatible SSE stream into chunks as they arrive. Keeps the last usage the upstream
 * reported; when it reports none (local servers, a stream cut mid-way) it counts the delivered content
 * itself, so no streamed call is ever billed zero.
 */
final class OpenAiStreamDecoder implements ChunkStream {

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final SseEventReader events;
    private final StreamUsage streamUsage;
    private Usage reported;
    private boolean sawFinish;
    private boolean ended;

    /** Where the stream comes from and what to say about what it carried. */
    record Source(InputStream in, Runnable abort, ChatRequest request, String model) {
    }

    OpenAiStreamDecoder(Source source, JsonMapper json, TokenCounter tokens) {
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
            if (!sawFinish) {
                throw UpstreamException.of(UpstreamException.Kind.BROKEN, "upstream stream ended before it was complete");
            }
            return null;
        }
        if (java.util.Arrays.equals(data, DONE)) {
            ended = true;
            return null;
        }
        return decode(data);
    }

    private Chunk decode(byte[] data) {
        JsonNode node = events.object(data);
        if (node.has("error")) {
            JsonNode error = node.get("error");
            throw UpstreamException.of(UpstreamException.Kind.BROKEN,
                    "upstream stream failed: " + error.path("message").asString("error event"));
        }
        Usage reportedNow = OpenAiResponseMapper.usageOf(node.get("usage"));
        if (reportedNow != null) {
            reported = reportedNow;
        }
        JsonNode choices = node.path("choices");
        boolean hasContent = false;
        for (JsonNode choice : choices) {
            JsonNode delta = choice.path("delta");
            String text = delta.path("content").asString("");
            String refusal = delta.path("refusal").asString("");
            streamUsage.delivered(text + refusal);
            hasContent |= !text.isEmpty() || !refusal.isEmpty();
            for (JsonNode call : delta.path("tool_calls")) {
                streamUsage.delivered(call.path("function").path("name").asString("") + call.path("function").path("arguments").asString(""));
                hasContent = true;
            }
            sawFinish |= choice.hasNonNull("finish_reason");
        }
        boolean usageOnly = reportedNow != null && choices.isEmpty();
        return new Chunk(data, usageOnly, hasContent);
    }

    @Override
    public boolean nextIsReady() {
        return !ended && events.hasBufferedEvent();
    }

    @Override
    public Usage usage() {
        // OpenAI reports usage once, in the last chunk: reported at all means complete.
        return streamUsage.of(reported, reported != null);
    }

    @Override
    public void close() {
        events.close(ended);
    }
}
