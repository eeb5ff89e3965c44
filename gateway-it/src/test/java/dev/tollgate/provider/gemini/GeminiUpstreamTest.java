package dev.tollgate.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.GeminiFixtures;
import dev.tollgate.testing.GeminiFixtures.Tokens;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import dev.tollgate.testing.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official openai-java SDK talks to a running gateway whose provider is Gemini (a mock speaking
 * Gemini's documented wire format): plain, streamed, tool call and result round trip, multi-turn with a
 * system prompt, image input, upstream errors with and without a fallback, and a stream cut mid-way.
 * Each test checks what the client got, what the mock received, and the usage event in the ledger.
 */
class GeminiUpstreamTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String GEMINI_KEY = "AIzaSy-gemini-secret-0123456789";

    @RegisterExtension
    @Order(1)
    static final MockUpstream gemini = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final MockUpstream backup = new MockUpstream();

    @RegisterExtension
    @Order(3)
    // One scripted failure each: no retries, no breakers (RetriesTest and CircuitBreakerTest cover those).
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-tollgate-test
            providers:
              - name: gemini
                kind: gemini
                base_url: ${GEMINI_URL}
                api_key: %s
                timeouts: {first_byte_ms: 2000, idle_ms: 1500}
                retries: {max: 0}
                circuit_breaker: {enabled: false}
              - name: backup
                kind: openai_compatible
                base_url: ${BACKUP_URL}
                models: [gemini-2.5-pro]
                retries: {max: 0}
                circuit_breaker: {enabled: false}
            aliases:
              fast: gemini-2.5-flash
              careful: [gemini-2.5-flash-lite, gemini-2.5-pro]
            """.formatted(GEMINI_KEY))
            .env("GEMINI_URL", () -> "http://127.0.0.1:" + gemini.port() + "/v1beta")
            .env("BACKUP_URL", () -> backup.baseUrl().toString());

    static OpenAIClient client;

    @BeforeAll
    static void client() {
        client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey("sk-tollgate-test")
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    @BeforeEach
    void speakGemini() {
        gemini.fallback(GeminiFixtures::answer);
    }

    private static ChatCompletionCreateParams.Builder params(String model, String requestId) {
        return ChatCompletionCreateParams.builder().model(model).putAdditionalHeader("X-Tollgate-Request-Id", requestId);
    }

    private static JsonNode body(RecordedRequest r) {
        return JSON.readTree(r.body());
    }

    @Test
    void plainCompletion_isTranslatedBothWays_andBilledExactly() {
        gemini.enqueue(MockResponse.json(200, GeminiFixtures.text("gemini-2.5-flash", "Paris.", new Tokens(12, 2, 0, 0))));

        ChatCompletion completion = client.chat().completions().create(params("gemini-2.5-flash", "g-plain")
                .addUserMessage("What is the capital of France?").temperature(0.3).maxCompletionTokens(50).build());

        assertThat(completion.choices().getFirst().message().content()).contains("Paris.");
        assertThat(completion.choices().getFirst().finishReason()).hasToString("stop");
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(12);
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(2);
        RecordedRequest sent = gemini.takeRequest();
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(sent.header("x-goog-api-key")).isEqualTo(GEMINI_KEY);
        assertThat(sent.header("authorization")).isNull();
        assertThat(body(sent)).isEqualTo(JSON.readTree("""
                {"contents":[{"role":"user","parts":[{"text":"What is the capital of France?"}]}],
                 "generationConfig":{"temperature":0.3,"maxOutputTokens":50}}"""));
        UsageEvent event = gateway.event("g-plain");
        assertThat(event.provider()).isEqualTo("gemini");
        assertThat(event.model()).isEqualTo("gemini-2.5-flash");
        assertThat(event.usage()).isEqualTo(new Usage(12, 2, 0, 0, false));
        assertThat(event.status()).isEqualTo(200);
        assertThat(event.priceKnown()).isTrue();
        assertThat(event.costUsd()).isPositive();
    }

    @Test
    void streamedCompletion_deliversTheTextAndTheExactUsage_cachedAndThoughtTokensIncluded() {
        gemini.enqueue(MockResponse.sse(GeminiFixtures.events("gemini-2.5-pro", List.of("Bonjour", ", ", "le monde"),
                new Tokens(40, 3, 32, 25))));

        StringBuilder text = new StringBuilder();
        StringBuilder finish = new StringBuilder();
        long[] usage = {-1, -1, -1, -1};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params("gemini-2.5-pro", "g-stream")
                .addUserMessage("Say hello in French")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(c -> {
                    c.delta().content().ifPresent(text::append);
                    c.finishReason().ifPresent(r -> finish.append(r));
                });
                chunk.usage().ifPresent(u -> {
                    usage[0] = u.promptTokens();
                    usage[1] = u.completionTokens();
                    usage[2] = u.promptTokensDetails().orElseThrow().cachedTokens().orElseThrow();
                    usage[3] = u.completionTokensDetails().orElseThrow().reasoningTokens().orElseThrow();
                });
            });
        }

        assertThat(text).hasToString("Bonjour, le monde");
        assertThat(finish).hasToString("stop");
        assertThat(usage).containsExactly(40, 28, 32, 25);
        RecordedRequest sent = gemini.takeRequest();
        assertThat(sent.path()).isEqualTo("/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
        assertThat(sent.header("x-goog-api-key")).isEqualTo(GEMINI_KEY);
        UsageEvent event = gateway.event("g-stream");
        assertThat(event.stream()).isTrue();
        assertThat(event.provider()).isEqualTo("gemini");
        assertThat(event.usage()).isEqualTo(new Usage(40, 28, 32, 0, 25, false));
        assertThat(event.firstTokenMs()).isGreaterThanOrEqualTo(0);
        assertThat(backup.requestCount()).isZero();
    }

    private static final FunctionDefinition WEATHER = FunctionDefinition.builder().name("get_current_weather")
            .description("Get the current weather in a given location")
            .parameters(FunctionParameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                    .putAdditionalProperty("required", JsonValue.from(List.of("location")))
                    .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                    .build())
            .build();

    @Test
    void toolCall_andItsResult_roundTrip() {
        gemini.enqueue(MockResponse.json(200, GeminiFixtures.functionCall("gemini-2.5-flash", "get_current_weather",
                "{\"location\":\"Boston, MA\"}", new Tokens(57, 8, 0, 0))));

        ChatCompletionCreateParams first = params("gemini-2.5-flash", "g-tool-1")
                .addUserMessage("What's the weather like in Boston today?").addFunctionTool(WEATHER).build();
        ChatCompletion called = client.chat().completions().create(first);

        ChatCompletionMessageFunctionToolCall call = called.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(call.id()).isEqualTo("call_0");
        assertThat(call.function().name()).isEqualTo("get_current_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"location\":\"Boston, MA\"}");
        assertThat(called.choices().getFirst().finishReason()).hasToString("tool_calls");
        assertThat(body(gemini.takeRequest()).get("tools")).isEqualTo(JSON.readTree("""
                [{"functionDeclarations":[{"name":"get_current_weather","description":"Get the current weather in a given location",
                  "parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}]}]"""));
        assertThat(gateway.event("g-tool-1").usage()).isEqualTo(new Usage(57, 8, 0, 0, false));

        gemini.enqueue(MockResponse.json(200, GeminiFixtures.text("gemini-2.5-flash", "It is 22°C and sunny in Boston.", new Tokens(80, 11, 0, 0))));
        ChatCompletion answered = client.chat().completions().create(params("gemini-2.5-flash", "g-tool-2")
                .addUserMessage("What's the weather like in Boston today?").addFunctionTool(WEATHER)
                .addMessage(called.choices().getFirst().message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("{\"temperature\":22,\"sky\":\"sunny\"}").build())
                .build());

        assertThat(answered.choices().getFirst().message().content()).contains("It is 22°C and sunny in Boston.");
        assertThat(body(gemini.takeRequest()).get("contents")).isEqualTo(JSON.readTree("""
                [{"role":"user","parts":[{"text":"What's the weather like in Boston today?"}]},
                 {"role":"model","parts":[{"functionCall":{"name":"get_current_weather","args":{"location":"Boston, MA"}},
                   "thoughtSignature":"skip_thought_signature_validator"}]},
                 {"role":"user","parts":[{"functionResponse":{"name":"get_current_weather",
                   "response":{"temperature":22,"sky":"sunny"}}}]}]"""));
        assertThat(gateway.event("g-tool-2").usage()).isEqualTo(new Usage(80, 11, 0, 0, false));
    }

    @Test
    void thoughtSignature_reachesTheClient_andGoesBackToGemini() {
        String signature = "CiQBcsjafE1kSigPq0B1fYrU4ZT0N8uZ3cO5m0Q4Rvw1nWmT2Aw=";
        gemini.enqueue(MockResponse.json(200, GeminiFixtures.signedFunctionCall("gemini-3-pro-preview", "get_current_weather",
                "{\"location\":\"Paris\"}", signature, new Tokens(60, 9, 0, 120))));

        ChatCompletion called = client.chat().completions().create(params("gemini-3-pro-preview", "g-sig-1")
                .addUserMessage("Weather in Paris?").addFunctionTool(WEATHER).build());

        var toolCall = called.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(toolCall._additionalProperties().get("extra_content"))
                .isEqualTo(JsonValue.from(Map.of("google", Map.of("thought_signature", signature))));
        assertThat(gateway.event("g-sig-1").usage()).isEqualTo(new Usage(60, 129, 0, 0, 120, false));
        gemini.takeRequest();

        client.chat().completions().create(params("gemini-3-pro-preview", "g-sig-2")
                .addUserMessage("Weather in Paris?").addFunctionTool(WEATHER)
                .addMessage(called.choices().getFirst().message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(toolCall.id()).content("sunny").build())
                .build());

        assertThat(body(gemini.takeRequest()).at("/contents/1/parts/0")).isEqualTo(JSON.readTree("""
                {"functionCall":{"name":"get_current_weather","args":{"location":"Paris"}},"thoughtSignature":"%s"}""".formatted(signature)));
    }

    @Test
    void streamedToolCall_arrivesWhole() {
        gemini.enqueue(MockResponse.sse(GeminiFixtures.functionCallEvents("gemini-2.5-flash", "get_current_weather",
                "{\"location\":\"Paris\"}", new Tokens(57, 8, 0, 0))));

        StringBuilder name = new StringBuilder();
        StringBuilder args = new StringBuilder();
        StringBuilder finish = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params("gemini-2.5-flash", "g-stream-tool")
                .addUserMessage("Weather in Paris?").addFunctionTool(WEATHER).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> {
                c.delta().toolCalls().ifPresent(calls -> calls.forEach(tc -> tc.function().ifPresent(f -> {
                    f.name().ifPresent(name::append);
                    f.arguments().ifPresent(args::append);
                })));
                c.finishReason().ifPresent(r -> finish.append(r));
            }));
        }

        assertThat(name).hasToString("get_current_weather");
        assertThat(args).hasToString("{\"location\":\"Paris\"}");
        assertThat(finish).hasToString("tool_calls");
        assertThat(gateway.event("g-stream-tool").usage()).isEqualTo(new Usage(57, 8, 0, 0, false));
    }

    @Test
    void multiTurnWithSystemPrompt_usesSystemInstruction_andModelTurns() {
        gemini.enqueue(MockResponse.json(200, GeminiFixtures.text("gemini-2.5-flash", "Your name is Ada.", new Tokens(31, 5, 0, 0))));

        ChatCompletion completion = client.chat().completions().create(params("fast", "g-multi")
                .addSystemMessage("You are a helpful assistant. Be brief.")
                .addUserMessage("Hi, I am Ada.")
                .addAssistantMessage("Hello Ada! How can I help?")
                .addUserMessage("What is my name?").build());

        assertThat(completion.choices().getFirst().message().content()).contains("Your name is Ada.");
        RecordedRequest sent = gemini.takeRequest();
        assertThat(sent.path()).as("the alias resolved").isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(body(sent)).isEqualTo(JSON.readTree("""
                {"contents":[{"role":"user","parts":[{"text":"Hi, I am Ada."}]},
                             {"role":"model","parts":[{"text":"Hello Ada! How can I help?"}]},
                             {"role":"user","parts":[{"text":"What is my name?"}]}],
                 "systemInstruction":{"parts":[{"text":"You are a helpful assistant. Be brief."}]}}"""));
        UsageEvent event = gateway.event("g-multi");
        assertThat(event.routingReason()).isEqualTo("explicit: alias fast -> gemini-2.5-flash: gemini serves gemini-2.5-flash");
        assertThat(event.usage()).isEqualTo(new Usage(31, 5, 0, 0, false));
    }

    @Test
    void imageInput_isSentInline() {
        gemini.enqueue(MockResponse.json(200, GeminiFixtures.text("gemini-2.5-flash", "A red square.", new Tokens(270, 4, 0, 0))));
        String png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

        ChatCompletion completion = client.chat().completions().create(params("gemini-2.5-flash", "g-image")
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is in this image?").build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url("data:image/png;base64," + png).build())
                                .build())))
                .build());

        assertThat(completion.choices().getFirst().message().content()).contains("A red square.");
        assertThat(body(gemini.takeRequest()).at("/contents/0/parts")).isEqualTo(JSON.readTree("""
                [{"text":"What is in this image?"},{"inlineData":{"mimeType":"image/png","data":"%s"}}]""".formatted(png)));
        assertThat(gateway.event("g-image").usage()).isEqualTo(new Usage(270, 4, 0, 0, false));
    }

    @Test
    void aliasList_fallsBackToItsNextModel_whenTheFirstFails() {
        gemini.enqueue(GeminiFixtures.error(503, "UNAVAILABLE", "The model is overloaded. Please try again later."));
        gemini.enqueue(MockResponse.json(200, GeminiFixtures.text("gemini-2.5-pro", "Careful answer.", new Tokens(9, 3, 0, 6))));

        ChatCompletion completion = client.chat().completions().create(params("careful", "g-alias-list").addUserMessage("Hello").build());

        assertThat(completion.choices().getFirst().message().content()).contains("Careful answer.");
        assertThat(gemini.takeRequest().path()).isEqualTo("/v1beta/models/gemini-2.5-flash-lite:generateContent");
        assertThat(gemini.takeRequest().path()).isEqualTo("/v1beta/models/gemini-2.5-pro:generateContent");
        UsageEvent event = gateway.event("g-alias-list");
        assertThat(event.model()).isEqualTo("gemini-2.5-pro");
        assertThat(event.attempts()).isEqualTo(2);
        assertThat(event.routingReason()).isEqualTo("fallback: gemini failed (status 503), tried gemini");
        assertThat(event.usage()).isEqualTo(new Usage(9, 9, 0, 0, 6, false));
        assertThat(backup.requestCount()).isZero();
    }

    @Test
    void quotaExhausted_fallsBackToTheNextProviderServingTheModel() {
        gemini.enqueue(GeminiFixtures.quotaExceeded("37s"));
        backup.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gemini-2.5-pro", "From the backup.", new Usage(14, 4, 0, 0, false))));

        ChatCompletion completion = client.chat().completions().create(params("gemini-2.5-pro", "g-fallback")
                .addUserMessage("Hello").build());

        assertThat(completion.choices().getFirst().message().content()).contains("From the backup.");
        assertThat(gemini.takeRequest().path()).isEqualTo("/v1beta/models/gemini-2.5-pro:generateContent");
        assertThat(backup.takeRequest().path()).isEqualTo("/v1/chat/completions");
        UsageEvent event = gateway.event("g-fallback");
        assertThat(event.provider()).isEqualTo("backup");
        assertThat(event.attempts()).isEqualTo(2);
        assertThat(event.routingReason()).isEqualTo("fallback: gemini failed (status 429), tried backup");
        assertThat(event.usage()).isEqualTo(new Usage(14, 4, 0, 0, false));
    }

    @Test
    void quotaExhaustedWithoutFallback_isA429InOpenAisShape_withRetryAfter() {
        gemini.enqueue(GeminiFixtures.quotaExceeded("37s"));

        Throwable thrown = catchThrowable(() -> client.chat().completions().create(params("gemini-2.5-flash", "g-429")
                .addUserMessage("Hello").build()));

        assertThat(thrown).isInstanceOfSatisfying(RateLimitException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(429);
            assertThat(e.code()).contains("RESOURCE_EXHAUSTED");
            assertThat(e.headers().values("retry-after")).containsExactly("37");
            assertThat(e.getMessage()).contains("You exceeded your current quota");
        });
        UsageEvent event = gateway.event("g-429");
        assertThat(event.status()).isEqualTo(429);
        assertThat(event.errorCode()).isEqualTo("RESOURCE_EXHAUSTED");
    }

    @Test
    void refusedApiKey_isA502ThatNeverShowsTheKey() {
        gemini.enqueue(GeminiFixtures.invalidApiKey());

        Throwable thrown = catchThrowable(() -> client.chat().completions().create(params("gemini-2.5-flash", "g-key")
                .addUserMessage("Hello").build()));

        assertThat(thrown).isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(502);
            assertThat(e.code()).contains("upstream_auth_failed");
            assertThat(e.getMessage()).doesNotContain(GEMINI_KEY);
        });
    }

    @Test
    void unknownGeminiModel_isThe404GeminiGave() {
        gemini.enqueue(GeminiFixtures.error(404, "NOT_FOUND", "models/gemini-9-ultra is not found for API version v1beta, or is "
                + "not supported for generateContent. Call ListModels to see the list of available models and their supported methods."));

        Throwable thrown = catchThrowable(() -> client.chat().completions().create(params("gemini-9-ultra", "g-404")
                .addUserMessage("Hello").build()));

        assertThat(thrown).isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(404);
            assertThat(e.code()).contains("NOT_FOUND");
            assertThat(e.getMessage()).contains("models/gemini-9-ultra is not found");
        });
        assertThat(gemini.takeRequest().path()).isEqualTo("/v1beta/models/gemini-9-ultra:generateContent");
    }

    @ParameterizedTest
    @EnumSource(value = MockResponse.Fault.class, names = {"RESET", "TRUNCATE", "STALL"})
    void streamCutMidway_endsWithAnError_andIsBilledForWhatWasDelivered(MockResponse.Fault fault) {
        gemini.enqueue(MockResponse.sse(GeminiFixtures.events("gemini-2.5-flash", List.of("Partial answer", " that stops", " here"),
                new Tokens(20, 9, 0, 0))).withFault(fault, 2));
        String id = "g-cut-" + fault;

        StringBuilder text = new StringBuilder();
        Throwable thrown = catchThrowable(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params("gemini-2.5-flash", id)
                    .addUserMessage("Tell me a story").build())) {
                stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
            }
        });

        assertThat(thrown).isNotNull();
        assertThat(text).hasToString("Partial answer that stops");
        UsageEvent event = gateway.event(id);
        assertThat(event.errorCode()).isEqualTo("upstream_stream_failed");
        assertThat(event.usage().estimated()).isTrue();
        assertThat(event.usage().inputTokens()).as("Gemini's own prompt count").isEqualTo(20);
        assertThat(event.usage().outputTokens()).isPositive();
        assertThat(event.attempts()).isEqualTo(1);
    }

    @Test
    void noAnswerWithinTheFirstByteTimeout_isA504() {
        gemini.enqueue(MockResponse.json(200, GeminiFixtures.text("gemini-2.5-flash", "late", GeminiFixtures.DEFAULT_TOKENS))
                .withHeadersDelay(Duration.ofMillis(3_500)));

        Throwable thrown = catchThrowable(() -> client.chat().completions().create(params("gemini-2.5-flash", "g-slow")
                .addUserMessage("Hello").build()));

        assertThat(thrown).isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(504);
            assertThat(e.code()).contains("upstream_timeout");
        });
        assertThat(gateway.event("g-slow").status()).isEqualTo(504);
    }

    @Test
    void malformedAnswer_isA502ProtocolError() {
        gemini.enqueue(MockResponse.json(200, "{\"candidates\":[{\"content\":"));

        Throwable thrown = catchThrowable(() -> client.chat().completions().create(params("gemini-2.5-flash", "g-malformed")
                .addUserMessage("Hello").build()));

        assertThat(thrown).isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(502);
            assertThat(e.code()).contains("upstream_protocol_error");
        });
    }

    @Test
    void blockedPrompt_isA400ContentFilter() {
        gemini.enqueue(MockResponse.json(200, GeminiFixtures.blocked("gemini-2.5-flash", "SAFETY", 7)));

        Throwable thrown = catchThrowable(() -> client.chat().completions().create(params("gemini-2.5-flash", "g-blocked")
                .addUserMessage("Something Gemini refuses").build()));

        assertThat(thrown).isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.code()).contains("content_filter");
            assertThat(e.getMessage()).contains("blockReason SAFETY");
        });
        assertThat(gateway.event("g-blocked").status()).isEqualTo(400);
    }

    @Test
    void modelsList_showsGeminiModelsAndTheAlias() {
        List<String> ids = client.models().list().data().stream().map(m -> m.id()).toList();

        assertThat(ids).contains("gemini-2.5-flash", "gemini-2.5-pro", "fast", "careful");
        assertThat(client.models().list().data().stream().filter(m -> m.id().equals("fast")).findFirst().orElseThrow().ownedBy())
                .isEqualTo("gemini");
    }
}
