package dev.tollgate.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.errors.RateLimitException;
import com.anthropic.models.ErrorType;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.AnthropicFixtures;
import dev.tollgate.testing.FakeClock;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rate-limit policy seen from {@code /v1/messages}: admitted answers (whole and streamed) carry the
 * {@code x-ratelimit-*} headers; a refusal is a 429 in Anthropic's error shape ({@code rate_limit_error})
 * with an honest {@code Retry-After} and the same headers, which the official Anthropic SDK reads as a
 * {@link RateLimitException}; other policy refusals are Anthropic-shaped too. On a fake clock.
 */
class MessagesRateLimitTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-master-messages";
    static final FakeClock CLOCK = new FakeClock(Instant.parse("2026-11-23T12:00:17.500Z"));

    @RegisterExtension
    @Order(1)
    static final MockUpstream anthropic = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-master-messages
            providers:
              - name: claude
                kind: anthropic
                base_url: ${ANTHROPIC}
                api_key: sk-ant-upstream
                models: [claude-sonnet-4-5, claude-haiku-4-5]
              - name: scarce
                kind: anthropic
                base_url: ${ANTHROPIC}
                api_key: sk-ant-upstream
                models: [claude-opus-4-1]
                limits: {rpm: 1, max_tokens_per_request: 2000}
            """).env("ANTHROPIC", () -> "http://127.0.0.1:" + anthropic.port()).clock(CLOCK);

    /** Each test starts 17.5 s into a fresh minute, so its windows are its own. */
    @BeforeEach
    void freshMinute() {
        CLOCK.set(CLOCK.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofSeconds(60 + 17)).plusMillis(500));
        anthropic.fallback(AnthropicFixtures::answer);
    }

    private static String key(String name, String limits) {
        return JSON.readTree(gateway.post("/governance/api-keys", "{\"name\":\"" + name + "\",\"limits\":" + limits + "}",
                "Authorization", "Bearer " + MASTER).body()).path("key").asString();
    }

    private static HttpResponse<String> messages(String key, String model, String extra) {
        return gateway.post("/v1/messages", "{\"model\":\"" + model + "\",\"max_tokens\":256,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}]" + extra + "}",
                "x-api-key", key, "anthropic-version", "2023-06-01", "content-type", "application/json");
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void keyRpm_answersCarryTheHeaders_andTheSdkSeesARateLimitExceptionWithRetryAfter() {
        String key = key("sdk", "{\"rpm\":2}");
        AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl().toString()).apiKey(key)
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
        try {
            MessageCreateParams params = MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(256).addUserMessage("Hi")
                    .build();
            HttpResponseFor<Message> raw = client.messages().withRawResponse().create(params);
            assertThat(raw.statusCode()).isEqualTo(200);
            assertThat(raw.headers().values("x-ratelimit-limit-requests")).containsExactly("2");
            assertThat(raw.headers().values("x-ratelimit-remaining-requests")).containsExactly("1");
            assertThat(raw.headers().values("x-ratelimit-reset-requests")).containsExactly("43s");
            assertThat(raw.parse().content()).isNotEmpty();

            HttpResponse<String> streamed = messages(key, "claude-sonnet-4-5", ",\"stream\":true");
            assertThat(streamed.statusCode()).isEqualTo(200);
            assertThat(header(streamed, "content-type")).startsWith("text/event-stream");
            assertThat(header(streamed, "x-ratelimit-limit-requests")).isEqualTo("2");
            assertThat(header(streamed, "x-ratelimit-remaining-requests")).isEqualTo("0");
            assertThat(streamed.body()).contains("event: message_stop");

            int upstreamCalls = anthropic.requestCount();
            assertThatThrownBy(() -> client.messages().create(params)).isInstanceOfSatisfying(RateLimitException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(429);
                assertThat(e.type()).contains(ErrorType.RATE_LIMIT_ERROR);
                assertThat(e.apiMessage()).hasValueSatisfying(m -> assertThat(m).contains("2 requests per minute"));
                assertThat(e.headers().values("retry-after")).containsExactly("43"); // 42.5 s left in the minute
                assertThat(e.headers().values("x-ratelimit-limit-requests")).containsExactly("2");
                assertThat(e.headers().values("x-ratelimit-remaining-requests")).containsExactly("0");
                assertThat(e.headers().values("x-ratelimit-reset-requests")).containsExactly("43s");
            });
            assertThat(anthropic.requestCount()).as("a refused call never reaches the upstream").isEqualTo(upstreamCalls);
        } finally {
            client.close();
        }
    }

    @Test
    void refusal_isAnthropicsErrorShape_andInTheLedger() {
        String key = key("raw", "{\"rpm\":1}");
        assertThat(messages(key, "claude-haiku-4-5", "").statusCode()).isEqualTo(200);

        HttpResponse<String> refused = messages(key, "claude-haiku-4-5", ",\"stream\":true");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "content-type")).isEqualTo("application/json");
        JsonNode body = JSON.readTree(refused.body());
        assertThat(body.path("type").asString()).isEqualTo("error");
        assertThat(body.path("error").path("type").asString()).isEqualTo("rate_limit_error");
        assertThat(body.path("error").path("message").asString()).contains("1 requests per minute");
        assertThat(body.path("error").has("code")).as("OpenAI's fields are not Anthropic's").isFalse();
        assertThat(header(refused, "retry-after")).isEqualTo("43");
        assertThat(header(refused, "x-ratelimit-remaining-requests")).isEqualTo("0");
        UsageEvent event = gateway.event(header(refused, "x-tollgate-request-id"));
        assertThat(event.status()).isEqualTo(429);
        assertThat(event.usage().totalTokens()).isZero();

        CLOCK.advance(Duration.ofMillis(42_500));
        HttpResponse<String> after = messages(key, "claude-haiku-4-5", "");
        assertThat(after.statusCode()).as("after Retry-After").isEqualTo(200);
        assertThat(header(after, "x-ratelimit-remaining-requests")).isEqualTo("0");
    }

    @Test
    void deploymentLimits_refuseInAnthropicsShape() {
        HttpResponse<String> tooLarge = gateway.post("/v1/messages", "{\"model\":\"claude-opus-4-1\",\"max_tokens\":4000,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "x-api-key", MASTER, "content-type", "application/json");
        assertThat(tooLarge.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(tooLarge.body());
        assertThat(error.path("type").asString()).isEqualTo("error");
        assertThat(error.at("/error/type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.at("/error/message").asString()).contains("at most 2000 per request");

        HttpResponse<String> first = messages(MASTER, "claude-opus-4-1", "");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(header(first, "x-ratelimit-limit-requests")).isEqualTo("1");

        HttpResponse<String> full = messages(MASTER, "claude-opus-4-1", "");
        assertThat(full.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(full.body()).at("/error/type").asString()).isEqualTo("rate_limit_error");
        assertThat(header(full, "retry-after")).isEqualTo("43");
    }
}
