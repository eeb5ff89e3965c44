package dev.tollgate.policy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The semantic tier through HTTP, with the semantic module (tollgate-semantic) on the class path as {@code serve}
 * has it: a rewording of a stored prompt is answered from the cache ({@code x-tollgate-cache: semantic} with its
 * similarity), plain or streamed; prompts that differ in a number, a negation, a language or a name miss; no hit
 * crosses orgs or conversations; invalidation empties it.
 */
class SemanticCacheTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-tollgate-master";

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-tollgate-master
            providers:
              - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-up}
            cache:
              semantic: {enabled: true}
            """).env("UPSTREAM", () -> upstream.baseUrl().toString());

    static String acme;
    static String globex;
    static String acmeAdmin;

    @BeforeAll
    static void orgsAndTheIndex() {
        for (String org : List.of("acme", "globex")) {
            gateway.post("/governance/orgs", "{\"id\":\"" + org + "\",\"name\":\"" + org + "\"}", "Authorization", "Bearer " + MASTER);
        }
        acme = key("acme", "infer");
        globex = key("globex", "infer");
        acmeAdmin = key("acme", "admin");
        await().atMost(Duration.ofSeconds(90)).until(() -> "ready".equals(state()));
    }

    private static String state() {
        return JSON.readTree(gateway.get("/governance/cache?org_id=acme", "Authorization", "Bearer " + MASTER).body())
                .path("tiers").path("semantic").path("state").asString();
    }

    private static long entries() {
        return JSON.readTree(gateway.get("/governance/cache?org_id=acme", "Authorization", "Bearer " + MASTER).body())
                .path("stores").path("semantic").path("entries").asLong();
    }

    private static String key(String org, String scope) {
        HttpResponse<String> r = gateway.post("/governance/api-keys", "{\"org_id\":\"" + org + "\",\"name\":\"k\",\"scopes\":[\"" + scope + "\"]}",
                "Authorization", "Bearer " + MASTER);
        return JSON.readTree(r.body()).path("key").asString();
    }

    private static HttpResponse<String> chat(String key, String messages, boolean stream) {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":" + messages + (stream ? ",\"stream\":true" : "") + "}";
        return gateway.post("/v1/chat/completions", body, "Authorization", "Bearer " + key, "X-Tollgate-Request-Id", "sem-" + UUID.randomUUID());
    }

    private static String user(String prompt) {
        return "[{\"role\":\"user\",\"content\":" + JSON.writeValueAsString(prompt) + "}]";
    }

    /** Asks {@code prompt} once, answered {@code answer} by the upstream, and waits until the index holds it. */
    private static void stored(String key, String messages, String answer) {
        long before = entries();
        upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", answer, OpenAiFixtures.DEFAULT_USAGE)));
        HttpResponse<String> miss = chat(key, messages, false);
        assertThat(miss.headers().firstValue("x-tollgate-cache")).contains("miss");
        await().atMost(Duration.ofSeconds(30)).until(() -> entries() > before);
    }

    private static String cache(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("x-tollgate-cache").orElseThrow();
    }

    private static String text(HttpResponse<String> r) {
        return JSON.readTree(r.body()).path("choices").path(0).path("message").path("content").asString();
    }

    @Test
    void aRewording_isAnsweredFromTheCache_withItsSimilarity_plainAndStreamed() {
        stored(acme, user("How do I reset my password?"), "Open Settings, then Security, then Reset password.");
        int before = upstream.requestCount();

        HttpResponse<String> plain = chat(acme, user("How can I reset my password?"), false);
        HttpResponse<String> streamed = chat(acme, user("how do i reset my password"), true);

        assertThat(upstream.requestCount()).isEqualTo(before);
        assertThat(cache(plain)).isEqualTo("semantic");
        assertThat(text(plain)).isEqualTo("Open Settings, then Security, then Reset password.");
        double similarity = Double.parseDouble(plain.headers().firstValue("x-tollgate-cache-similarity").orElseThrow());
        assertThat(similarity).isBetween(0.8, 1.0);
        assertThat(cache(streamed)).isEqualTo("semantic");
        assertThat(streamed.body()).contains("Open Settings, then Security, then Reset password.").endsWith("data: [DONE]\n\n");
        String requestId = plain.headers().firstValue("x-tollgate-request-id").orElseThrow();
        UsageEvent event = gateway.event(requestId);
        assertThat(event.cacheTier()).isEqualTo("semantic");
        assertThat(event.usage().totalTokens()).isZero();
        assertThat(event.savedUsd()).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a number  | Convert 5 miles to kilometres.          | Convert 10 miles to kilometres.",
            "negation  | Is Rust garbage collected?              | Is Rust not garbage collected?",
            "language  | What time does the museum open?         | ¿A qué hora abre el museo?",
            "an entity | What is the capital of France?          | What is the capital of Germany?",
            "opposites | How do I enable two-factor login?       | How do I disable two-factor login?"})
    void promptsThatDifferInWhatMatters_neverHit(String what, String stored, String asked) {
        stored(acme, user(stored), "An answer to: " + stored);

        HttpResponse<String> other = chat(acme, user(asked), false);

        assertThat(cache(other)).as(what).isEqualTo("miss");
    }

    @Test
    void noHitCrossesOrgs_orConversations() {
        stored(acme, user("What are your support hours?"), "Nine to five, Monday to Friday.");
        String france = "[{\"role\":\"user\",\"content\":\"Tell me about France.\"},{\"role\":\"assistant\",\"content\":\"France is in Europe.\"},"
                + "{\"role\":\"user\",\"content\":\"What is its population?\"}]";
        String japan = france.replace("France", "Japan").replace("in Europe", "in Asia");
        stored(acme, france, "About 68 million.");

        assertThat(cache(chat(globex, user("What are your support hours?"), false))).isEqualTo("miss");
        assertThat(cache(chat(globex, user("What are the support hours?"), false))).isEqualTo("miss");
        assertThat(cache(chat(acme, japan, false))).isEqualTo("miss");
        assertThat(cache(chat(acme, france, false))).isEqualTo("semantic");
    }

    @Test
    void invalidation_emptiesTheSemanticTierOfTheOrg() {
        stored(acme, user("Where can I download my invoices?"), "Under Billing, Invoices.");
        assertThat(cache(chat(acme, user("Where do I download my invoices?"), false))).isEqualTo("semantic");

        HttpResponse<String> deleted = gateway.send("DELETE", "/governance/cache", "", "Authorization", "Bearer " + acmeAdmin);
        JsonNode removed = JSON.readTree(deleted.body()).path("removed");

        assertThat(removed.path("semantic").asLong()).isPositive();
        assertThat(cache(chat(acme, user("Where do I download my invoices?"), false))).isEqualTo("miss");
    }
}
