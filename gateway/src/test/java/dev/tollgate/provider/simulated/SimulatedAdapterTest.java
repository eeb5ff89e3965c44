package dev.tollgate.provider.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.EmbeddingRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.ToolDefinition;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.Chunk;
import dev.tollgate.provider.ChunkStream;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.usage.TokenCounter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class SimulatedAdapterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TokenCounter TOKENS = new TokenCounter();
    private static final String MODEL = "gpt-4o-mini";
    private static final List<ToolDefinition> TOOLS = List.of(
            new ToolDefinition("get_weather", "Get the weather", "{\"type\":\"object\"}"),
            new ToolDefinition("get_time", "Get the time", "{\"type\":\"object\"}"));

    private final SimulatedAdapter adapter = new SimulatedAdapter(new SimulatedConfig(Duration.ZERO, Duration.ZERO), JSON,
            TOKENS, Clock.fixed(Instant.parse("2025-03-10T12:00:00Z"), ZoneOffset.UTC));

    private static ChatRequest request(String prompt, boolean stream, Integer maxTokens) {
        return new ChatRequest(Optional.of(MODEL), stream, stream, Optional.ofNullable(maxTokens),
                List.of(Message.text(Role.SYSTEM, "Be brief."), Message.text(Role.USER, prompt)), List.of(),
                JSON.createObjectNode());
    }

    private static ChatRequest withTools(List<Message> messages, ObjectNode body) {
        return new ChatRequest(Optional.of(MODEL), false, false, Optional.empty(), messages, TOOLS, body);
    }

    private ProviderResponse.Complete complete(ChatRequest request) {
        return (ProviderResponse.Complete) adapter.chat(request, MODEL);
    }

    private static JsonNode json(byte[] bytes) {
        return JSON.readTree(bytes);
    }

    private static JsonNode message(ProviderResponse.Complete response) {
        return json(response.body()).path("choices").path(0).path("message");
    }

    private static String finishReason(ProviderResponse.Complete response) {
        return json(response.body()).path("choices").path(0).path("finish_reason").asString();
    }

    private List<Chunk> streamed(ChatRequest request) {
        ProviderResponse.Streaming response = (ProviderResponse.Streaming) adapter.chat(request, MODEL);
        List<Chunk> out = new ArrayList<>();
        try (ChunkStream chunks = response.chunks()) {
            for (Chunk c = chunks.next(); c != null; c = chunks.next()) {
                out.add(c);
            }
            assertThat(chunks.usage()).isEqualTo(complete(copy(request, false)).usage());
        }
        return out;
    }

    private static ChatRequest copy(ChatRequest r, boolean stream) {
        return new ChatRequest(r.model(), stream, r.clientWantsUsage(), r.maxTokens(), r.messages(), r.tools(), r.body());
    }

    @Test
    void sameRequest_getsTheSameAnswerAndUsage() {
        ProviderResponse.Complete first = complete(request("What does a gateway do?", false, null));
        ProviderResponse.Complete second = complete(request("What does a gateway do?", false, null));

        assertThat(message(second).path("content").asString()).isEqualTo(message(first).path("content").asString());
        assertThat(second.usage()).isEqualTo(first.usage());
        assertThat(second.body()).isEqualTo(first.body());
    }

    @Test
    void differentPrompts_getDifferentAnswers() {
        String a = message(complete(request("What does a gateway do?", false, null))).path("content").asString();
        String b = message(complete(request("How are budgets enforced?", false, null))).path("content").asString();

        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void answer_isAChatCompletion_whoseUsageMatchesTheTokenizer() {
        ChatRequest request = request("What does a gateway do?", false, null);
        ProviderResponse.Complete response = complete(request);
        JsonNode body = json(response.body());
        String text = message(response).path("content").asString();

        assertThat(body.path("object").asString()).isEqualTo("chat.completion");
        assertThat(body.path("model").asString()).isEqualTo(MODEL);
        assertThat(body.path("created").asLong()).isEqualTo(Instant.parse("2025-03-10T12:00:00Z").getEpochSecond());
        assertThat(finishReason(response)).isEqualTo("stop");
        assertThat(text).startsWith("Simulated answer to \"What does a gateway do?\":");
        assertThat(response.usage()).isEqualTo(new Usage(TOKENS.countPrompt(MODEL, request.messages()), TOKENS.count(MODEL, text), 0, 0, false));
        assertThat(body.path("usage").path("prompt_tokens").asLong()).isEqualTo(response.usage().inputTokens());
        assertThat(body.path("usage").path("completion_tokens").asLong()).isEqualTo(response.usage().outputTokens());
        assertThat(body.path("usage").path("total_tokens").asLong()).isEqualTo(response.usage().totalTokens());
    }

    @Test
    void maxTokens_truncatesTheAnswer_withFinishReasonLength() {
        ProviderResponse.Complete full = complete(request("What does a gateway do?", false, null));
        ProviderResponse.Complete cut = complete(request("What does a gateway do?", false, 5));

        assertThat(finishReason(cut)).isEqualTo("length");
        assertThat(cut.usage().outputTokens()).isEqualTo(5);
        assertThat(json(cut.body()).path("usage").path("completion_tokens").asLong()).isEqualTo(5);
        assertThat(message(full).path("content").asString()).startsWith(message(cut).path("content").asString());
        assertThat(cut.usage().inputTokens()).isEqualTo(full.usage().inputTokens());
    }

    @Test
    void maxTokensAboveTheAnswersLength_changesNothing() {
        ProviderResponse.Complete full = complete(request("What does a gateway do?", false, null));
        ProviderResponse.Complete roomy = complete(request("What does a gateway do?", false, 10_000));

        assertThat(finishReason(roomy)).isEqualTo("stop");
        assertThat(roomy.usage()).isEqualTo(full.usage());
        assertThat(message(roomy).path("content").asString()).isEqualTo(message(full).path("content").asString());
    }

    @Test
    void maxTokens_cuttingANonAsciiPrompt_stillYieldsAPrefixOfTheAnswer() {
        String prompt = "Was kostet ꙮ𓀀𓂀 𝔘𝔫𝔦 🦩🪼 pro Token?"; // rare characters: several tokens each
        String full = message(complete(request(prompt, false, null))).path("content").asString();
        for (int max = 1; max < TOKENS.count(MODEL, full); max++) {
            String cut = message(complete(request(prompt, false, max))).path("content").asString();

            assertThat(full).as("max_tokens %d", max).startsWith(cut);
        }
    }

    @Test
    void toolsWithTheUserSpeakingLast_callTheFirstTool() {
        ProviderResponse.Complete response = complete(withTools(
                List.of(Message.text(Role.USER, "What's the weather in Paris?")), JSON.createObjectNode()));

        assertThat(finishReason(response)).isEqualTo("tool_calls");
        JsonNode message = message(response);
        assertThat(message.path("content").isNull()).isTrue();
        JsonNode call = message.path("tool_calls").path(0);
        assertThat(call.path("id").asString()).startsWith("call_");
        assertThat(call.path("type").asString()).isEqualTo("function");
        assertThat(call.path("function").path("name").asString()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.path("function").path("arguments").asString()).isObject()).isTrue();
    }

    @Test
    void toolChoiceNamingAFunction_callsThatOne() {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("tool_choice").put("type", "function").putObject("function").put("name", "get_time");

        ProviderResponse.Complete response = complete(withTools(List.of(Message.text(Role.USER, "Time?")), body));

        assertThat(message(response).path("tool_calls").path(0).path("function").path("name").asString()).isEqualTo("get_time");
    }

    @Test
    void toolChoiceNone_orTheToolAnsweringLast_givesText() {
        ObjectNode none = JSON.createObjectNode().put("tool_choice", "none");
        ProviderResponse.Complete refused = complete(withTools(List.of(Message.text(Role.USER, "Weather?")), none));

        List<Message> afterTool = List.of(Message.text(Role.USER, "Weather?"),
                new Message(Role.TOOL, List.of(new dev.tollgate.model.ContentPart.Text("18C")), List.of(), "call_1", null));
        ProviderResponse.Complete answered = complete(withTools(afterTool, JSON.createObjectNode()));

        assertThat(finishReason(refused)).isEqualTo("stop");
        assertThat(message(refused).has("tool_calls")).isFalse();
        assertThat(finishReason(answered)).isEqualTo("stop");
        assertThat(message(answered).path("content").asString()).isNotEmpty();
    }

    @Test
    void streamedChunks_concatenateToTheNonStreamedText_withTheSameUsage() {
        ChatRequest streaming = request("Explain rate limits in one paragraph.", true, null);
        String expected = message(complete(copy(streaming, false))).path("content").asString();

        List<Chunk> chunks = streamed(streaming);

        StringBuilder text = new StringBuilder();
        for (Chunk c : chunks) {
            JsonNode node = json(c.json());
            assertThat(node.path("object").asString()).isEqualTo("chat.completion.chunk");
            text.append(node.path("choices").path(0).path("delta").path("content").asString(""));
        }
        assertThat(text).hasToString(expected);
        assertThat(chunks.size()).isGreaterThan(4);
    }

    @Test
    void streamedChunks_areFlaggedLikeAnUpstreamStream() {
        List<Chunk> chunks = streamed(request("Explain rate limits in one paragraph.", true, null));
        Chunk first = chunks.getFirst();
        Chunk finish = chunks.get(chunks.size() - 2);
        Chunk usage = chunks.getLast();

        assertThat(first.hasContent()).isFalse();
        assertThat(json(first.json()).path("choices").path(0).path("delta").path("role").asString()).isEqualTo("assistant");
        assertThat(chunks.subList(1, chunks.size() - 2)).allMatch(Chunk::hasContent).noneMatch(Chunk::usageOnly);
        assertThat(finish.hasContent()).isFalse();
        assertThat(json(finish.json()).path("choices").path(0).path("finish_reason").asString()).isEqualTo("stop");
        assertThat(usage.usageOnly()).isTrue();
        assertThat(json(usage.json()).path("choices").isEmpty()).isTrue();
        assertThat(json(usage.json()).path("usage").path("completion_tokens").asLong()).isPositive();
    }

    @Test
    void streamedToolCall_endsWithFinishReasonToolCalls() {
        ChatRequest request = new ChatRequest(Optional.of(MODEL), true, true, Optional.empty(),
                List.of(Message.text(Role.USER, "Weather in Paris?")), TOOLS, JSON.createObjectNode());

        List<Chunk> chunks = streamed(request);

        JsonNode call = json(chunks.get(1).json()).path("choices").path(0).path("delta").path("tool_calls").path(0);
        assertThat(call.path("function").path("name").asString()).isEqualTo("get_weather");
        assertThat(chunks.get(1).hasContent()).isTrue();
        assertThat(json(chunks.get(chunks.size() - 2).json()).path("choices").path(0).path("finish_reason").asString())
                .isEqualTo("tool_calls");
    }

    @Test
    void embeddings_areDeterministicUnitVectorsOfTheRequestedDimensions() {
        EmbeddingRequest request = new EmbeddingRequest(Optional.of("text-embedding-3-small"),
                List.of("The food was delicious.", "The waiter was friendly."), Optional.of(64), JSON.createObjectNode());

        ProviderResponse.Complete response = adapter.embed(request, "text-embedding-3-small");
        ProviderResponse.Complete again = adapter.embed(request, "text-embedding-3-small");

        JsonNode data = json(response.body()).path("data");
        assertThat(data.size()).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            JsonNode vector = data.path(i).path("embedding");
            assertThat(data.path(i).path("index").asInt()).isEqualTo(i);
            assertThat(vector.size()).isEqualTo(64);
            double norm = 0;
            for (JsonNode v : vector) {
                norm += v.asDouble() * v.asDouble();
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
        }
        assertThat(data.path(0).path("embedding")).isNotEqualTo(data.path(1).path("embedding"));
        assertThat(again.body()).isEqualTo(response.body());
        long expectedTokens = TOKENS.count("text-embedding-3-small", "The food was delicious.")
                + TOKENS.count("text-embedding-3-small", "The waiter was friendly.");
        assertThat(response.usage()).isEqualTo(new Usage(expectedTokens, 0, 0, 0, false));
    }

    @Test
    void embeddingsWithoutDimensions_use256() {
        EmbeddingRequest request = new EmbeddingRequest(Optional.empty(), List.of("hello"), Optional.empty(), JSON.createObjectNode());

        JsonNode vector = json(adapter.embed(request, "sim-embed").body()).path("data").path(0).path("embedding");

        assertThat(vector.size()).isEqualTo(256);
    }

    @Test
    void base64Embeddings_areTheSameVector_asLittleEndianFloat32s() {
        List<String> texts = List.of("The food was delicious.");
        EmbeddingRequest floats = new EmbeddingRequest(Optional.empty(), texts, Optional.of(48), JSON.createObjectNode());
        EmbeddingRequest base64 = new EmbeddingRequest(Optional.empty(), texts, Optional.of(48),
                JSON.createObjectNode().put("encoding_format", "base64"));

        JsonNode asFloats = json(adapter.embed(floats, "text-embedding-3-small").body()).path("data").path(0).path("embedding");
        JsonNode asBase64 = json(adapter.embed(base64, "text-embedding-3-small").body()).path("data").path(0).path("embedding");

        assertThat(asBase64.isString()).isTrue();
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(asBase64.asString()))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(48 * Float.BYTES);
        for (int i = 0; i < 48; i++) {
            assertThat(bytes.getFloat()).as("component %d", i).isEqualTo(asFloats.path(i).floatValue());
        }
    }
}
