package dev.tollgate.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import dev.tollgate.testing.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The official openai-java SDK, pointed at a running gateway, gets what it would get from OpenAI. */
class OpenAiSdkTest {

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-tollgate-test
            providers:
              - name: openai
                kind: openai
                base_url: ${UPSTREAM}
                api_key: sk-upstream-secret
            """).env("UPSTREAM", () -> upstream.baseUrl().toString());

    static OpenAIClient client;

    @BeforeAll
    static void client() {
        client = OpenAIOkHttpClient.builder()
                .baseUrl(gateway.baseUrl() + "/v1")
                .apiKey("sk-tollgate-test")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(20))
                .build();
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    @Test
    void plainCompletion_returnsUpstreamAnswerAndRecordsUsage() {
        upstream.enqueue(dev.tollgate.testing.MockResponse.json(200,
                OpenAiFixtures.chatCompletion("gpt-4o-mini", "Paris.", new Usage(25, 2, 10, 0, false))));

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini").addUserMessage("What is the capital of France?").build());

        assertThat(completion.choices().getFirst().message().content()).contains("Paris.");
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(25);
        RecordedRequest sent = upstream.takeRequest();
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.header("authorization")).isEqualTo("Bearer sk-upstream-secret");
        UsageEvent event = onlyEventFor("gpt-4o-mini", false);
        assertThat(event.usage()).isEqualTo(new Usage(25, 2, 10, 0, false));
        assertThat(event.provider()).isEqualTo("openai");
        assertThat(event.status()).isEqualTo(200);
        assertThat(event.priceKnown()).isTrue();
    }

    @Test
    void streamedCompletion_deliversEveryChunkAndTheUsage() {
        upstream.enqueue(dev.tollgate.testing.MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini",
                List.of("Bonjour", ", ", "le monde"), new Usage(12, 3, 0, 0, false))));

        StringBuilder text = new StringBuilder();
        CompletionUsageHolder usage = new CompletionUsageHolder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini").addUserMessage("Say hello in French")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append));
                chunk.usage().ifPresent(u -> usage.set(u.promptTokens(), u.completionTokens()));
            });
        }

        assertThat(text).hasToString("Bonjour, le monde");
        assertThat(usage.prompt).isEqualTo(12);
        assertThat(usage.completion).isEqualTo(3);
        UsageEvent event = onlyEventFor("gpt-4o-mini", true);
        assertThat(event.usage()).isEqualTo(new Usage(12, 3, 0, 0, false));
        assertThat(event.firstTokenMs()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void toolCall_reachesTheClientWithItsArguments() {
        upstream.enqueue(dev.tollgate.testing.MockResponse.json(200, OpenAiFixtures.toolCallCompletion("gpt-4o",
                "call_abc123", "get_weather", "{\"location\":\"Boston, MA\"}", new Usage(82, 17, 0, 0, false))));

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o").addUserMessage("What's the weather like in Boston today?")
                .addFunctionTool(FunctionDefinition.builder().name("get_weather")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                                .build())
                        .build())
                .build());

        ChatCompletionMessageFunctionToolCall call = completion.choices().getFirst().message().toolCalls().orElseThrow()
                .getFirst().asFunction();
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"location\":\"Boston, MA\"}");
        assertThat(completion.choices().getFirst().finishReason()).hasToString("tool_calls");
        assertThat(upstream.takeRequest().bodyText()).contains("\"tools\"").contains("get_weather");
    }

    @Test
    void upstreamRateLimit_isARateLimitErrorWithRetryAfter() {
        upstream.enqueue(OpenAiFixtures.error(429, "requests", "rate_limit_exceeded", "Rate limit reached for gpt-4o-mini")
                .withHeader("retry-after", "7"));

        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-4o-mini").addUserMessage("hi").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.headers().values("retry-after")).containsExactly("7");
                    assertThat(e.code()).contains("rate_limit_exceeded");
                    assertThat(e.getMessage()).contains("Rate limit reached");
                });
        UsageEvent event = onlyEventFor("gpt-4o-mini", false);
        assertThat(event.status()).isEqualTo(429);
        assertThat(event.errorCode()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void wrongKey_isUnauthorized() {
        OpenAIClient wrong = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey("sk-wrong").maxRetries(0).build();
        try {
            assertThatThrownBy(() -> wrong.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("gpt-4o-mini").addUserMessage("hi").build()))
                    .isInstanceOf(UnauthorizedException.class);
        } finally {
            wrong.close();
        }
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void embeddings_passThrough() {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small").input("The food was delicious and the waiter...").build());

        assertThat(response.data()).hasSize(1);
        assertThat(response.data().getFirst().embedding()).hasSize(8);
        assertThat(response.usage().promptTokens()).isEqualTo(8);
        assertThat(upstream.takeRequest().path()).isEqualTo("/v1/embeddings");
    }

    private static UsageEvent onlyEventFor(String model, boolean stream) {
        List<UsageEvent> events = gateway.events().stream().filter(e -> model.equals(e.model()) && e.stream() == stream).toList();
        assertThat(events).isNotEmpty();
        return events.getFirst();
    }

    /** Usage seen on the stream. */
    private static final class CompletionUsageHolder {
        long prompt = -1;
        long completion = -1;

        void set(long p, long c) {
            prompt = p;
            completion = c;
        }
    }
}
