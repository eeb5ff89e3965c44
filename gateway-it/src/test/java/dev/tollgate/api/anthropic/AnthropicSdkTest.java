package dev.tollgate.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolUseBlock;
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
import java.util.ArrayList;
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
 * The official anthropic-java SDK against the gateway's {@code /v1/messages}, served by each kind of
 * upstream: the built-in simulated provider, an OpenAI-compatible mock (translated both ways) and an
 * Anthropic mock (the client's body passed through). Exact text, tool input, stop reason and usage, and
 * the ledger's event carries the same tokens, streamed or not.
 */
class AnthropicSdkTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

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
              - name: sim
                kind: simulated
                models: [tollgate-sim]
                simulated: {first_token_ms: 0, inter_token_ms: 0}
              - name: openai
                kind: openai
                base_url: ${OPENAI}
                api_key: sk-openai-upstream
              - name: anthropic
                kind: anthropic
                base_url: ${ANTHROPIC}
                api_key: sk-ant-upstream
            """).env("OPENAI", () -> openai.baseUrl().toString()).env("ANTHROPIC", () -> "http://127.0.0.1:" + anthropic.port());

    /** The upstreams an Anthropic client can reach through the gateway, each by a model it serves. */
    enum Upstream {
        SIMULATED("tollgate-sim"), OPENAI_COMPATIBLE("gpt-4o-mini"), ANTHROPIC("claude-sonnet-4-5");

        final String model;

        Upstream(String model) {
            this.model = model;
        }
    }

    /** What the client must see: text, the four token counts, and the usage the ledger must hold. */
    record Expected(String text, long input, long cacheRead, long output, Usage ledger) {
    }

    static AnthropicClient client;

    @BeforeAll
    static void client() {
        client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl().toString()).apiKey("sk-tollgate-test")
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

    private static MessageCreateParams.Builder question(Upstream upstream) {
        return MessageCreateParams.builder().model(upstream.model).maxTokens(256).system("Answer briefly.")
                .addUserMessage("What is the capital of France?");
    }

    @ParameterizedTest
    @EnumSource(Upstream.class)
    void plainMessage_hasTheExactTextStopReasonAndUsage(Upstream upstream) {
        Expected expected = switch (upstream) {
            case SIMULATED -> simulated(upstream.model, "What is the capital of France?");
            case OPENAI_COMPATIBLE -> {
                openai.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion(upstream.model, "Paris.", new Usage(25, 2, 10, 0, false))));
                yield new Expected("Paris.", 15, 10, 2, new Usage(25, 2, 10, 0, false));
            }
            case ANTHROPIC -> {
                anthropic.enqueue(MockResponse.json(200, AnthropicFixtures.message(upstream.model, "Paris.", "end_turn", new Tokens(15, 10, 0, 2))));
                yield new Expected("Paris.", 15, 10, 2, new Usage(25, 2, 10, 0, 0, false));
            }
        };

        HttpResponseFor<Message> raw = client.messages().withRawResponse().create(question(upstream).build());
        Message message = raw.parse();

        assertThat(message.content()).hasSize(1);
        assertThat(message.content().getFirst().asText().text()).isEqualTo(expected.text());
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message._role()).isEqualTo(JsonValue.from("assistant"));
        assertThat(message.id()).startsWith("msg_");
        assertThat(message.usage().inputTokens()).isEqualTo(expected.input());
        assertThat(message.usage().cacheReadInputTokens()).contains(expected.cacheRead());
        assertThat(message.usage().outputTokens()).isEqualTo(expected.output());
        assertThat(raw.headers().values("x-tollgate-provider")).containsExactly(provider(upstream));
        UsageEvent event = gateway.event(raw.headers().values("x-tollgate-request-id").getFirst());
        assertThat(event.usage()).isEqualTo(expected.ledger());
        assertThat(event.usage().totalTokens()).isPositive();
        if (upstream == Upstream.ANTHROPIC) {
            assertThat(JSON.readTree(anthropic.takeRequest().body())).as("the client's body, passed through").isEqualTo(JSON.readTree("""
                    {"max_tokens":256,"messages":[{"content":"What is the capital of France?","role":"user"}],
                     "model":"claude-sonnet-4-5","system":"Answer briefly."}
                    """));
        }
    }

    @ParameterizedTest
    @EnumSource(Upstream.class)
    void streamedMessage_accumulatesToTheExactTextAndUsage(Upstream upstream) {
        Expected expected = switch (upstream) {
            case SIMULATED -> simulated(upstream.model, "What is the capital of France?");
            case OPENAI_COMPATIBLE -> {
                openai.enqueue(MockResponse.sse(OpenAiFixtures.chunks(upstream.model, List.of("Par", "is."), new Usage(12, 3, 0, 0, false))));
                yield new Expected("Paris.", 12, 0, 3, new Usage(12, 3, 0, 0, false));
            }
            case ANTHROPIC -> {
                anthropic.enqueue(MockResponse.sse(AnthropicFixtures.textStream(upstream.model, List.of("Par", "is."), "end_turn",
                        new Tokens(7, 5, 0, 3))));
                yield new Expected("Paris.", 7, 5, 3, new Usage(12, 3, 5, 0, 0, false));
            }
        };

        MessageAccumulator accumulator = MessageAccumulator.create();
        List<String> kinds = new ArrayList<>();
        String requestId;
        try (HttpResponseFor<StreamResponse<RawMessageStreamEvent>> raw = client.messages().withRawResponse()
                .createStreaming(question(upstream).build())) {
            requestId = raw.headers().values("x-tollgate-request-id").getFirst();
            raw.parse().stream().forEach(event -> {
                kinds.add(kind(event));
                accumulator.accumulate(event);
            });
        }
        Message message = accumulator.message();

        assertThat(message.content()).hasSize(1);
        assertThat(message.content().getFirst().asText().text()).isEqualTo(expected.text());
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().inputTokens()).isEqualTo(expected.input());
        assertThat(message.usage().cacheReadInputTokens()).contains(expected.cacheRead());
        assertThat(message.usage().outputTokens()).isEqualTo(expected.output());
        assertThat(kinds.getFirst()).isEqualTo("message_start");
        assertThat(kinds.subList(1, 3)).containsExactly("content_block_start", "content_block_delta");
        assertThat(kinds.subList(kinds.size() - 3, kinds.size())).containsExactly("content_block_stop", "message_delta", "message_stop");
        UsageEvent event = gateway.event(requestId);
        assertThat(event.stream()).isTrue();
        assertThat(event.usage()).isEqualTo(expected.ledger());
    }

    @Test
    void anAnthropicUpstream_reachesTheSdkWithItsThinkingBlock_plainAndStreamed() {
        String model = Upstream.ANTHROPIC.model;
        Tokens tokens = new Tokens(30, 0, 0, 90);
        anthropic.enqueue(MockResponse.json(200, AnthropicFixtures.thinkingMessage(model, "27 * 453: 453 = 400 + 50 + 3", "EqQBCgIYAhIM1gbc",
                "12,231", tokens)));
        anthropic.enqueue(MockResponse.sse(AnthropicFixtures.thinkingStream(model, List.of("27 * 453:", " 453 = 400 + 50 + 3"), "EqQBCgIYAhIM1gbc",
                List.of("12,", "231"), tokens)));
        MessageCreateParams params = MessageCreateParams.builder().model(model).maxTokens(2048).addUserMessage("What is 27 * 453?").build();

        Message plain = client.messages().create(params);
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }

        for (Message message : List.of(plain, accumulator.message())) {
            assertThat(message.content()).hasSize(2);
            assertThat(message.content().get(0).asThinking().thinking()).isEqualTo("27 * 453: 453 = 400 + 50 + 3");
            assertThat(message.content().get(0).asThinking().signature()).isEqualTo("EqQBCgIYAhIM1gbc");
            assertThat(message.content().get(1).asText().text()).isEqualTo("12,231");
            assertThat(message.usage().outputTokens()).isEqualTo(90);
        }
    }

    @Test
    void anAnthropicUpstream_reachesTheSdkWithItsCitationsAndTheMatchedStopSequence() {
        String model = Upstream.ANTHROPIC.model;
        anthropic.enqueue(MockResponse.json(200, AnthropicFixtures.citedMessage(model, "According to the document, ",
                List.of(new AnthropicFixtures.Cited("the grass is green", "The grass is green.", 0, 20)), "\n\nEND", new Tokens(40, 0, 0, 12))));

        HttpResponseFor<Message> raw = client.messages().withRawResponse()
                .create(MessageCreateParams.builder().model(model).maxTokens(256).addUserMessage("What colour is the grass?").build());
        Message message = raw.parse();

        assertThat(message.stopReason()).contains(StopReason.STOP_SEQUENCE);
        assertThat(message.stopSequence()).contains("\n\nEND");
        var citation = message.content().get(1).asText().citations().orElseThrow().getFirst().asCharLocation();
        assertThat(citation.citedText()).isEqualTo("The grass is green.");
        assertThat(citation.endCharIndex()).isEqualTo(20);
        UsageEvent event = gateway.event(raw.headers().values("x-tollgate-request-id").getFirst());
        assertThat(event.usage()).isEqualTo(new Usage(40, 12, 0, 0, 0, false));
    }

    @ParameterizedTest
    @EnumSource(Upstream.class)
    void toolUse_returnsTheToolCallWithItsInput(Upstream upstream) {
        String input = upstream == Upstream.SIMULATED ? "{}" : "{\"location\":\"Boston, MA\"}";
        switch (upstream) {
            case SIMULATED -> { }
            case OPENAI_COMPATIBLE -> openai.enqueue(MockResponse.json(200, OpenAiFixtures.toolCallCompletion(upstream.model,
                    "call_abc123", "get_weather", input, new Usage(82, 17, 0, 0, false))));
            case ANTHROPIC -> anthropic.enqueue(MockResponse.json(200, AnthropicFixtures.toolUseMessage(upstream.model, null,
                    "toolu_01A09q90qw90lq917835lq9", "get_weather", input, new Tokens(82, 0, 0, 17))));
        }

        HttpResponseFor<Message> raw = client.messages().withRawResponse().create(weather(upstream).build());
        Message message = raw.parse();

        List<ToolUseBlock> calls = message.content().stream().flatMap(b -> b.toolUse().stream()).toList();
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().name()).isEqualTo("get_weather");
        assertThat(JSON.readTree(JSON.writeValueAsString(calls.getFirst()._input().convert(Map.class)))).isEqualTo(JSON.readTree(input));
        assertThat(calls.getFirst().id()).isNotEmpty();
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        UsageEvent event = gateway.event(raw.headers().values("x-tollgate-request-id").getFirst());
        assertThat(event.usage().outputTokens()).isEqualTo(upstream == Upstream.SIMULATED ? message.usage().outputTokens() : 17);
        assertThat(event.usage().inputTokens()).isEqualTo(message.usage().inputTokens());
        if (upstream == Upstream.OPENAI_COMPATIBLE) {
            JsonNode sent = JSON.readTree(openai.takeRequest().body());
            assertThat(sent.get("tools")).isEqualTo(JSON.readTree("""
                    [{"type":"function","function":{"name":"get_weather","description":"Get the current weather",
                      "parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}}]
                    """));
            assertThat(sent.get("tool_choice").asString()).isEqualTo("required");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Upstream.class, names = {"OPENAI_COMPATIBLE", "ANTHROPIC"})
    void streamedToolUse_deliversTheInputAsJsonDeltas(Upstream upstream) {
        List<String> pieces = List.of("{\"location\":", " \"Boston, MA\"}");
        if (upstream == Upstream.OPENAI_COMPATIBLE) {
            openai.enqueue(MockResponse.sse(OpenAiFixtures.toolCallChunks(upstream.model, "call_abc123", "get_weather", pieces,
                    new Usage(82, 17, 0, 0, false))));
        } else {
            anthropic.enqueue(MockResponse.sse(AnthropicFixtures.toolUseStream(upstream.model, "Checking.", "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
                    "get_weather", pieces, new Tokens(82, 0, 0, 17))));
        }

        MessageAccumulator accumulator = MessageAccumulator.create();
        String requestId;
        try (HttpResponseFor<StreamResponse<RawMessageStreamEvent>> raw = client.messages().withRawResponse()
                .createStreaming(weather(upstream).build())) {
            requestId = raw.headers().values("x-tollgate-request-id").getFirst();
            raw.parse().stream().forEach(accumulator::accumulate);
        }
        Message message = accumulator.message();

        ToolUseBlock call = message.content().stream().flatMap(b -> b.toolUse().stream()).findFirst().orElseThrow();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.id()).isEqualTo(upstream == Upstream.ANTHROPIC ? "toolu_01T1x1fJ34qAmk2tNTrN7Up6" : "call_abc123");
        assertThat(call._input().convert(Map.class)).isEqualTo(Map.of("location", "Boston, MA"));
        assertThat(message.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(message.usage().outputTokens()).isEqualTo(17);
        assertThat(message.usage().inputTokens()).isEqualTo(82);
        if (upstream == Upstream.ANTHROPIC) {
            assertThat(message.content().getFirst().asText().text()).isEqualTo("Checking.");
        }
        assertThat(gateway.event(requestId).usage()).isEqualTo(new Usage(82, 17, 0, 0, 0, false));
    }

    @Test
    void parallelToolCallsOfAnOpenAiUpstream_becomeOneToolUseBlockEach() {
        String head = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",";
        openai.enqueue(MockResponse.sse(List.of(
                head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null},\"finish_reason\":null}]}",
                head + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":["
                        + "{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"location\\\":\\\"Paris\\\"}\"}},"
                        + "{\"index\":1,\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"location\\\":\"}}]},"
                        + "\"finish_reason\":null}]}",
                head + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"\\\"Rome\\\"}\"}}]},\"finish_reason\":null}]}",
                head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
                OpenAiFixtures.usageChunk("gpt-4o-mini", new Usage(90, 40, 0, 0, false)),
                "[DONE]")));

        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(weather(Upstream.OPENAI_COMPATIBLE).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message message = accumulator.message();

        List<ToolUseBlock> calls = message.content().stream().flatMap(b -> b.toolUse().stream()).toList();
        assertThat(calls).extracting(ToolUseBlock::id).containsExactly("call_1", "call_2");
        assertThat(calls.get(0)._input().convert(Map.class)).isEqualTo(Map.of("location", "Paris"));
        assertThat(calls.get(1)._input().convert(Map.class)).isEqualTo(Map.of("location", "Rome"));
        assertThat(message.usage().outputTokens()).isEqualTo(40);
    }

    @Test
    void toolResultRoundTrip_throughAnOpenAiUpstream_becomesAToolMessage() {
        openai.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "It is 15 degrees in Boston.",
                new Usage(120, 9, 0, 0, false))));
        String body = """
                {"model":"gpt-4o-mini","max_tokens":200,
                 "messages":[{"role":"user","content":"Weather in Boston?"},
                  {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"location":"Boston, MA"}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"15 degrees"}]}]}
                """;

        HttpResponse<String> response = gateway.post("/v1/messages", body, "x-api-key", "sk-tollgate-test",
                "anthropic-version", "2023-06-01", "content-type", "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/content/0/text").asString()).isEqualTo("It is 15 degrees in Boston.");
        assertThat(JSON.readTree(openai.takeRequest().body()).get("messages")).isEqualTo(JSON.readTree("""
                [{"role":"user","content":"Weather in Boston?"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"toolu_1","type":"function",
                   "function":{"name":"get_weather","arguments":"{\\"location\\":\\"Boston, MA\\"}"}}]},
                 {"role":"tool","tool_call_id":"toolu_1","content":"15 degrees"}]
                """));
    }

    @Test
    void upstreamStreamCut_endsWithAnAnthropicErrorEvent_andIsBilledForWhatWasDelivered() {
        anthropic.enqueue(MockResponse.sse(AnthropicFixtures.textStream("claude-sonnet-4-5", List.of("One", " two", " three"), "end_turn",
                new Tokens(30, 0, 0, 9))).withFault(MockResponse.Fault.RESET, 5));

        HttpResponse<String> response = gateway.post("/v1/messages",
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Count\"}]}",
                "authorization", "Bearer sk-tollgate-test");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"text\":\"One\"").contains("\"text\":\" two\"").doesNotContain("message_stop");
        String last = response.body().strip().substring(response.body().strip().lastIndexOf("event: "));
        assertThat(last).isEqualTo("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":"
                + "\"upstream stream ended before it was complete (the answer above is incomplete)\"}}");
        UsageEvent event = gateway.event(response.headers().firstValue("x-tollgate-request-id").orElseThrow());
        assertThat(event.errorCode()).isEqualTo("upstream_stream_failed");
        assertThat(event.usage().inputTokens()).isEqualTo(30);
        assertThat(event.usage().outputTokens()).isPositive();
    }

    private static MessageCreateParams.Builder weather(Upstream upstream) {
        return MessageCreateParams.builder().model(upstream.model).maxTokens(256)
                .addTool(Tool.builder().name("get_weather").description("Get the current weather")
                        .inputSchema(Tool.InputSchema.builder()
                                .properties(JsonValue.from(Map.of("location", Map.of("type", "string"))))
                                .required(List.of("location")).build())
                        .build())
                .toolChoice(com.anthropic.models.messages.ToolChoiceAny.builder().build())
                .addUserMessage("What is the weather like in Boston?");
    }

    /** The simulated provider's answer to the same question, asked through the OpenAI route. */
    private static Expected simulated(String model, String question) {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"%s","messages":[{"role":"system","content":"Answer briefly."},{"role":"user","content":"%s"}],"max_tokens":256}
                """.formatted(model, question), "authorization", "Bearer sk-tollgate-test");
        JsonNode body = JSON.readTree(response.body());
        long input = body.at("/usage/prompt_tokens").asLong();
        long output = body.at("/usage/completion_tokens").asLong();
        return new Expected(body.at("/choices/0/message/content").asString(), input, 0, output, new Usage(input, output, 0, 0, false));
    }

    private static String provider(Upstream upstream) {
        return switch (upstream) {
            case SIMULATED -> "sim";
            case OPENAI_COMPATIBLE -> "openai";
            case ANTHROPIC -> "anthropic";
        };
    }

    private static String kind(RawMessageStreamEvent event) {
        if (event.isMessageStart()) {
            return "message_start";
        }
        if (event.isMessageDelta()) {
            return "message_delta";
        }
        if (event.isMessageStop()) {
            return "message_stop";
        }
        if (event.isContentBlockStart()) {
            return "content_block_start";
        }
        if (event.isContentBlockDelta()) {
            return "content_block_delta";
        }
        return event.isContentBlockStop() ? "content_block_stop" : "other";
    }

}
