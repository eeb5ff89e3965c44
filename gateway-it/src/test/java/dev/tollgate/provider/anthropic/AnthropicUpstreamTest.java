package dev.tollgate.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.AnthropicFixtures;
import dev.tollgate.testing.AnthropicFixtures.Tokens;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import dev.tollgate.testing.RecordedRequest;
import dev.tollgate.usage.TokenCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official openai-java SDK, through a running gateway, to a mock Anthropic that speaks the Messages
 * API as documented: what the SDK gets is what OpenAI would have sent, what Anthropic got is a proper
 * Messages request, and the ledger holds the exact usage, cache tokens included.
 */
class AnthropicUpstreamTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SONNET = "claude-sonnet-4-5";
    private static final String HAIKU = "claude-haiku-4-5";

    @RegisterExtension
    @Order(1)
    static final MockUpstream anthropic = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final MockUpstream backup = new MockUpstream();

    @RegisterExtension
    @Order(3)
    // One scripted failure each: no retries, no breakers (RetriesTest and CircuitBreakerTest cover those).
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-tollgate-test
            providers:
              - name: anthropic
                kind: anthropic
                base_url: ${ANTHROPIC}
                api_key: sk-ant-upstream-secret
                retries: {max: 0}
                circuit_breaker: {enabled: false}
              - name: backup
                kind: openai_compatible
                base_url: ${BACKUP}
                models: [claude-sonnet-4-5]
                retries: {max: 0}
                circuit_breaker: {enabled: false}
            """).env("ANTHROPIC", () -> "http://127.0.0.1:" + anthropic.port()).env("BACKUP", () -> backup.baseUrl().toString());

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
    void anthropicAnswersLikeAnthropic() {
        anthropic.fallback(AnthropicFixtures::answer);
    }

    @Test
    void plainCompletion_isTranslatedBothWays_andBilledWithItsCacheTokens() {
        Tokens tokens = new Tokens(2095, 4000, 1000, 503);
        anthropic.enqueue(MockResponse.json(200, AnthropicFixtures.message(SONNET, "Paris is the capital.", "end_turn", tokens)));

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(SONNET).addSystemMessage("Answer in one sentence.").addUserMessage("Capital of France?").build());

        assertThat(completion.choices().getFirst().message().content()).contains("Paris is the capital.");
        assertThat(completion.choices().getFirst().finishReason()).hasToString("stop");
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(7095);
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(503);
        assertThat(completion.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens()).contains(4000L);
        RecordedRequest sent = anthropic.takeRequest();
        assertThat(sent.path()).isEqualTo("/v1/messages");
        assertThat(sent.header("x-api-key")).isEqualTo("sk-ant-upstream-secret");
        assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(sent.header("authorization")).isNull();
        assertThat(JSON.readTree(sent.body())).isEqualTo(JSON.readTree("""
                {"model":"claude-sonnet-4-5","max_tokens":4096,"system":"Answer in one sentence.",
                 "messages":[{"role":"user","content":[{"type":"text","text":"Capital of France?"}]}]}
                """));
        UsageEvent event = latestEvent(false);
        assertThat(event.usage()).isEqualTo(new Usage(7095, 503, 4000, 1000, 0, false));
        assertThat(event.provider()).isEqualTo("anthropic");
        assertThat(event.model()).isEqualTo(SONNET);
        assertThat(event.priceKnown()).isTrue();
        assertThat(event.costUsd()).isCloseTo(2095 * 3e-6 + 4000 * 3e-7 + 1000 * 3.75e-6 + 503 * 1.5e-5, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void modelList_namesTheClaudeModelsOfThePriceTable() {
        var response = gateway.get("/v1/models", "authorization", "Bearer sk-tollgate-test");

        List<String> ids = new ArrayList<>();
        JSON.readTree(response.body()).get("data").forEach(m -> ids.add(m.get("id").asString()));
        assertThat(ids).contains(SONNET, HAIKU, "claude-haiku-4-5-20251001").doesNotContain("gpt-4o-mini");
    }

    @Test
    void streamedCompletion_arrivesAsOpenAiChunks_withTheExactUsage() {
        Tokens tokens = new Tokens(25, 2000, 0, 15);
        anthropic.enqueue(MockResponse.sse(AnthropicFixtures.textStream(SONNET, List.of("Bonjour", ", ", "le monde"), "end_turn", tokens)));

        StringBuilder text = new StringBuilder();
        List<String> finish = new ArrayList<>();
        long[] usage = {-1, -1, -1};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model(SONNET).addUserMessage("Say hello in French")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(c -> {
                    c.delta().content().ifPresent(text::append);
                    c.finishReason().ifPresent(f -> finish.add(f.toString()));
                });
                chunk.usage().ifPresent(u -> {
                    usage[0] = u.promptTokens();
                    usage[1] = u.completionTokens();
                    usage[2] = u.promptTokensDetails().flatMap(d -> d.cachedTokens()).orElse(-1L);
                });
            });
        }

        assertThat(text).hasToString("Bonjour, le monde");
        assertThat(finish).containsExactly("stop");
        assertThat(usage).containsExactly(2025, 15, 2000);
        assertThat(JSON.readTree(anthropic.takeRequest().body()).get("stream").asBoolean()).isTrue();
        UsageEvent event = latestEvent(true);
        assertThat(event.usage()).isEqualTo(new Usage(2025, 15, 2000, 0, 0, false));
        assertThat(event.firstTokenMs()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void streamedToolCall_reachesTheClientWithArgumentsAssembledFromThePieces() {
        anthropic.enqueue(MockResponse.sse(AnthropicFixtures.toolUseStream(SONNET, "Let me check.", "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
                "get_weather", List.of("{\"location\":", " \"San Francisco, CA\"", ", \"unit\": \"celsius\"}"), new Tokens(472, 0, 0, 89))));

        Map<Long, StringBuilder> arguments = new java.util.TreeMap<>();
        List<String> names = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<String> finish = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(weatherTool()
                .model(SONNET).addUserMessage("What's the weather in San Francisco?").build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> {
                c.delta().content().ifPresent(text::append);
                c.finishReason().ifPresent(f -> finish.add(f.toString()));
                c.delta().toolCalls().ifPresent(calls -> calls.forEach(call -> {
                    call.id().ifPresent(ids::add);
                    call.function().flatMap(f -> f.name()).ifPresent(names::add);
                    call.function().flatMap(f -> f.arguments()).ifPresent(a ->
                            arguments.computeIfAbsent(call.index(), k -> new StringBuilder()).append(a));
                }));
            }));
        }

        assertThat(text).hasToString("Let me check.");
        assertThat(ids).containsExactly("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        assertThat(names).containsExactly("get_weather");
        assertThat(arguments).containsOnlyKeys(0L);
        assertThat(JSON.readTree(arguments.get(0L).toString())).isEqualTo(JSON.readTree("{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"));
        assertThat(finish).containsExactly("tool_calls");
        JsonNode sent = JSON.readTree(anthropic.takeRequest().body());
        assertThat(sent.get("tools")).isEqualTo(JSON.readTree("""
                [{"name":"get_weather","description":"Get the weather of a city",
                  "input_schema":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}]
                """));
        assertThat(eventsFor(SONNET, true).getFirst().usage()).isEqualTo(new Usage(472, 89, 0, 0, 0, false));
    }

    @Test
    void toolResultRoundTrip_sendsToolUseAndToolResultBlocks() {
        anthropic.enqueue(MockResponse.json(200, AnthropicFixtures.message(SONNET, "It is 15 degrees and sunny.", "end_turn",
                new Tokens(520, 0, 0, 12))));
        ChatCompletionMessageToolCall call = ChatCompletionMessageToolCall.ofFunction(ChatCompletionMessageFunctionToolCall.builder()
                .id("toolu_01A09q90qw90lq917835lq9").function(ChatCompletionMessageFunctionToolCall.Function.builder()
                        .name("get_weather").arguments("{\"location\":\"San Francisco, CA\"}").build()).build());

        ChatCompletion completion = client.chat().completions().create(weatherTool().model(SONNET)
                .addUserMessage("What's the weather in San Francisco?")
                .addMessage(ChatCompletionAssistantMessageParam.builder().addToolCall(call).build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("toolu_01A09q90qw90lq917835lq9")
                        .content("15 degrees, sunny").build())
                .build());

        assertThat(completion.choices().getFirst().message().content()).contains("It is 15 degrees and sunny.");
        JsonNode messages = JSON.readTree(anthropic.takeRequest().body()).get("messages");
        assertThat(messages).isEqualTo(JSON.readTree("""
                [{"role":"user","content":[{"type":"text","text":"What's the weather in San Francisco?"}]},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather",
                   "input":{"location":"San Francisco, CA"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A09q90qw90lq917835lq9","content":"15 degrees, sunny"}]}]
                """));
    }

    @Test
    void imageInput_isSentAsABase64Source() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder().model(SONNET)
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is this?").build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url("data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==").build())
                                .build())))
                .build());

        assertThat(completion.choices().getFirst().message().content()).contains(AnthropicFixtures.DEFAULT_ANSWER);
        assertThat(JSON.readTree(anthropic.takeRequest().body()).at("/messages/0/content")).isEqualTo(JSON.readTree("""
                [{"type":"text","text":"What is this?"},
                 {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgoAAAANSUhEUg=="}}]
                """));
        assertThat(latestEvent(false).usage()).isEqualTo(AnthropicFixtures.DEFAULT_TOKENS.usage());
    }

    @Test
    void overloadedAnthropic_fallsBackToTheSecondProvider() {
        anthropic.enqueue(AnthropicFixtures.error(529, "overloaded_error", "Overloaded"));

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(SONNET).addUserMessage("hi").build());

        assertThat(completion.choices().getFirst().message().content()).contains(OpenAiFixtures.DEFAULT_ANSWER);
        assertThat(anthropic.requestCount()).isEqualTo(1);
        assertThat(backup.requestCount()).isEqualTo(1);
        UsageEvent event = eventsFor(SONNET, false).getFirst();
        assertThat(event.provider()).isEqualTo("backup");
        assertThat(event.attempts()).isEqualTo(2);
        assertThat(event.routingReason()).isEqualTo("fallback: anthropic failed (status 529), tried backup");
        assertThat(event.usage()).isEqualTo(OpenAiFixtures.DEFAULT_USAGE);
    }

    @Test
    void overloadedAnthropic_withNoFallback_isA503NamingTheUpstreamError() {
        anthropic.enqueue(AnthropicFixtures.error(529, "overloaded_error", "Overloaded").withHeader("retry-after", "3"));

        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(HAIKU).addUserMessage("hi").build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(503);
                    assertThat(e.getMessage()).contains("upstream anthropic answered 529: Overloaded").doesNotContain("sk-ant-upstream-secret");
                });
        assertThat(backup.requestCount()).isZero();
        assertThat(eventsFor(HAIKU, false).getFirst().status()).isEqualTo(503);
    }

    @Test
    void refusedUpstreamCredentials_areA502_thatNeverShowsTheKey() {
        anthropic.enqueue(AnthropicFixtures.error(401, "authentication_error", "invalid x-api-key"));

        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(HAIKU).addUserMessage("hi").build()))
                .isInstanceOfSatisfying(com.openai.errors.OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(502);
                    assertThat(e.getMessage()).contains("invalid x-api-key").contains("check its api_key")
                            .doesNotContain("sk-ant-upstream-secret");
                });
    }

    @Test
    void invalidRequestFromAnthropic_isRelayedAsA400() {
        anthropic.enqueue(AnthropicFixtures.error(400, "invalid_request_error", "messages: roles must alternate"));

        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(SONNET).addUserMessage("hi").build()))
                .isInstanceOfSatisfying(com.openai.errors.BadRequestException.class, e -> {
                    assertThat(e.code()).contains("invalid_request_error");
                    assertThat(e.getMessage()).contains("messages: roles must alternate");
                });
        assertThat(backup.requestCount()).as("a rejected request is not retried elsewhere").isZero();
    }

    @Test
    void streamCutMidWay_endsWithAnErrorAndIsBilledForWhatWasDelivered() {
        Tokens tokens = new Tokens(40, 0, 0, 300);
        anthropic.enqueue(MockResponse.sse(AnthropicFixtures.textStream(SONNET, List.of("One", " two", " three", " four"), "end_turn", tokens))
                .withFault(MockResponse.Fault.RESET, 5));

        StringBuilder text = new StringBuilder();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                    .model(HAIKU).addUserMessage("Count").build())) {
                stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
            }
        }).isInstanceOf(OpenAIException.class);

        assertThat(text).hasToString("One two");
        UsageEvent event = eventsFor(HAIKU, true).getFirst();
        assertThat(event.errorCode()).isEqualTo("upstream_stream_failed");
        assertThat(event.usage().estimated()).isTrue();
        assertThat(event.usage().inputTokens()).as("the prompt as message_start reported it").isEqualTo(40);
        assertThat(event.usage().outputTokens()).isEqualTo(new TokenCounter().count(HAIKU, "One two"));
    }

    @Test
    void errorEventMidStream_endsTheStreamWithAnError() {
        List<String> events = new ArrayList<>(AnthropicFixtures.textStream(HAIKU, List.of("Partial"), "end_turn", new Tokens(12, 0, 0, 5))
                .subList(0, 4));
        events.add(AnthropicFixtures.errorEvent("overloaded_error", "Overloaded"));
        anthropic.enqueue(MockResponse.sse(events));

        var raw = gateway.post("/v1/chat/completions", "{\"model\":\"" + HAIKU + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "authorization", "Bearer sk-tollgate-test");

        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.body()).contains("\"content\":\"Partial\"")
                .contains("upstream anthropic stream failed: overloaded_error (Overloaded)")
                .doesNotContain("[DONE]");
        UsageEvent event = gateway.event(raw.headers().firstValue("x-tollgate-request-id").orElseThrow());
        assertThat(event.usage().inputTokens()).isEqualTo(12);
        assertThat(event.errorCode()).isEqualTo("upstream_stream_failed");
    }

    private static ChatCompletionCreateParams.Builder weatherTool() {
        return ChatCompletionCreateParams.builder().addFunctionTool(FunctionDefinition.builder().name("get_weather")
                .description("Get the weather of a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("location")))
                        .build())
                .build());
    }

    /** The newest event of a streamed or plain call: the one of the test that just ran (tests run one at a time). */
    private static UsageEvent latestEvent(boolean stream) {
        List<UsageEvent> events = gateway.events().stream().filter(e -> e.stream() == stream).toList();
        assertThat(events).isNotEmpty();
        return events.getFirst();
    }

    private static List<UsageEvent> eventsFor(String model, boolean stream) {
        List<UsageEvent> events = gateway.events().stream().filter(e -> model.equals(e.model()) && e.stream() == stream).toList();
        assertThat(events).isNotEmpty();
        return events;
    }
}
