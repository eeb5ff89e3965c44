package dev.tollgate.provider.gemini;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.SseEventReader;
import dev.tollgate.provider.StreamUsage;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.gemini.wire.GenerateContentResponse;
import dev.tollgate.provider.gemini.wire.GenerateContentResponse.Candidate;
import dev.tollgate.provider.gemini.wire.GenerateContentResponse.UsageMetadata;
import dev.tollgate.provider.gemini.wire.Part;
import dev.tollgate.usage.TokenCounter;
import java.io.InputStream;
import java.util.ArrayDeque;
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

    private final SseEventReader events;
    private final StreamUsage streamUsage;
    private final JsonMapper json;
    private final GeminiResponseMapper responses;
    private final Source source;
    private final ArrayDeque<Chunk> pending = new ArrayDeque<>();
    private final Set<Integer> started = new HashSet<>();
    private final Map<Integer, Integer> callsByCandidate = new HashMap<>();
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
        this.events = new SseEventReader(source.in(), source.abort(), json);
        this.streamUsage = new StreamUsage(tokens, source.request(), source.model());
        this.json = json;
        this.responses = responses;
        this.model = source.model();
    }

    @Override
    public Chunk next() {
        while (pending.isEmpty()) {
            if (ended) {
                return null;
            }
            byte[] data = events.next();
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

    private void decode(byte[] data) {
        JsonNode node = events.object(data);
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
        streamUsage.delivered(text);
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
            streamUsage.delivered(part.functionCall().name() + call.path("function").path("arguments").asString(""));
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
        return !pending.isEmpty() || !ended && events.hasBufferedEvent();
    }

    @Override
    public Usage usage() {
        // Every event may carry usageMetadata; only the last, after a candidate finished, is complete.
        return streamUsage.of(GeminiResponseMapper.usageOf(reported), ended && sawFinish);
    }

    @Override
    public void close() {
        events.close(ended);
    }
}
