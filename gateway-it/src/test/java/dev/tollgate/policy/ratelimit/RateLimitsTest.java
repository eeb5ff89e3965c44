package dev.tollgate.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import dev.tollgate.testing.FakeClock;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Deployment and key rate limits through a running gateway, on a fake clock: exact under concurrent load,
 * an honest {@code Retry-After}, OpenAI's {@code x-ratelimit-*} headers, routing around a full deployment,
 * {@code max_tokens_per_request}, and per-key limits set through the governance API.
 */
class RateLimitsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-master-limits";
    static final FakeClock CLOCK = new FakeClock(Instant.parse("2026-11-23T12:00:17.500Z"));

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-master-limits
            rate_limits:
              default_key: {rpm: 4}
            providers:
              - {name: primary, kind: openai, base_url: "${UPSTREAM}", api_key: sk-up, models: [gpt-4o-mini], limits: {rpm: 42, rpd: 3400}}
              - {name: busy, kind: openai, base_url: "${UPSTREAM}", api_key: sk-up, models: [gpt-4.1], limits: {rpm: 2}}
              - {name: spare, kind: openai, base_url: "${UPSTREAM}", api_key: sk-up, models: [gpt-4.1]}
              - {name: small, kind: openai, base_url: "${UPSTREAM}", api_key: sk-up, models: [gpt-4.1-mini], limits: {max_tokens_per_request: 1000}}
              - {name: large, kind: openai, base_url: "${UPSTREAM}", api_key: sk-up, models: [gpt-4.1-mini], limits: {max_tokens_per_request: 17000}}
              - {name: metered, kind: openai, base_url: "${UPSTREAM}", api_key: sk-up, models: [gpt-4o], limits: {tpm: 10000}}
              - {name: tiny, kind: openai, base_url: "${UPSTREAM}", api_key: sk-up, models: [gpt-4.1-nano], limits: {max_tokens_per_request: 500}}
            """).env("UPSTREAM", () -> upstream.baseUrl().toString()).clock(CLOCK);

    /** Each test starts 17.5 s into a fresh minute, so its windows are its own. */
    @BeforeEach
    void freshMinute() {
        CLOCK.set(CLOCK.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofSeconds(60 + 17)).plusMillis(500));
    }

    private static HttpResponse<String> chat(String key, String model, String extra) {
        return gateway.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]"
                + extra + "}", "Authorization", "Bearer " + key, "Content-Type", "application/json");
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void rpm42_100concurrentRequests_exactly42Pass_theRestGet429WithHonestRetryAfter() throws Exception {
        int before = upstream.requestCount();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                futures.add(pool.submit((Callable<HttpResponse<String>>) () -> {
                    go.await();
                    return chat(MASTER, "gpt-4o-mini", "");
                }));
            }
            go.countDown();
        }
        List<HttpResponse<String>> ok = new ArrayList<>();
        List<HttpResponse<String>> limited = new ArrayList<>();
        for (Future<HttpResponse<String>> f : futures) {
            HttpResponse<String> r = f.get();
            (r.statusCode() == 200 ? ok : limited).add(r);
        }
        assertThat(ok).hasSize(42);
        assertThat(limited).hasSize(58).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(429));
        assertThat(upstream.requestCount() - before).isEqualTo(42);

        Set<Integer> remaining = new TreeSet<>();
        for (HttpResponse<String> r : ok) {
            assertThat(header(r, "x-ratelimit-limit-requests")).isEqualTo("42");
            assertThat(header(r, "x-ratelimit-reset-requests")).isEqualTo("43s");
            remaining.add(Integer.parseInt(header(r, "x-ratelimit-remaining-requests")));
        }
        assertThat(remaining).as("each admitted request saw its own place in the window").hasSize(42).startsWith(0).endsWith(41);
        for (HttpResponse<String> r : limited) {
            JsonNode error = JSON.readTree(r.body()).path("error");
            assertThat(error.path("type").asString()).isEqualTo("rate_limit_error");
            assertThat(error.path("code").asString()).isEqualTo("rate_limit_exceeded");
            assertThat(error.path("message").asString()).contains("42 requests per minute");
            assertThat(header(r, "retry-after")).isEqualTo("43"); // 42.5 s left in the minute, rounded up
            assertThat(header(r, "x-ratelimit-limit-requests")).isEqualTo("42");
            assertThat(header(r, "x-ratelimit-remaining-requests")).isEqualTo("0");
            assertThat(header(r, "x-ratelimit-reset-requests")).isEqualTo("43s");
        }

        CLOCK.advance(Duration.ofSeconds(42));
        assertThat(chat(MASTER, "gpt-4o-mini", "").statusCode()).as("0.5 s before the reset").isEqualTo(429);
        CLOCK.advance(Duration.ofMillis(500));
        HttpResponse<String> after = chat(MASTER, "gpt-4o-mini", "");
        assertThat(after.statusCode()).as("after Retry-After").isEqualTo(200);
        assertThat(header(after, "x-ratelimit-remaining-requests")).isEqualTo("41");
    }

    @Test
    void aDeploymentAtItsLimit_makesRoutingPreferTheNextOne() {
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = chat(MASTER, "gpt-4.1", "");
            assertThat(header(r, "x-tollgate-provider")).isEqualTo("busy");
        }
        HttpResponse<String> third = chat(MASTER, "gpt-4.1", "");
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(header(third, "x-tollgate-provider")).isEqualTo("spare");
        assertThat(header(third, "x-tollgate-routing-reason")).isEqualTo("rate limit: busy at its limit, tried spare");
        assertThat(gateway.event(header(third, "x-tollgate-request-id")).provider()).isEqualTo("spare");

        CLOCK.advance(Duration.ofSeconds(43));
        assertThat(header(chat(MASTER, "gpt-4.1", ""), "x-tollgate-provider")).as("busy again in the next minute").isEqualTo("busy");
    }

    @Test
    void maxTokensPerRequest_refusesForThatDeployment_andTheNextOneServes_or400WhenNoneCan() {
        HttpResponse<String> fits = chat(MASTER, "gpt-4.1-mini", ",\"max_tokens\":500");
        assertThat(header(fits, "x-tollgate-provider")).isEqualTo("small");
        HttpResponse<String> larger = chat(MASTER, "gpt-4.1-mini", ",\"max_tokens\":5000");
        assertThat(larger.statusCode()).isEqualTo(200);
        assertThat(header(larger, "x-tollgate-provider")).isEqualTo("large");

        int before = upstream.requestCount();
        HttpResponse<String> tooLarge = chat(MASTER, "gpt-4.1-nano", ",\"max_tokens\":5000");
        assertThat(tooLarge.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(tooLarge.body()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("max_tokens_per_request_exceeded");
        assertThat(error.path("param").asString()).isEqualTo("max_tokens");
        assertThat(error.path("message").asString()).contains("at most 500 per request");
        assertThat(upstream.requestCount()).isEqualTo(before);
    }

    @Test
    void perKeyRpm_setAtCreation_changedByPatch_andTheConfiguredDefaultForOtherKeys() {
        JsonNode created = JSON.readTree(gateway.post("/governance/api-keys",
                "{\"name\":\"limited\",\"limits\":{\"rpm\":3}}", "Authorization", "Bearer " + MASTER).body());
        assertThat(created.path("limits").path("rpm").asLong()).isEqualTo(3);
        String key = created.path("key").asString();
        for (int i = 0; i < 3; i++) {
            assertThat(chat(key, "gpt-4o-mini", "").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> refused = chat(key, "gpt-4o-mini", "");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(refused.body()).path("error").path("message").asString()).contains("3 requests per minute");
        assertThat(header(refused, "x-ratelimit-limit-requests")).isEqualTo("3");
        assertThat(header(refused, "retry-after")).isEqualTo("43");

        HttpResponse<String> patched = gateway.send("PATCH", "/governance/api-keys/" + created.path("id").asString(),
                "{\"limits\":{\"rpm\":5}}", "Authorization", "Bearer " + MASTER);
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(patched.body()).path("limits").path("rpm").asLong()).isEqualTo(5);
        assertThat(chat(key, "gpt-4o-mini", "").statusCode()).isEqualTo(200);
        assertThat(chat(key, "gpt-4o-mini", "").statusCode()).isEqualTo(200);
        assertThat(chat(key, "gpt-4o-mini", "").statusCode()).isEqualTo(429);

        String plain = JSON.readTree(gateway.post("/governance/api-keys", "{\"name\":\"plain\"}", "Authorization", "Bearer " + MASTER)
                .body()).path("key").asString();
        for (int i = 0; i < 4; i++) {
            assertThat(chat(plain, "gpt-4o-mini", "").statusCode()).isEqualTo(200);
        }
        assertThat(chat(plain, "gpt-4o-mini", "").statusCode()).as("default_key rpm 4").isEqualTo(429);
    }

    @Test
    void perKeyTpm_reservesTheWorstCase_andSettlesToTheBilledTokens() {
        String key = JSON.readTree(gateway.post("/governance/api-keys", "{\"name\":\"tokens\",\"limits\":{\"rpm\":100,\"tpm\":400}}",
                "Authorization", "Bearer " + MASTER).body()).path("key").asString();
        HttpResponse<String> first = chat(key, "gpt-4o-mini", ",\"max_tokens\":100");
        HttpResponse<String> second = chat(key, "gpt-4o-mini", ",\"max_tokens\":100");
        assertThat(header(first, "x-ratelimit-limit-tokens")).isEqualTo("400");
        long r1 = Long.parseLong(header(first, "x-ratelimit-remaining-tokens"));
        long r2 = Long.parseLong(header(second, "x-ratelimit-remaining-tokens"));
        assertThat(r1 - r2).as("the first call settled to its billed 19 + 10 tokens").isEqualTo(29);

        HttpResponse<String> streamed = chat(key, "gpt-4o-mini", ",\"max_tokens\":100,\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        assertThat(streamed.statusCode()).isEqualTo(200);
        HttpResponse<String> after = chat(key, "gpt-4o-mini", ",\"max_tokens\":100");
        assertThat(r2 - Long.parseLong(header(after, "x-ratelimit-remaining-tokens"))).as("two more calls of 29 tokens each").isEqualTo(58);

        HttpResponse<String> huge = chat(key, "gpt-4o-mini", ",\"max_tokens\":1000");
        assertThat(huge.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(huge.body()).path("error").path("message").asString()).contains("400 tokens per minute");
    }

    @Test
    void deploymentTpm_settlesToTheTokensTheServingDeploymentBilled() {
        HttpResponse<String> first = chat(MASTER, "gpt-4o", ",\"max_tokens\":200");
        HttpResponse<String> second = chat(MASTER, "gpt-4o", ",\"max_tokens\":200");
        assertThat(header(first, "x-tollgate-provider")).isEqualTo("metered");
        assertThat(header(first, "x-ratelimit-limit-tokens")).isEqualTo("10000");
        assertThat(header(first, "x-ratelimit-reset-tokens")).isEqualTo("43s");
        long r1 = Long.parseLong(header(first, "x-ratelimit-remaining-tokens"));
        long r2 = Long.parseLong(header(second, "x-ratelimit-remaining-tokens"));
        assertThat(r1 - r2).as("the first call settled to its billed 19 + 10 tokens").isEqualTo(29);
    }

    @Test
    void aStreamCutMidWay_settlesTheKeysTokensToWhatWasBilled() {
        String key = JSON.readTree(gateway.post("/governance/api-keys", "{\"name\":\"cut\",\"limits\":{\"tpm\":5000}}",
                "Authorization", "Bearer " + MASTER).body()).path("key").asString();
        upstream.enqueue(MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", List.of("Hello", " there", " friend", " again"), null))
                .withFault(MockResponse.Fault.RESET, 3));
        HttpResponse<String> cut = chat(key, "gpt-4o-mini", ",\"max_tokens\":100,\"stream\":true");
        assertThat(cut.body()).contains("upstream_stream_failed");
        long billed = gateway.event(header(cut, "x-tollgate-request-id")).usage().totalTokens();
        assertThat(billed).isPositive();
        HttpResponse<String> next = chat(key, "gpt-4o-mini", ",\"max_tokens\":100,\"stream\":true");
        long r1 = Long.parseLong(header(cut, "x-ratelimit-remaining-tokens"));
        long r2 = Long.parseLong(header(next, "x-ratelimit-remaining-tokens"));
        assertThat(r1 - r2).as("the cut stream settled to its billed tokens").isEqualTo(billed);
    }

    @Test
    void theOpenAiSdk_seesARateLimitException_withRetryAfterAndTheRateLimitHeaders() {
        String key = JSON.readTree(gateway.post("/governance/api-keys", "{\"name\":\"sdk\",\"limits\":{\"rpm\":1}}",
                "Authorization", "Bearer " + MASTER).body()).path("key").asString();
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
        try {
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("hi").build();
            var raw = client.chat().completions().withRawResponse().create(params);
            assertThat(raw.statusCode()).isEqualTo(200);
            assertThat(raw.headers().values("x-ratelimit-limit-requests")).containsExactly("1");
            assertThat(raw.headers().values("x-ratelimit-remaining-requests")).containsExactly("0");
            assertThat(raw.parse().choices()).hasSize(1);
            assertThatThrownBy(() -> client.chat().completions().create(params))
                    .isInstanceOfSatisfying(RateLimitException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(429);
                        assertThat(e.headers().values("retry-after")).containsExactly("43");
                        assertThat(e.headers().values("x-ratelimit-reset-requests")).containsExactly("43s");
                        assertThat(e.code()).contains("rate_limit_exceeded");
                        assertThat(e.type()).contains("rate_limit_error");
                    });
        } finally {
            client.close();
        }
    }

    @Test
    void badLimitsInTheKeyApi_get400() {
        HttpResponse<String> r = gateway.post("/governance/api-keys", "{\"name\":\"x\",\"limits\":{\"rpm\":-1}}",
                "Authorization", "Bearer " + MASTER);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").path("param").asString()).isEqualTo("limits.rpm");
        HttpResponse<String> unknown = gateway.post("/governance/api-keys", "{\"name\":\"x\",\"limits\":{\"rps\":1}}",
                "Authorization", "Bearer " + MASTER);
        assertThat(unknown.statusCode()).isEqualTo(400);
    }
}
