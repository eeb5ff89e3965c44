package dev.tollgate.provider.simulated;

import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.EmbeddingRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.EmbeddingsCapable;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.usage.TokenCounter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The built-in provider that needs no key and no network: deterministic answers in OpenAI's exact
 * response shapes, realistic token usage, configurable latency, streaming, tool calls and embeddings.
 * {@code tollgate demo} runs on it; so can tests and benchmarks.
 */
public final class SimulatedAdapter implements ProviderAdapter, EmbeddingsCapable {

    private static final int DEFAULT_DIMENSIONS = 256;

    private final SimulatedConfig timing;
    private final JsonMapper json;
    private final TokenCounter tokens;
    private final Clock clock;

    public SimulatedAdapter(SimulatedConfig timing, JsonMapper json, TokenCounter tokens, Clock clock) {
        this.timing = timing;
        this.json = json;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public ProviderResponse chat(ChatRequest request, String upstreamModel) {
        SimulatedAnswer answer = SimulatedAnswer.of(request, upstreamModel, tokens);
        Usage usage = new Usage(answer.promptTokens(), answer.completionTokens(), 0, 0, false);
        if (request.stream()) {
            return new ProviderResponse.Streaming(new SimulatedStream(chunks(answer, upstreamModel, usage), usage), Map.of());
        }
        pause(timing.firstTokenLatency().toMillis() + timing.interTokenLatency().toMillis() * answer.completionTokens());
        return new ProviderResponse.Complete(json.writeValueAsBytes(completion(answer, upstreamModel, usage)), usage, Map.of());
    }

    private ObjectNode completion(SimulatedAnswer answer, String model, Usage usage) {
        ObjectNode root = header(answer, model, "chat.completion");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (answer.toolCall() != null) {
            message.putNull("content");
            toolCall(message.putArray("tool_calls").addObject(), answer, true);
        } else {
            message.put("content", answer.text());
        }
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", answer.finishReason());
        usage(root, usage);
        return root;
    }

    private List<byte[]> chunks(SimulatedAnswer answer, String model, Usage usage) {
        List<byte[]> out = new ArrayList<>();
        ObjectNode first = header(answer, model, "chat.completion.chunk");
        ObjectNode delta = Chunk.choiceDelta(first);
        delta.put("role", "assistant").put("content", "");
        out.add(json.writeValueAsBytes(first));
        if (answer.toolCall() != null) {
            ObjectNode call = header(answer, model, "chat.completion.chunk");
            toolCall(Chunk.choiceDelta(call).putArray("tool_calls").addObject().put("index", 0), answer, true);
            out.add(json.writeValueAsBytes(call));
        } else {
            for (String piece : pieces(answer.text())) {
                ObjectNode chunk = header(answer, model, "chat.completion.chunk");
                Chunk.choiceDelta(chunk).put("content", piece);
                out.add(json.writeValueAsBytes(chunk));
            }
        }
        ObjectNode last = header(answer, model, "chat.completion.chunk");
        Chunk.choiceDelta(last);
        ((ObjectNode) last.get("choices").get(0)).put("finish_reason", answer.finishReason());
        out.add(json.writeValueAsBytes(last));
        ObjectNode usageChunk = header(answer, model, "chat.completion.chunk");
        usageChunk.putArray("choices");
        usage(usageChunk, usage);
        out.add(json.writeValueAsBytes(usageChunk));
        return out;
    }

    private ObjectNode header(SimulatedAnswer answer, String model, String object) {
        ObjectNode root = json.createObjectNode();
        root.put("id", answer.id()).put("object", object).put("created", clock.instant().getEpochSecond())
                .put("model", model).put("system_fingerprint", "fp_tollgate_sim");
        return root;
    }

    private static void toolCall(ObjectNode call, SimulatedAnswer answer, boolean withId) {
        if (withId) {
            call.put("id", "call_" + Long.toHexString(SimulatedAnswer.crc(answer.id())));
            call.put("type", "function");
        }
        call.putObject("function").put("name", answer.toolCall().name()).put("arguments", answer.text());
    }

    private static void usage(ObjectNode root, Usage usage) {
        ObjectNode u = root.putObject("usage");
        u.put("prompt_tokens", usage.inputTokens()).put("completion_tokens", usage.outputTokens())
                .put("total_tokens", usage.totalTokens());
        u.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
        u.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
    }

    /** Splits text into word-sized pieces, spaces kept, as a model streams them. */
    private static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ' ') {
                out.add(text.substring(start, i));
                start = i;
            }
        }
        return out;
    }

    @Override
    public ProviderResponse.Complete embed(EmbeddingRequest request, String upstreamModel) {
        int dims = request.dimensions().orElse(DEFAULT_DIMENSIONS);
        ObjectNode root = json.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        long inputTokens = 0;
        // The official Node SDK asks for base64 by default: little-endian float32s, base64-encoded, as OpenAI sends them.
        boolean base64 = "base64".equals(request.body().path("encoding_format").asString(""));
        for (int i = 0; i < request.inputs().size(); i++) {
            String text = request.inputs().get(i);
            inputTokens += tokens.count(upstreamModel, text);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            double[] values = unitVector(text, dims);
            if (base64) {
                item.put("embedding", littleEndianFloats(values));
                continue;
            }
            ArrayNode vector = item.putArray("embedding");
            for (double v : values) {
                vector.add((float) v);
            }
        }
        root.put("model", upstreamModel);
        root.putObject("usage").put("prompt_tokens", inputTokens).put("total_tokens", inputTokens);
        pause(timing.firstTokenLatency().toMillis());
        return new ProviderResponse.Complete(json.writeValueAsBytes(root), new Usage(inputTokens, 0, 0, 0, false), Map.of());
    }

    static String littleEndianFloats(double[] values) {
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(values.length * Float.BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            bytes.putFloat((float) v);
        }
        return java.util.Base64.getEncoder().encodeToString(bytes.array());
    }

    private static double[] unitVector(String text, int dims) {
        Random random = new Random(SimulatedAnswer.crc(text));
        double[] v = new double[dims];
        double norm = 0;
        for (int i = 0; i < dims; i++) {
            v[i] = random.nextGaussian();
            norm += v[i] * v[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < dims; i++) {
            v[i] /= norm;
        }
        return v;
    }

    static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Replays prepared chunks with the configured delays: first token, then between tokens. */
    private final class SimulatedStream implements ChunkStream {

        private final List<byte[]> chunks;
        private final Usage usage;
        private int next;

        SimulatedStream(List<byte[]> chunks, Usage usage) {
            this.chunks = chunks;
            this.usage = usage;
        }

        @Override
        public Chunk next() {
            if (next >= chunks.size()) {
                return null;
            }
            int index = next++;
            pause(index == 1 ? timing.firstTokenLatency().toMillis() : index > 1 ? timing.interTokenLatency().toMillis() : 0);
            boolean usageOnly = index == chunks.size() - 1;
            boolean content = index > 0 && index < chunks.size() - 2;
            return new Chunk(chunks.get(index), usageOnly, content);
        }

        @Override
        public Usage usage() {
            return usage;
        }

        @Override
        public void close() {
            next = chunks.size();
        }
    }

    @Override
    public void close() {
        // Nothing to release: the simulated provider holds no connections.
    }
}
