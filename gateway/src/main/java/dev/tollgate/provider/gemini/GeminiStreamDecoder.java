package dev.tollgate.provider.gemini;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.UpstreamHttp;
import dev.tollgate.provider.gemini.wire.GenerateContentResponse;
import dev.tollgate.provider.gemini.wire.GenerateContentResponse.Candidate;
import dev.tollgate.provider.gemini.wire.GenerateContentResponse.UsageMetadata;
import dev.tollgate.provider.gemini.wire.Part;
import dev.tollgate.provider.openai.SseLineReader;
import dev.tollgate.usage.TokenCounter;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decodes {@code streamGenerateContent?alt=sse} into OpenAI {@code chat.completion.chunk}s as events
 * arrive. Each Gemini event is a whole {@code GenerateContentResponse} holding the next piece of each
 * candidate: it becomes a chunk with the text and whole function calls (the role on a candidate's first
 * chunk), then a finish chunk when the candidate ends. Gemini sends no {@code [DONE]}: the body's end is
 * the stream's end, and a usage-only chunk closes it.
 *
 * <p>Usage: every event may carry {@code usageMetadata}; the last is authoritative. A stream that ends
 * before any candidate finished is cut: it fails with {@code BROKEN}, and its usage is the reported
 * prompt count (or an estimate) plus Tollgate's count of the content that was delivered, flagged
 * estimated, so a cut stream is billed for what reached the client and never zero.
 */
final class GeminiStreamDecoder implements ChunkStream {

    private final SseLineReader reader;
    private final InputStream in;
    private final Runnable abort;
    private final JsonMapper json;
    private final GeminiResponseMapper responses;
    private final TokenCounter tokens;
    private final Source source;
    private final ArrayDeque<Chunk> pending = new ArrayDeque<>();
    private final Set<Integer> started = new HashSet<>();
    private final Map<Integer, Integer> callsByCandidate = new HashMap<>();
    private final StringBuilder delivered = new StringBuilder();
    private boolean lastEventUnterminated;
    private UsageMetadata reported;
    private String id;
    private String model;
    private boolean sawFinish;
    private boolean ended;

    /** Where the stream comes from, and what to say about it. */
    record Source(InputStream in, Runnable abort, ChatRequest request, String model, String provider, long created) {
    }

    GeminiStreamDecoder(Source source, JsonMapper json, GeminiResponseMapper responses, TokenCounter tokens) {
        this.source = source;
        this.in = source.in();
        this.reader = new SseLineReader(source.in());
        this.abort = source.abort();
        this.json = json;
        this.responses = responses;
        this.tokens = tokens;
        this.model = source.model();
    }

    @Override
    public Chunk next() {
        while (pending.isEmpty()) {
            if (ended) {
                return null;
            }
            byte[] data = readEvent();
            if (data == null) {
                ended = true;
                if (!sawFinish) {
                    throw UpstreamException.of(UpstreamException.Kind.BROKEN, "upstream stream ended before it was complete");
                }
                pending.add(usageChunk());
            } else {
                decode(data);
            }
        }
        return pending.poll();
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
                if (line.length >= 5 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a' && line[4] == ':') {
                    int from = line.length > 5 && line[5] == ' ' ? 6 : 5;
                    byte[] payload = Arrays.copyOfRange(line, from, line.length);
                    data = data == null ? payload : join(data, payload);
                }
            }
        } catch (IOException e) {
            throw UpstreamException.of(UpstreamException.Kind.BROKEN, "upstream stream failed: " + UpstreamHttp.describe(e));
        }
    }

    private void decode(byte[] data) {
        JsonNode node;
        try {
            node = json.readTree(data);
        } catch (JacksonException e) {
            throw lastEventUnterminated
                    ? UpstreamException.of(UpstreamException.Kind.BROKEN, "upstream stream was cut in the middle of an event")
                    : UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream sent a malformed stream event");
        }
        if (!node.isObject()) {
            throw UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream sent a stream event that is not a JSON object");
        }
        if (node.has("error")) {
            throw UpstreamException.of(UpstreamException.Kind.BROKEN,
                    "upstream stream failed: " + node.get("error").path("message").asString("error event"));
        }
        GenerateContentResponse event;
        try {
            event = json.treeToValue(node, GenerateContentResponse.class);
        } catch (JacksonException e) {
            throw UpstreamException.of(UpstreamException.Kind.PROTOCOL, "upstream sent a stream event of the wrong shape");
        }
        GeminiResponseMapper.checkNotBlocked(event, source.provider());
        if (id == null) {
            id = GeminiResponseMapper.completionId(event);
            model = event.modelVersion() != null ? event.modelVersion() : model;
        }
        if (event.usageMetadata() != null) {
            reported = event.usageMetadata();
        }
        for (Candidate candidate : event.candidates()) {
            candidateChunks(candidate);
        }
    }

    private void candidateChunks(Candidate candidate) {
        int index = candidate.indexOrZero();
        ObjectNode chunk = header();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", index);
        ObjectNode delta = choice.putObject("delta");
        boolean first = started.add(index);
        if (first) {
            delta.put("role", "assistant");
        }
        String text = GeminiResponseMapper.text(candidate);
        if (!text.isEmpty() || first) {
            delta.put("content", text);
        }
        delivered.append(text);
        boolean calls = toolCalls(delta, candidate, index);
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        if (!delta.isEmpty()) {
            pending.add(new Chunk(json.writeValueAsBytes(chunk), false, !text.isEmpty() || calls));
        }
        if (candidate.finishReason() != null) {
            sawFinish = true;
            ObjectNode finish = header();
            ObjectNode c = finish.putArray("choices").addObject().put("index", index);
            c.putObject("delta");
            c.putNull("logprobs");
            c.put("finish_reason", GeminiResponseMapper.finishReason(candidate.finishReason(), callsByCandidate.containsKey(index)));
            pending.add(new Chunk(json.writeValueAsBytes(finish), false, false));
        }
    }

    /** Adds the candidate's function calls to {@code delta}, numbered on from the earlier events'; whether there were any. */
    private boolean toolCalls(ObjectNode delta, Candidate candidate, int index) {
        boolean any = false;
        for (Part part : GeminiResponseMapper.parts(candidate)) {
            if (part.functionCall() == null) {
                continue;
            }
            int n = callsByCandidate.merge(index, 1, Integer::sum) - 1;
            ArrayNode list = delta.has("tool_calls") ? (ArrayNode) delta.get("tool_calls") : delta.putArray("tool_calls");
            ObjectNode call = list.addObject().put("index", n);
            responses.toolCall(call, part, n);
            delivered.append(part.functionCall().name()).append(call.path("function").path("arguments").asString(""));
            any = true;
        }
        return any;
    }

    private Chunk usageChunk() {
        ObjectNode chunk = header();
        chunk.putArray("choices");
        GeminiResponseMapper.usage(chunk.putObject("usage"), usage());
        return new Chunk(json.writeValueAsBytes(chunk), true, false);
    }

    private ObjectNode header() {
        return json.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                .put("created", source.created()).put("model", model);
    }

    @Override
    public boolean nextIsReady() {
        return !pending.isEmpty() || !ended && reader.hasBufferedLine();
    }

    @Override
    public Usage usage() {
        Usage exact = GeminiResponseMapper.usageOf(reported);
        boolean complete = ended && sawFinish;
        if (complete && exact != null) {
            return exact;
        }
        long input = exact != null && exact.inputTokens() > 0 ? exact.inputTokens()
                : tokens.countPrompt(source.model(), source.request().messages());
        long output = Math.max(exact == null ? 0 : exact.outputTokens(), tokens.count(source.model(), delivered.toString()));
        return Usage.estimated(input, output);
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

    private static byte[] join(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + 1 + b.length);
        out[a.length] = '\n';
        System.arraycopy(b, 0, out, a.length + 1, b.length);
        return out;
    }
}
