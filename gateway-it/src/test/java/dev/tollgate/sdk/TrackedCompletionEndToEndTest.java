package dev.tollgate.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.RateLimitException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.google.genai.Client;
import com.google.genai.errors.ApiException;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.tollgate.model.Usage;
import dev.tollgate.sdk.anthropic.TrackedAnthropic;
import dev.tollgate.sdk.gemini.TrackedGemini;
import dev.tollgate.sdk.openai.TrackedOpenAi;
import dev.tollgate.testing.AnthropicFixtures;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.GeminiFixtures;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Each wrapper with its official client pointed at the mock upstream (the provider's wire format), and
 * the SDK reporting to a real gateway: the event that reaches Tollgate's analytics has the exact usage,
 * tags, status, stream flag and price. Each test tags its calls with its own agent.
 *
 * <p>Prices from the bundled price map (US dollars per token): gpt-4o-mini input 1.5e-7, cache read
 * 7.5e-8, output 6e-7; claude-sonnet-4-5 input 3e-6, cache read 3e-7, cache creation 3.75e-6, output
 * 1.5e-5; gemini-2.5-flash input 3e-7, cache read 3e-8, output and reasoning 2.5e-6.
 */
class TrackedCompletionEndToEndTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KEY = "sk-sdk-e2e";

    @RegisterExtension
    @Order(1)
    static final MockUpstream openaiUpstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final MockUpstream anthropicUpstream = new MockUpstream();

    @RegisterExtension
    @Order(3)
    static final MockUpstream geminiUpstream = new MockUpstream();

    @RegisterExtension
    @Order(4)
    static final GatewayExtension gateway = GatewayExtension.yaml("master_key: " + KEY + "\n");

    static TrackedCompletion tollgate;
    static OpenAIClient openaiClient;
    static AnthropicClient anthropicClient;
    static Client geminiClient;

    @BeforeAll
    static void clients() {
        tollgate = TrackedCompletion.create(TollgateConfig.builder().apiUrl(gateway.baseUrl()).apiKey(KEY)
                .defaults(CallTags.feature("default_feature")).flushInterval(Duration.ofMillis(50)).shutdownHook(false).build());
        openaiClient = OpenAIOkHttpClient.builder().baseUrl(openaiUpstream.baseUrl().toString()).apiKey("sk-openai-upstream")
                .maxRetries(0).build();
        anthropicClient = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + anthropicUpstream.port()).apiKey("sk-ant-upstream")
                .maxRetries(0).build();
        geminiClient = Client.builder().apiKey("gemini-upstream-key")
                .httpOptions(HttpOptions.builder().baseUrl("http://127.0.0.1:" + geminiUpstream.port())
                        .retryOptions(HttpRetryOptions.builder().attempts(1).build()).build()).build();
    }

    @AfterAll
    static void close() {
        tollgate.close();
        openaiClient.close();
        anthropicClient.close();
        geminiClient.close();
    }

    @BeforeEach
    void providersAnswerInTheirOwnFormat() {
        anthropicUpstream.fallback(AnthropicFixtures::answer);
        geminiUpstream.fallback(GeminiFixtures::answer);
    }

    /** The events Tollgate stored for {@code agent}, newest first, once the SDK delivered everything. */
    private static List<JsonNode> eventsOf(String agent) {
        assertThat(tollgate.flush(Duration.ofSeconds(10))).as("the SDK delivered its queue").isTrue();
        gateway.ledger().flush();
        var response = gateway.get("/analytics/recent-inferences?limit=1000&agent=" + agent, "Authorization", "Bearer " + KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(response.body()).path("data").forEach(out::add);
        return out;
    }

    private static JsonNode onlyEventOf(String agent) {
        List<JsonNode> events = eventsOf(agent);
        assertThat(events).as("events of " + agent).hasSize(1);
        return events.get(0);
    }

    private static void assertTokens(JsonNode e, long input, long output, long cached, long cacheWrite, long reasoning) {
        assertThat(List.of(e.path("input_tokens").asLong(), e.path("output_tokens").asLong(), e.path("cached_tokens").asLong(),
                e.path("cache_write_tokens").asLong(), e.path("reasoning_tokens").asLong()))
                .containsExactly(input, output, cached, cacheWrite, reasoning);
    }

    private static void assertCommon(JsonNode e, String provider, String model, String feature, boolean stream) {
        assertThat(List.of(e.path("source").asString(), e.path("provider").asString(), e.path("model").asString(),
                e.path("feature").asString())).containsExactly("sdk", provider, model, feature);
        assertThat(e.path("stream").asBoolean()).isEqualTo(stream);
        assertThat(e.path("id").asString()).startsWith("sdk-");
        if (stream) {
            assertThat(e.path("ttft_ms").asLong()).isBetween(0L, e.path("latency_ms").asLong());
        } else {
            assertThat(e.path("ttft_ms").asLong()).isEqualTo(-1);
        }
    }

    // ---------------------------------------------------------------- OpenAI

    private static ChatCompletionCreateParams.Builder question() {
        return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("What is the capital of France?");
    }

    @Test
    void openai_plain_recordsTheExactUsageAndTags() {
        openaiUpstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "Paris.", new Usage(1200, 300, 200, 50, false))));
        TrackedOpenAi openai = TrackedOpenAi.wrap(openaiClient, tollgate).with(CallTags.of("e2e-openai-plain", "chat_feature"));

        ChatCompletion answer = openai.chat().completions().create(question().build());

        assertThat(answer.choices().get(0).message().content()).contains("Paris.");
        assertThat(openaiUpstream.takeRequest().path()).isEqualTo("/v1/chat/completions");
        JsonNode e = onlyEventOf("e2e-openai-plain");
        assertCommon(e, "openai", "gpt-4o-mini", "chat_feature", false);
        assertTokens(e, 1200, 300, 200, 0, 50);
        assertThat(List.of(e.path("status").asInt(), e.path("request_id").asString(), e.path("endpoint").asString()))
                .containsExactly(200, "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG", "chat");
        assertThat(e.path("estimated").asBoolean()).isFalse();
        // 1000 uncached × 1.5e-7 + 200 cache reads × 7.5e-8 + 300 × 6e-7 = 0.00015 + 0.000015 + 0.00018
        assertThat(e.path("cost_usd").asDouble()).isCloseTo(0.000345, within(1e-9));
    }

    @Test
    void openai_streamed_asksForTheUsageChunk_hidesItFromTheApp_andRecordsIt() {
        TrackedOpenAi openai = TrackedOpenAi.wrap(openaiClient, tollgate).with(CallTags.agent("e2e-openai-stream"));
        List<ChatCompletionChunk> seen = new ArrayList<>();

        try (var stream = openai.chat().completions().createStreaming(question().build())) {
            stream.stream().forEach(seen::add);
        }

        JsonNode sent = JSON.readTree(openaiUpstream.takeRequest().body());
        assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(seen).allSatisfy(c -> assertThat(c.choices()).isNotEmpty());
        assertThat(seen.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse("")).reduce("", String::concat))
                .isEqualTo(OpenAiFixtures.DEFAULT_ANSWER);
        JsonNode e = onlyEventOf("e2e-openai-stream");
        assertCommon(e, "openai", "gpt-4o-mini", "default_feature", true);
        assertTokens(e, 19, 10, 0, 0, 0);
        assertThat(e.path("estimated").asBoolean()).isFalse();
    }

    @Test
    void openai_streamed_whenTheAppAskedForUsageItselfItSeesTheUsageChunk() {
        TrackedOpenAi openai = TrackedOpenAi.wrap(openaiClient, tollgate).with(CallTags.agent("e2e-openai-own-usage"));
        List<ChatCompletionChunk> seen = new ArrayList<>();

        try (var stream = openai.chat().completions().createStreaming(question()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(seen::add);
        }

        assertThat(seen.get(seen.size() - 1).usage()).hasValueSatisfying(u -> assertThat(u.promptTokens()).isEqualTo(19));
        assertTokens(onlyEventOf("e2e-openai-own-usage"), 19, 10, 0, 0, 0);
    }

    @Test
    void openai_embeddings_recordThePromptTokens_asAnEmbeddingsCall() {
        TrackedOpenAi openai = TrackedOpenAi.wrap(openaiClient, tollgate).with(CallTags.agent("e2e-openai-embed"));

        CreateEmbeddingResponse answer = openai.embeddings().create(EmbeddingCreateParams.builder().model("text-embedding-3-small")
                .inputOfArrayOfStrings(List.of("first text", "second text")).build());

        assertThat(answer.data()).hasSize(2);
        JsonNode e = onlyEventOf("e2e-openai-embed");
        assertCommon(e, "openai", "text-embedding-3-small", "default_feature", false);
        assertTokens(e, 16, 0, 0, 0, 0);
        assertThat(e.path("endpoint").asString()).isEqualTo("embeddings");
    }

    @Test
    void openai_error_isRethrownAsTheClientThrewIt_andRecordedWithItsStatusAndCode() {
        openaiUpstream.enqueue(OpenAiFixtures.error(429, "requests", "rate_limit_exceeded", "Rate limit reached for gpt-4o-mini"));
        TrackedOpenAi openai = TrackedOpenAi.wrap(openaiClient, tollgate).with(CallTags.agent("e2e-openai-error"));

        assertThatThrownBy(() -> openai.chat().completions().create(question().build()))
                .isInstanceOfSatisfying(OpenAIServiceException.class, ex -> assertThat(ex.statusCode()).isEqualTo(429));

        JsonNode e = onlyEventOf("e2e-openai-error");
        assertThat(List.of(e.path("status").asInt(), e.path("error_code").asString())).containsExactly(429, "rate_limit_exceeded");
        assertTokens(e, 0, 0, 0, 0, 0);
    }

    // ---------------------------------------------------------------- Anthropic

    private static MessageCreateParams claudeQuestion() {
        return MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(256).addUserMessage("Say hello in French.").build();
    }

    @Test
    void anthropic_plain_countsCacheReadsAndWritesInTheInput() {
        anthropicUpstream.enqueue(MockResponse.json(200, AnthropicFixtures.message("claude-sonnet-4-5", "Bonjour.", "end_turn",
                new AnthropicFixtures.Tokens(100, 2000, 500, 40))));
        TrackedAnthropic claude = TrackedAnthropic.wrap(anthropicClient, tollgate).with(CallTags.of("e2e-claude-plain", "translate"));

        Message answer = claude.messages().create(claudeQuestion());

        assertThat(answer.content().get(0).asText().text()).isEqualTo("Bonjour.");
        JsonNode e = onlyEventOf("e2e-claude-plain");
        assertCommon(e, "anthropic", "claude-sonnet-4-5", "translate", false);
        assertTokens(e, 2600, 40, 2000, 500, 0);
        assertThat(e.path("request_id").asString()).isEqualTo(AnthropicFixtures.MESSAGE_ID);
        // 100 × 3e-6 + 2000 × 3e-7 + 500 × 3.75e-6 + 40 × 1.5e-5 = 0.0003 + 0.0006 + 0.001875 + 0.0006
        assertThat(e.path("cost_usd").asDouble()).isCloseTo(0.003375, within(1e-9));
    }

    @Test
    void anthropic_streamed_takesTheInputFromMessageStart_andTheOutputFromTheLastDelta() {
        anthropicUpstream.enqueue(MockResponse.sse(AnthropicFixtures.textStream("claude-sonnet-4-5", List.of("Bon", "jour", "."), "end_turn",
                new AnthropicFixtures.Tokens(30, 0, 0, 15))));
        TrackedAnthropic claude = TrackedAnthropic.wrap(anthropicClient, tollgate).with(CallTags.agent("e2e-claude-stream"));
        StringBuilder text = new StringBuilder();

        try (var stream = claude.messages().createStreaming(claudeQuestion())) {
            stream.stream().forEach(ev -> ev.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> text.append(t.text())));
        }

        assertThat(text).hasToString("Bonjour.");
        JsonNode e = onlyEventOf("e2e-claude-stream");
        assertCommon(e, "anthropic", "claude-sonnet-4-5", "default_feature", true);
        assertTokens(e, 30, 15, 0, 0, 0);
        assertThat(e.path("estimated").asBoolean()).isFalse();
    }

    @Test
    void anthropic_streamClosedEarly_isRecordedOnce_withTheExactInputAndAnEstimatedOutput() {
        anthropicUpstream.enqueue(MockResponse.sse(AnthropicFixtures.textStream("claude-sonnet-4-5",
                List.of("Bonjour, ", "je suis ", "Claude."), "end_turn", new AnthropicFixtures.Tokens(30, 0, 0, 15))));
        TrackedAnthropic claude = TrackedAnthropic.wrap(anthropicClient, tollgate).with(CallTags.agent("e2e-claude-early"));

        try (var stream = claude.messages().createStreaming(claudeQuestion())) {
            Optional<RawMessageStreamEvent> firstDelta = stream.stream().filter(RawMessageStreamEvent::isContentBlockDelta).findFirst();
            assertThat(firstDelta).isPresent();
        }

        JsonNode e = onlyEventOf("e2e-claude-early");
        assertThat(e.path("input_tokens").asLong()).isEqualTo(30);
        assertThat(e.path("output_tokens").asLong()).isBetween(1L, 15L);
        assertThat(e.path("estimated").asBoolean()).isTrue();
        assertThat(e.path("status").asInt()).isEqualTo(200);
    }

    @Test
    void anthropic_error_isRethrown_andRecordedWithItsErrorType() {
        anthropicUpstream.enqueue(AnthropicFixtures.error(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"));
        TrackedAnthropic claude = TrackedAnthropic.wrap(anthropicClient, tollgate).with(CallTags.agent("e2e-claude-error"));

        assertThatThrownBy(() -> claude.messages().create(claudeQuestion())).isInstanceOf(RateLimitException.class);

        JsonNode e = onlyEventOf("e2e-claude-error");
        assertThat(List.of(e.path("status").asInt(), e.path("error_code").asString())).containsExactly(429, "rate_limit_error");
    }

    // ---------------------------------------------------------------- Gemini

    @Test
    void gemini_generateContent_recordsPromptCacheAndThoughts_asTheGatewayCountsThem() {
        geminiUpstream.enqueue(MockResponse.json(200, GeminiFixtures.text("gemini-2.5-flash", "Hi.", new GeminiFixtures.Tokens(50, 20, 10, 30))));
        TrackedGemini gemini = TrackedGemini.wrap(geminiClient, tollgate).with(CallTags.of("e2e-gemini-plain", "greeting"));

        GenerateContentResponse answer = gemini.models().generateContent("gemini-2.5-flash", "Say hi", null);

        assertThat(answer.text()).isEqualTo("Hi.");
        assertThat(geminiUpstream.takeRequest().path()).endsWith("/models/gemini-2.5-flash:generateContent");
        JsonNode e = onlyEventOf("e2e-gemini-plain");
        assertCommon(e, "gemini", "gemini-2.5-flash", "greeting", false);
        // input = prompt 50 (10 of it cached); output = candidates 20 + thoughts 30, the thoughts as reasoning
        assertTokens(e, 50, 50, 10, 0, 30);
        assertThat(e.path("request_id").asString()).isEqualTo(GeminiFixtures.RESPONSE_ID);
        // 40 × 3e-7 + 10 × 3e-8 + 20 × 2.5e-6 + 30 × 2.5e-6 = 0.000012 + 0.0000003 + 0.00005 + 0.000075
        assertThat(e.path("cost_usd").asDouble()).isCloseTo(0.0001373, within(1e-9));
    }

    @Test
    void gemini_aResponseWithoutTotalTokenCount_getsItFromTheWrapper() {
        ObjectNode body = (ObjectNode) JSON.readTree(GeminiFixtures.text("gemini-2.5-flash", "Hi.", new GeminiFixtures.Tokens(50, 20, 0, 30)));
        ((ObjectNode) body.path("usageMetadata")).remove("totalTokenCount");
        geminiUpstream.enqueue(MockResponse.json(200, body.toString()));
        geminiUpstream.enqueue(MockResponse.json(200, body.toString()));
        TrackedGemini gemini = TrackedGemini.wrap(geminiClient, tollgate).with(CallTags.agent("e2e-gemini-total"));

        GenerateContentResponse direct = geminiClient.models.generateContent("gemini-2.5-flash", "Say hi", null);
        GenerateContentResponse tracked = gemini.models().generateContent("gemini-2.5-flash", "Say hi", null);

        assertThat(direct.usageMetadata().orElseThrow().totalTokenCount()).isEmpty();
        assertThat(tracked.usageMetadata().orElseThrow().totalTokenCount()).contains(100);
        assertThat(tracked.text()).isEqualTo(direct.text());
        assertTokens(onlyEventOf("e2e-gemini-total"), 50, 50, 0, 0, 30);
    }

    @Test
    void gemini_streamed_takesTheCountsOfTheLastEvent() {
        TrackedGemini gemini = TrackedGemini.wrap(geminiClient, tollgate).with(CallTags.agent("e2e-gemini-stream"));
        StringBuilder text = new StringBuilder();

        try (TrackedStream<GenerateContentResponse> stream = gemini.models().generateContentStream("gemini-2.5-flash", "Say hi", null)) {
            for (GenerateContentResponse piece : stream) {
                text.append(piece.text());
            }
        }

        assertThat(text).hasToString(GeminiFixtures.DEFAULT_ANSWER);
        assertThat(geminiUpstream.takeRequest().path()).contains(":streamGenerateContent");
        JsonNode e = onlyEventOf("e2e-gemini-stream");
        assertCommon(e, "gemini", "gemini-2.5-flash", "default_feature", true);
        assertTokens(e, 8, 10, 0, 0, 0);
        assertThat(e.path("estimated").asBoolean()).isFalse();
    }

    @Test
    void gemini_error_isRethrown_andRecordedWithGooglesStatusName() {
        geminiUpstream.enqueue(GeminiFixtures.quotaExceeded("7s"));
        TrackedGemini gemini = TrackedGemini.wrap(geminiClient, tollgate).with(CallTags.agent("e2e-gemini-error"));

        assertThatThrownBy(() -> gemini.models().generateContent("gemini-2.5-flash", "Say hi", null))
                .isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.code()).isEqualTo(429));

        List<JsonNode> events = eventsOf("e2e-gemini-error");
        assertThat(events).hasSize(1);
        assertThat(List.of(events.get(0).path("status").asInt(), events.get(0).path("error_code").asString()))
                .containsExactly(429, "RESOURCE_EXHAUSTED");
    }

    // ---------------------------------------------------------------- any other provider

    @Test
    void theGenericForm_recordsWhatTheCallerSupplies() {
        record MistralAnswer(String text, int promptTokens, int completionTokens) {
        }

        MistralAnswer answer = tollgate.track(CallSpec.of("mistral", "mistral-large-latest").tagged(CallTags.of("e2e-generic", "rag")),
                () -> new MistralAnswer("42", 812, 64), r -> TokenUsage.of(r.promptTokens(), r.completionTokens()));

        assertThat(answer.text()).isEqualTo("42");
        JsonNode e = onlyEventOf("e2e-generic");
        assertCommon(e, "mistral", "mistral-large-latest", "rag", false);
        assertTokens(e, 812, 64, 0, 0, 0);
        assertThat(e.path("price_known").asBoolean()).as("mistral is not in the price map").isFalse();
    }
}
