package dev.tollgate.api.responses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.FakeClock;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /v1/responses} gets what every proxied route gets: one usage event in the ledger, the
 * {@code x-tollgate-*} headers, budget and rate-limit refusals (in OpenAI's error shape) and the exact
 * cache. On a fake clock, so rate-limit windows are the test's own.
 */
class ResponsesPoliciesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-tollgate-test";
    static final FakeClock CLOCK = new FakeClock(Instant.parse("2026-11-23T12:00:17.500Z"));

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-tollgate-test
            providers:
              - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-upstream-secret, responses_api: translate}
            budgets:
              - {name: one-gpt-4o, scope: {model: gpt-4o}, metric: requests, period: day, limit: 1}
            cache:
              exact: {enabled: true}
            """).env("UPSTREAM", () -> upstream.baseUrl().toString()).clock(CLOCK);

    @BeforeEach
    void freshMinute() {
        CLOCK.set(CLOCK.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofSeconds(60 + 17)).plusMillis(500));
    }

    private static HttpResponse<String> create(String key, String model, String input, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "authorization";
        all[1] = "Bearer " + key;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return gateway.post("/v1/responses", "{\"model\":\"" + model + "\",\"input\":\"" + input + "\"}", all);
    }

    @Test
    void aResponse_isOneUsageEvent_withTheTollgateHeaders() {
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "Paris.", new Usage(1000, 20, 200, 0, false))));

        HttpResponse<String> r = create(MASTER, "gpt-4o-mini", "Capital of France?", "X-Tollgate-Agent", "imperium",
                "X-Tollgate-Feature", "geo");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-tollgate-provider")).contains("openai");
        assertThat(r.headers().firstValue("x-tollgate-model")).contains("gpt-4o-mini");
        assertThat(r.headers().firstValue("x-tollgate-cache")).contains("miss");
        assertThat(r.headers().firstValue("x-tollgate-routing-reason")).hasValueSatisfying(v -> assertThat(v).contains("explicit"));
        UsageEvent event = gateway.event(r.headers().firstValue("x-tollgate-request-id").orElseThrow());
        assertThat(event.usage()).isEqualTo(new Usage(1000, 20, 200, 0, false));
        assertThat(event.status()).isEqualTo(200);
        assertThat(List.of(event.agent(), event.feature(), event.provider(), event.model())).containsExactly("imperium", "geo", "openai", "gpt-4o-mini");
        assertThat(event.priceKnown()).isTrue();
        assertThat(event.costUsd()).isPositive();
        assertThat(Double.parseDouble(r.headers().firstValue("x-tollgate-cost-usd").orElseThrow())).isCloseTo(event.costUsd(),
                org.assertj.core.data.Offset.offset(1e-8));
        assertThat(JSON.readTree(r.body()).at("/usage/input_tokens_details/cached_tokens").asLong()).isEqualTo(200);
    }

    @Test
    void anExhaustedBudget_refusesInOpenAisShape_beforeTheUpstream() {
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o", "One.", new Usage(10, 2, 0, 0, false))));
        assertThat(create(MASTER, "gpt-4o", "First").statusCode()).isEqualTo(200);
        int calls = upstream.requestCount();

        HttpResponse<String> refused = create(MASTER, "gpt-4o", "Second");

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        JsonNode error = JSON.readTree(refused.body()).get("error");
        assertThat(error.get("code").asString()).isEqualTo("budget_exceeded");
        assertThat(error.get("message").asString()).contains("one-gpt-4o");
        assertThat(upstream.requestCount()).isEqualTo(calls);
        assertThat(gateway.event(refused.headers().firstValue("x-tollgate-request-id").orElseThrow()).status()).isEqualTo(429);
    }

    @Test
    void aKeysRateLimit_refusesWithRetryAfter() {
        String key = JSON.readTree(gateway.post("/governance/api-keys", "{\"name\":\"rpm1\",\"limits\":{\"rpm\":1}}",
                "authorization", "Bearer " + MASTER).body()).path("key").asString();
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "Hi.", new Usage(5, 1, 0, 0, false))));
        HttpResponse<String> first = create(key, "gpt-4o-mini", "Hi");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).contains("0");

        HttpResponse<String> refused = create(key, "gpt-4o-mini", "Again");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(refused.body()).at("/error/code").asString()).isEqualTo("rate_limit_exceeded");
        assertThat(refused.headers().firstValue("retry-after")).contains("43");
    }

    @Test
    void aRepeatedRequest_isAnsweredFromTheExactCache_asAResponse() {
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "Cached answer.", new Usage(30, 3, 0, 0, false))));
        HttpResponse<String> first = create(MASTER, "gpt-4o-mini", "Say something cacheable");
        int calls = upstream.requestCount();

        HttpResponse<String> second = create(MASTER, "gpt-4o-mini", "Say something cacheable");

        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("x-tollgate-cache")).contains("exact");
        assertThat(upstream.requestCount()).isEqualTo(calls);
        JsonNode a = JSON.readTree(first.body());
        JsonNode b = JSON.readTree(second.body());
        assertThat(b.at("/output/0/content/0/text").asString()).isEqualTo("Cached answer.");
        assertThat(b.get("id").asString()).as("a replayed answer is a response of its own").isNotEqualTo(a.get("id").asString());
        assertThat(gateway.event(second.headers().firstValue("x-tollgate-request-id").orElseThrow()).usage().totalTokens()).isZero();
    }
}
