package dev.tollgate.policy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.AnthropicFixtures;
import dev.tollgate.testing.AnthropicFixtures.Tokens;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exact tier with the official SDKs as clients: a miss then a hit, each of them plain or streamed, for an
 * OpenAI client of an OpenAI upstream, an Anthropic client of an Anthropic upstream (its own message passed
 * through and stored as Anthropic's) and an Anthropic client of an OpenAI upstream (translated, stored as
 * OpenAI's). The hit never reaches the upstream (the mock counts requests), the replay parses in the SDK with the
 * same text, tool calls, thinking and usage, carries {@code x-tollgate-cache: exact} and the provider and model
 * that answered, and its usage event bills nothing and names the cost avoided.
 */
class ExactCacheSdkTest {

    private static final String MINI = "gpt-4o-mini";
    private static final String CLAUDE = "claude-sonnet-4-5";

    @RegisterExtension
    @Order(1)
    static final MockUpstream openai = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final MockUpstream anthropic = new MockUpstream();

    @RegisterExtension
    @Order(3)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-tollgate-test
            providers:
              - {name: openai, kind: openai, base_url: "${OPENAI}", api_key: sk-openai-upstream}
              - {name: anthropic, kind: anthropic, base_url: "${ANTHROPIC}", api_key: sk-ant-upstream}
            cache:
              exact: {enabled: true}
            """).env("OPENAI", () -> openai.baseUrl().toString()).env("ANTHROPIC", () -> "http://127.0.0.1:" + anthropic.port());

    enum Mode { PLAIN, STREAM }

    /** What one call saw: its text, usage as the SDK reports it, and the gateway's headers. */
    record Seen(String text, long input, long output, Map<String, List<String>> headers, String requestId) {

        String header(String name) {
            List<String> values = headers.getOrDefault(name, List.of());
            return values.isEmpty() ? null : values.getFirst();
        }
    }

    static OpenAIClient openAiClient;
    static AnthropicClient anthropicClient;

    @BeforeAll
    static void clients() {
        openAiClient = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey("sk-tollgate-test").maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
        anthropicClient = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl().toString()).apiKey("sk-tollgate-test")
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    @AfterAll
    static void close() {
        openAiClient.close();
        anthropicClient.close();
    }

    private static String unique(String prompt) {
        return prompt + " [" + UUID.randomUUID() + "]";
    }

    // ---------------------------------------------------------------- OpenAI client, OpenAI upstream

    @ParameterizedTest(name = "miss {0}, hit {1}")
    @CsvSource({"PLAIN,PLAIN", "PLAIN,STREAM", "STREAM,PLAIN", "STREAM,STREAM"})
    void openAiClient_missThenHit_theHitNeverReachesTheUpstream(Mode miss, Mode hit) {
        String prompt = unique("What is the capital of France?");
        Usage usage = new Usage(25, 7, 10, 0, false);
        openai.enqueue(miss == Mode.PLAIN ? MockResponse.json(200, OpenAiFixtures.chatCompletion(MINI, "Paris is the capital.", usage))
                : MockResponse.sse(OpenAiFixtures.chunks(MINI, List.of("Paris ", "is the ", "capital."), usage)));
        int before = openai.requestCount();

        Seen first = openAi(miss, prompt, true);
        Seen second = openAi(hit, prompt, true);

        assertThat(openai.requestCount()).isEqualTo(before + 1);
        assertThat(first.header("x-tollgate-cache")).isEqualTo("miss");
        assertThat(second.header("x-tollgate-cache")).isEqualTo("exact");
        assertThat(second.header("x-tollgate-provider")).isEqualTo("openai");
        assertThat(second.header("x-tollgate-model")).isEqualTo(MINI);
        assertThat(second.text()).isEqualTo(first.text()).isEqualTo("Paris is the capital.");
        assertThat(second.input()).isEqualTo(25);
        assertThat(second.output()).isEqualTo(7);
        if (hit == Mode.PLAIN) {
            assertThat(second.header("x-tollgate-cost-usd")).isEqualTo("0.00000000");
        }
        assertHitBilledNothing(first, second, "openai", MINI, hit == Mode.STREAM);
    }

    @Test
    void aStreamedHit_withoutIncludeUsage_hasNoUsageChunk_andEndsWithDone() {
        String prompt = unique("Name a prime number.");
        openai.enqueue(MockResponse.sse(OpenAiFixtures.chunks(MINI, List.of("Seven", "."), new Usage(9, 2, 0, 0, false))));
        openAi(Mode.STREAM, prompt, true);

        String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        HttpResponse<String> raw = gateway.post("/v1/chat/completions", body, "Authorization", "Bearer sk-tollgate-test");

        assertThat(raw.headers().firstValue("x-tollgate-cache")).contains("exact");
        assertThat(raw.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        assertThat(raw.body()).endsWith("data: [DONE]\n\n").contains("\"Seven\"").doesNotContain("\"usage\"");
    }

    @ParameterizedTest(name = "stored {0}, replayed {1}")
    @CsvSource({"PLAIN,STREAM", "STREAM,PLAIN"})
    void toolCalls_surviveTheReplay_inTheOtherForm(Mode miss, Mode hit) {
        String prompt = unique("What is the weather in Paris?");
        Usage usage = new Usage(40, 12, 0, 0, false);
        openai.enqueue(miss == Mode.PLAIN
                ? MockResponse.json(200, OpenAiFixtures.toolCallCompletion(MINI, "call_abc", "get_weather", "{\"city\":\"Paris\"}", usage))
                : MockResponse.sse(OpenAiFixtures.toolCallChunks(MINI, "call_abc", "get_weather", List.of("{\"ci", "ty\":\"Paris\"}"), usage)));
        int before = openai.requestCount();

        ChatCompletion first = completion(miss, prompt);
        ChatCompletion second = completion(hit, prompt);

        assertThat(openai.requestCount()).isEqualTo(before + 1);
        for (ChatCompletion c : List.of(first, second)) {
            ChatCompletionMessageToolCall call = c.choices().getFirst().message().toolCalls().orElseThrow().getFirst();
            assertThat(call.asFunction().id()).isEqualTo("call_abc");
            assertThat(call.asFunction().function().name()).isEqualTo("get_weather");
            assertThat(call.asFunction().function().arguments()).isEqualTo("{\"city\":\"Paris\"}");
            assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
            assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(12);
        }
    }

    private Seen openAi(Mode mode, String prompt, boolean includeUsage) {
        String requestId = "req-" + UUID.randomUUID();
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(MINI).addUserMessage(prompt)
                .putAdditionalHeader("X-Tollgate-Request-Id", requestId);
        if (mode == Mode.PLAIN) {
            var raw = openAiClient.chat().completions().withRawResponse().create(params.build());
            ChatCompletion c = raw.parse();
            return new Seen(c.choices().getFirst().message().content().orElse(""), c.usage().orElseThrow().promptTokens(),
                    c.usage().orElseThrow().completionTokens(), headers(raw.headers()::names, raw.headers()::values), requestId);
        }
        if (includeUsage) {
            params.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        }
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (var raw = openAiClient.chat().completions().withRawResponse().createStreaming(params.build())) {
            Map<String, List<String>> headers = headers(raw.headers()::names, raw.headers()::values);
            try (var stream = raw.parse()) {
                stream.stream().forEach(accumulator::accumulate);
            }
            ChatCompletion c = accumulator.chatCompletion();
            long in = c.usage().map(u -> u.promptTokens()).orElse(-1L);
            long out = c.usage().map(u -> u.completionTokens()).orElse(-1L);
            return new Seen(c.choices().getFirst().message().content().orElse(""), in, out, headers, requestId);
        }
    }

    private ChatCompletion completion(Mode mode, String prompt) {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(MINI).addUserMessage(prompt)
                .streamOptions(mode == Mode.STREAM ? ChatCompletionStreamOptions.builder().includeUsage(true).build() : null)
                .build();
        if (mode == Mode.PLAIN) {
            return openAiClient.chat().completions().create(params);
        }
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (var stream = openAiClient.chat().completions().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        return accumulator.chatCompletion();
    }

    // ---------------------------------------------------------------- Anthropic client

    @ParameterizedTest(name = "Anthropic upstream: miss {0}, hit {1}")
    @CsvSource({"PLAIN,PLAIN", "PLAIN,STREAM", "STREAM,PLAIN", "STREAM,STREAM"})
    void anthropicClient_ofAnAnthropicUpstream_getsAnthropicsOwnAnswerBack_thinkingIncluded(Mode miss, Mode hit) {
        String prompt = unique("Think, then name the capital of France.");
        Tokens tokens = new Tokens(30, 4, 0, 90);
        anthropic.enqueue(miss == Mode.PLAIN
                ? MockResponse.json(200, AnthropicFixtures.thinkingMessage(CLAUDE, "France's capital is Paris.", "sig-123", "Paris.", tokens))
                : MockResponse.sse(AnthropicFixtures.thinkingStream(CLAUDE, List.of("France's capital ", "is Paris."), "sig-123",
                        List.of("Par", "is."), tokens)));
        int before = anthropic.requestCount();

        Answer first = messages(miss, CLAUDE, prompt);
        Answer second = messages(hit, CLAUDE, prompt);

        assertThat(anthropic.requestCount()).isEqualTo(before + 1);
        assertThat(second.seen().header("x-tollgate-cache")).isEqualTo("exact");
        assertThat(second.seen().header("x-tollgate-provider")).isEqualTo("anthropic");
        for (Message m : List.of(first.message(), second.message())) {
            assertThat(m.content()).hasSize(2);
            assertThat(m.content().get(0).asThinking().thinking()).isEqualTo("France's capital is Paris.");
            assertThat(m.content().get(0).asThinking().signature()).isEqualTo("sig-123");
            assertThat(m.content().get(1).asText().text()).isEqualTo("Paris.");
            assertThat(m.stopReason()).contains(StopReason.END_TURN);
            assertThat(m.usage().inputTokens()).isEqualTo(30);
            assertThat(m.usage().cacheReadInputTokens()).contains(4L);
            assertThat(m.usage().outputTokens()).isEqualTo(90);
        }
        assertHitBilledNothing(first.seen(), second.seen(), "anthropic", CLAUDE, hit == Mode.STREAM);
    }

    @ParameterizedTest(name = "OpenAI upstream: miss {0}, hit {1}")
    @CsvSource({"PLAIN,PLAIN", "PLAIN,STREAM", "STREAM,PLAIN", "STREAM,STREAM"})
    void anthropicClient_ofAnOpenAiUpstream_getsTheTranslatedAnswerBack(Mode miss, Mode hit) {
        String prompt = unique("Name the capital of Italy.");
        Usage usage = new Usage(20, 3, 0, 0, false);
        openai.enqueue(miss == Mode.PLAIN ? MockResponse.json(200, OpenAiFixtures.chatCompletion(MINI, "Rome.", usage))
                : MockResponse.sse(OpenAiFixtures.chunks(MINI, List.of("Ro", "me."), usage)));
        int before = openai.requestCount();

        Answer first = messages(miss, MINI, prompt);
        Answer second = messages(hit, MINI, prompt);

        assertThat(openai.requestCount()).isEqualTo(before + 1);
        assertThat(second.seen().header("x-tollgate-cache")).isEqualTo("exact");
        for (Message m : List.of(first.message(), second.message())) {
            assertThat(m.content()).extracting(ContentBlock::isText).containsExactly(true);
            assertThat(m.content().getFirst().asText().text()).isEqualTo("Rome.");
            assertThat(m.stopReason()).contains(StopReason.END_TURN);
            assertThat(m.usage().inputTokens()).isEqualTo(20);
            assertThat(m.usage().outputTokens()).isEqualTo(3);
        }
        assertHitBilledNothing(first.seen(), second.seen(), "openai", MINI, hit == Mode.STREAM);
    }

    @Test
    void theSamePrompt_fromTheOtherDialect_isAnotherEntry() {
        String prompt = unique("Name the capital of Spain.");
        int before = openai.requestCount();

        openAi(Mode.PLAIN, prompt, false);
        Answer fromAnthropic = messages(Mode.PLAIN, MINI, prompt);

        assertThat(fromAnthropic.seen().header("x-tollgate-cache")).isEqualTo("miss");
        assertThat(openai.requestCount()).isEqualTo(before + 2);
    }

    record Answer(Message message, Seen seen) {
    }

    private Answer messages(Mode mode, String model, String prompt) {
        String requestId = "req-" + UUID.randomUUID();
        MessageCreateParams params = MessageCreateParams.builder().model(model).maxTokens(512).addUserMessage(prompt)
                .putAdditionalHeader("X-Tollgate-Request-Id", requestId).build();
        if (mode == Mode.PLAIN) {
            HttpResponseFor<Message> raw = anthropicClient.messages().withRawResponse().create(params);
            Message m = raw.parse();
            return new Answer(m, seen(m, headers(raw.headers()::names, raw.headers()::values), requestId));
        }
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (HttpResponseFor<StreamResponse<RawMessageStreamEvent>> raw = anthropicClient.messages().withRawResponse().createStreaming(params)) {
            Map<String, List<String>> headers = headers(raw.headers()::names, raw.headers()::values);
            raw.parse().stream().forEach(accumulator::accumulate);
            Message m = accumulator.message();
            return new Answer(m, seen(m, headers, requestId));
        }
    }

    private static Seen seen(Message m, Map<String, List<String>> headers, String requestId) {
        String text = m.content().stream().filter(ContentBlock::isText).map(b -> b.asText().text()).reduce("", String::concat);
        return new Seen(text, m.usage().inputTokens(), m.usage().outputTokens(), headers, requestId);
    }

    // ---------------------------------------------------------------- accounting

    /** One event per call: the miss billed as usual, the hit billed nothing and saving what the miss cost. */
    private static void assertHitBilledNothing(Seen first, Seen second, String provider, String model, boolean stream) {
        UsageEvent miss = gateway.event(first.requestId());
        UsageEvent hit = gateway.event(second.requestId());
        assertThat(miss.cacheTier()).isEqualTo("miss");
        assertThat(miss.costUsd()).isPositive();
        assertThat(hit.cacheTier()).isEqualTo("exact");
        assertThat(hit.usage()).isEqualTo(Usage.NONE);
        assertThat(hit.costUsd()).isZero();
        assertThat(hit.priceKnown()).isTrue();
        assertThat(hit.savedUsd()).isEqualTo(miss.costUsd());
        assertThat(hit.attempts()).isZero();
        assertThat(hit.provider()).isEqualTo(provider);
        assertThat(hit.model()).isEqualTo(model);
        assertThat(hit.stream()).isEqualTo(stream);
        assertThat(hit.status()).isEqualTo(200);
    }

    private static Map<String, List<String>> headers(java.util.function.Supplier<java.util.Set<String>> names,
                                                     Function<String, List<String>> values) {
        Map<String, List<String>> out = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        names.get().forEach(n -> out.put(n, values.apply(n)));
        return out;
    }
}
