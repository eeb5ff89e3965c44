package dev.tollgate.provider.openai;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.UpstreamHttp;
import dev.tollgate.usage.TokenCounter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decodes an OpenAI-compatible SSE stream into chunks as they arrive. Keeps the last usage the upstream
 * reported; when it reports none (local servers, a stream cut mid-way) it counts the delivered content
 * itself, so no streamed call is ever billed zero.
 */
final class OpenAiStreamDecoder implements ChunkStream {

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final SseLineReader reader;
    private final InputStream in;
    private final Runnable abort;
    private final JsonMapper json;
    private final TokenCounter tokens;
    private final ChatRequest request;
    private final String model;
    private final StringBuilder delivered = new StringBuilder();
    /** The last event read ended at the end of the stream, without its blank line: it may be cut. */
    private boolean lastEventUnterminated;
    private Usage reported;
    private boolean sawFinish;
    private boolean ended;

    /** Where the stream comes from and what to say about what it carried. */
    record Source(InputStream in, Runnable abort, ChatRequest request, String model) {
    }

    OpenAiStreamDecoder(Source source, JsonMapper json, TokenCounter tokens) {
        this.in = source.in();
        this.reader = new SseLineReader(source.in());
        this.abort = source.abort();
        this.request = source.request();
        this.model = source.model();
        this.json = json;
        this.tokens = tokens;
    }

    @Override
    public Chunk next() {
        if (ended) {
            return null;
        }
        byte[] data = readEvent();
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

    /** The data of the next event, lines joined; {@code null} at the end of the stream. */
    private byte[] readEvent() {
        byte[] data = null;
        try {
            while (true) {
                byte[] line = reader.readLine();
                if (line == null) {
                    lastEventUnterminated = data != null;
                    return data;
                }
                if (line.length == 0) {
                    if (data != null) {
                        return data;
                    }
                    continue;
                }
                if (startsWith(line, "data:")) {
                    int from = line.length > 5 && line[5] == ' ' ? 6 : 5;
                    byte[] payload = java.util.Arrays.copyOfRange(line, from, line.length);
                    data = data == null ? payload : join(data, payload);
                }
                // "event:", "id:", "retry:" and ":" comment lines carry nothing OpenAI's format uses.
            }
        } catch (IOException e) {
            throw UpstreamException.of(UpstreamException.Kind.BROKEN, "upstream stream failed: " + UpstreamHttp.describe(e));
        }
    }

    private Chunk decode(byte[] data) {
        JsonNode node;
        try {
            node = json.readTree(data);
        } catch (JacksonException e) {
            // An unreadable event at the very end of the stream was cut off there, not sent malformed.
            throw lastEventUnterminated
                    ? UpstreamException.of(UpstreamException.Kind.BROKEN, "upstream stream was cut in the middle of an event")
                    : UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream sent a malformed stream event");
        }
        if (!node.isObject()) {
            throw UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream sent a stream event that is not a JSON object");
        }
        if (node.has("error")) {
            JsonNode error = node.get("error");
            throw UpstreamException.of(UpstreamException.Kind.BROKEN,
                    "upstream stream failed: " + error.path("message").asString("error event"));
        }
        Usage usage = OpenAiResponseMapper.usageOf(node.get("usage"));
        if (usage != null) {
            reported = usage;
        }
        JsonNode choices = node.path("choices");
        boolean hasContent = false;
        for (JsonNode choice : choices) {
            JsonNode delta = choice.path("delta");
            String text = delta.path("content").asString("");
            String refusal = delta.path("refusal").asString("");
            delivered.append(text).append(refusal);
            hasContent |= !text.isEmpty() || !refusal.isEmpty();
            for (JsonNode call : delta.path("tool_calls")) {
                delivered.append(call.path("function").path("name").asString(""))
                        .append(call.path("function").path("arguments").asString(""));
                hasContent = true;
            }
            sawFinish |= choice.hasNonNull("finish_reason");
        }
        boolean usageOnly = usage != null && choices.isEmpty();
        return new Chunk(data, usageOnly, hasContent);
    }

    @Override
    public boolean nextIsReady() {
        return !ended && reader.hasBufferedLine();
    }

    @Override
    public Usage usage() {
        if (reported != null) {
            return reported;
        }
        return Usage.estimated(tokens.countPrompt(model, request.messages()), tokens.count(model, delivered.toString()));
    }

    @Override
    public void close() {
        if (!ended) {
            abort.run();
        }
        try {
            in.close();
        } catch (IOException e) {
            // The connection is being dropped anyway; nothing is lost by not closing it cleanly.
            ended = true;
        }
    }

    private static boolean startsWith(byte[] line, String prefix) {
        if (line.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (line[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] join(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + 1 + b.length);
        out[a.length] = '\n';
        System.arraycopy(b, 0, out, a.length + 1, b.length);
        return out;
    }
}
