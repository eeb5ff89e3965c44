package dev.tollgate.policy.cache;

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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cache's controls over real HTTP, on a fake clock: {@code X-Tollgate-Cache} ({@code no-cache}, {@code no-store},
 * {@code ttl=N}) and bad values of it and of the workflow headers (400 in the caller's dialect, no upstream call),
 * the tiers' time to live, {@code DELETE /governance/cache} per org and model (scopes, audit), tenant isolation of
 * the exact and workflow tiers, the workflow tier itself, a cut stream that never fills, and the accounting: hits
 * count against the key's rpm but not against budgets, and analytics report them per tier.
 */
class CacheControlsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-tollgate-master";
    static final FakeClock CLOCK = new FakeClock(Instant.parse("2026-03-10T09:00:00Z"));

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-tollgate-master
            providers:
              - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-up}
            budgets:
              - {name: one-a-day, scope: {org: budgeted}, metric: requests, period: day, limit: 1}
            cache:
              exact: {enabled: true, ttl_seconds: 60}
              workflow: {ttl_seconds: 300}
            """).env("UPSTREAM", () -> upstream.baseUrl().toString()).clock(CLOCK);

    static String acme;
    static String acmeAdmin;
    static String globex;
    static String budgeted;

    @BeforeAll
    static void orgsAndKeys() {
        for (String org : List.of("acme", "globex", "budgeted", "limited")) {
            assertThat(gateway.post("/governance/orgs", "{\"id\":\"" + org + "\",\"name\":\"" + org + "\"}", "Authorization", "Bearer " + MASTER)
                    .statusCode()).isEqualTo(200);
        }
        acme = key("acme", "[\"infer\",\"analytics\"]", "");
        acmeAdmin = key("acme", "[\"admin\"]", "");
        globex = key("globex", "[\"infer\"]", "");
        budgeted = key("budgeted", "[\"infer\"]", "");
    }

    private static String key(String org, String scopes, String extra) {
        HttpResponse<String> r = gateway.post("/governance/api-keys", "{\"org_id\":\"" + org + "\",\"name\":\"k\",\"scopes\":" + scopes + extra + "}",
                "Authorization", "Bearer " + MASTER);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("key").asString();
    }

    private static String unique(String prompt) {
        return prompt + " [" + UUID.randomUUID() + "]";
    }

    private static String body(String model, String prompt, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":" + JSON.writeValueAsString(prompt) + "}]" + extra + "}";
    }

    /** One chat call; {@code headers} as name, value pairs. */
    private static HttpResponse<String> chat(String key, String model, String prompt, String extra, String... headers) {
        List<String> all = new ArrayList<>(List.of("Authorization", "Bearer " + key));
        all.addAll(List.of(headers));
        return gateway.post("/v1/chat/completions", body(model, prompt, extra), all.toArray(String[]::new));
    }

    private static String cache(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("x-tollgate-cache").orElseThrow();
    }

    private static String text(HttpResponse<String> r) {
        return JSON.readTree(r.body()).path("choices").path(0).path("message").path("content").asString();
    }

    private static void answers(String... texts) {
        for (String t : texts) {
            upstream.enqueue(MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", t, new Usage(10, 3, 0, 0, false))));
        }
    }

    // ---------------------------------------------------------------- X-Tollgate-Cache

    @Test
    void noCache_skipsTheLookup_butStoresTheFreshAnswer() {
        String prompt = unique("Tell me a fact.");
        answers("first", "second");
        int before = upstream.requestCount();

        assertThat(cache(chat(acme, "gpt-4o-mini", prompt, ""))).isEqualTo("miss");
        HttpResponse<String> fresh = chat(acme, "gpt-4o-mini", prompt, "", "X-Tollgate-Cache", "no-cache");
        HttpResponse<String> after = chat(acme, "gpt-4o-mini", prompt, "");

        assertThat(cache(fresh)).isEqualTo("miss");
        assertThat(text(fresh)).isEqualTo("second");
        assertThat(cache(after)).isEqualTo("exact");
        assertThat(text(after)).isEqualTo("second");
        assertThat(upstream.requestCount()).isEqualTo(before + 2);
    }

    @Test
    void noStore_neitherLooksUpNorStores() {
        String prompt = unique("Tell me another fact.");
        answers("kept out", "stored", "fresh");
        int before = upstream.requestCount();

        assertThat(text(chat(acme, "gpt-4o-mini", prompt, "", "X-Tollgate-Cache", "no-store"))).isEqualTo("kept out");
        assertThat(cache(chat(acme, "gpt-4o-mini", prompt, ""))).isEqualTo("miss");
        HttpResponse<String> bypass = chat(acme, "gpt-4o-mini", prompt, "", "X-Tollgate-Cache", "No-Store");
        HttpResponse<String> hit = chat(acme, "gpt-4o-mini", prompt, "");

        assertThat(cache(bypass)).isEqualTo("miss");
        assertThat(text(bypass)).isEqualTo("fresh");
        assertThat(cache(hit)).isEqualTo("exact");
        assertThat(text(hit)).isEqualTo("stored");
        assertThat(upstream.requestCount()).isEqualTo(before + 3);
    }

    @Test
    void entriesLiveForTheTiersTtl_orTheTtlTheCallAskedFor() {
        String tierTtl = unique("A question kept for the tier's minute.");
        String ownTtl = unique("A question kept for five seconds.");
        chat(acme, "gpt-4o-mini", tierTtl, "");
        chat(acme, "gpt-4o-mini", ownTtl, "", "X-Tollgate-Cache", "ttl=5");

        CLOCK.advance(Duration.ofSeconds(4));
        assertThat(cache(chat(acme, "gpt-4o-mini", ownTtl, ""))).isEqualTo("exact");
        CLOCK.advance(Duration.ofSeconds(2));
        assertThat(cache(chat(acme, "gpt-4o-mini", ownTtl, ""))).isEqualTo("miss");
        CLOCK.advance(Duration.ofSeconds(53));
        assertThat(cache(chat(acme, "gpt-4o-mini", tierTtl, ""))).isEqualTo("exact");
        CLOCK.advance(Duration.ofSeconds(2));
        assertThat(cache(chat(acme, "gpt-4o-mini", tierTtl, ""))).isEqualTo("miss");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sometimes", "ttl=0", "ttl=abc", "ttl=99999999999", "no-cache, maybe"})
    void aBadCacheHeader_is400NamingIt_inEitherDialect_andNoUpstreamCall(String value) {
        int before = upstream.requestCount();
        HttpResponse<String> openAi = chat(acme, "gpt-4o-mini", "Hi", "", "X-Tollgate-Cache", value);
        HttpResponse<String> anthropic = gateway.post("/v1/messages",
                "{\"model\":\"gpt-4o-mini\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                "x-api-key", acme, "X-Tollgate-Cache", value);

        assertThat(openAi.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(openAi.body()).path("error");
        assertThat(error.path("param").asString()).isEqualTo("X-Tollgate-Cache");
        assertThat(error.path("message").asString()).startsWith("X-Tollgate-Cache: '").contains("expected: no-cache, no-store or ttl=N");
        assertThat(anthropic.statusCode()).isEqualTo(400);
        JsonNode anthropicError = JSON.readTree(anthropic.body());
        assertThat(anthropicError.path("type").asString()).isEqualTo("error");
        assertThat(anthropicError.path("error").path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(anthropicError.path("error").path("message").asString()).startsWith("X-Tollgate-Cache:");
        assertThat(upstream.requestCount()).isEqualTo(before);
    }

    @Test
    void badWorkflowHeaders_are400NamingThem() {
        HttpResponse<String> stepOnly = chat(acme, "gpt-4o-mini", "Hi", "", "X-Tollgate-Step", "1");
        HttpResponse<String> taskOnly = chat(acme, "gpt-4o-mini", "Hi", "", "X-Tollgate-Task", "t-1");
        HttpResponse<String> badTask = chat(acme, "gpt-4o-mini", "Hi", "", "X-Tollgate-Task", "a task with spaces", "X-Tollgate-Step", "1");

        assertThat(JSON.readTree(stepOnly.body()).path("error").path("param").asString()).isEqualTo("X-Tollgate-Task");
        assertThat(JSON.readTree(taskOnly.body()).path("error").path("param").asString()).isEqualTo("X-Tollgate-Step");
        assertThat(JSON.readTree(badTask.body()).path("error").path("message").asString())
                .isEqualTo("X-Tollgate-Task: 'a task with spaces' (expected: 1 to 128 letters, digits or '.', '_', ':', '-')");
        assertThat(List.of(stepOnly.statusCode(), taskOnly.statusCode(), badTask.statusCode())).containsOnly(400);
    }

    @Test
    void fieldsThatDoNotChangeTheAnswer_hit_fieldsThatDo_miss() {
        String prompt = unique("Summarise the plot of Hamlet.");
        chat(acme, "gpt-4o-mini", prompt, ",\"temperature\":0.2");

        assertThat(cache(chat(acme, "gpt-4o-mini", prompt, ",\"temperature\":0.2,\"user\":\"alice\",\"metadata\":{\"t\":\"1\"}"))).isEqualTo("exact");
        assertThat(cache(chat(acme, "gpt-4o-mini", prompt, ",\"temperature\":0.3"))).isEqualTo("miss");
        assertThat(cache(chat(acme, "gpt-4o", prompt, ",\"temperature\":0.2"))).isEqualTo("miss");
        assertThat(cache(chat(acme, "gpt-4o-mini", prompt, ",\"temperature\":0.2,\"n\":2"))).isEqualTo("miss");
        assertThat(cache(chat(acme, "gpt-4o-mini", prompt, ",\"temperature\":0.2,\"n\":2"))).as("n > 1 is never cached").isEqualTo("miss");
    }

    // ---------------------------------------------------------------- tenants, workflow, invalidation

    @Test
    void theSamePrompt_fromTwoOrgs_neverHitsAcrossThem_exactAndWorkflow() {
        String prompt = unique("What is our refund policy?");
        answers("acme's answer", "globex's answer", "acme's step", "globex's step");

        HttpResponse<String> a1 = chat(acme, "gpt-4o-mini", prompt, "");
        HttpResponse<String> b1 = chat(globex, "gpt-4o-mini", prompt, "");
        HttpResponse<String> a2 = chat(acme, "gpt-4o-mini", prompt, "");
        HttpResponse<String> b2 = chat(globex, "gpt-4o-mini", prompt, "");
        String[] step = {"X-Tollgate-Task", "run-1", "X-Tollgate-Step", "plan"};
        HttpResponse<String> aw1 = chat(acme, "gpt-4o-mini", prompt, "", step);
        HttpResponse<String> bw1 = chat(globex, "gpt-4o-mini", prompt, "", step);
        HttpResponse<String> bw2 = chat(globex, "gpt-4o-mini", prompt, "", step);

        assertThat(List.of(cache(a1), cache(b1), cache(a2), cache(b2))).containsExactly("miss", "miss", "exact", "exact");
        assertThat(List.of(text(a2), text(b2))).containsExactly("acme's answer", "globex's answer");
        assertThat(List.of(cache(aw1), cache(bw1), cache(bw2))).containsExactly("miss", "miss", "workflow");
        assertThat(text(bw2)).isEqualTo("globex's step");
    }

    @Test
    void theWorkflowTier_answersTheSameTaskAndStep_whateverModelIsAskedNow_withItsOwnTtl() {
        String prompt = unique("Step 2: list the files to change.");
        answers("the step's answer");
        String[] step = {"X-Tollgate-Task", "agent-run-7", "X-Tollgate-Step", "2"};

        assertThat(cache(chat(acme, "gpt-4o-mini", prompt, "", step))).isEqualTo("miss");
        HttpResponse<String> resumed = chat(acme, "gpt-4o", prompt, "", step);
        HttpResponse<String> otherTask = chat(acme, "gpt-4o-mini", prompt, "", "X-Tollgate-Task", "agent-run-8", "X-Tollgate-Step", "2");
        HttpResponse<String> noTask = chat(acme, "gpt-4o-mini", prompt, "");

        assertThat(cache(resumed)).isEqualTo("workflow");
        assertThat(text(resumed)).isEqualTo("the step's answer");
        assertThat(resumed.headers().firstValue("x-tollgate-model")).contains("gpt-4o-mini");
        assertThat(cache(otherTask)).isEqualTo("miss");
        assertThat(cache(noTask)).as("workflow steps are kept in the workflow tier only").isEqualTo("miss");
        CLOCK.advance(Duration.ofSeconds(299));
        assertThat(cache(chat(acme, "gpt-4o-mini", prompt, "", step))).isEqualTo("workflow");
        CLOCK.advance(Duration.ofSeconds(2));
        assertThat(cache(chat(acme, "gpt-4o-mini", prompt, "", step))).isEqualTo("miss");
    }

    @Test
    void deleteGovernanceCache_removesOneOrgsEntries_optionallyOneModels_auditLogged() {
        String prompt = unique("Which plan am I on?");
        chat(acme, "gpt-4o-mini", prompt, "");
        chat(acme, "gpt-4o", prompt, "");
        chat(acme, "gpt-4o-mini", prompt, "", "X-Tollgate-Task", "t-9", "X-Tollgate-Step", "1");
        chat(globex, "gpt-4o-mini", prompt, "");

        HttpResponse<String> oneModel = gateway.send("DELETE", "/governance/cache?model=gpt-4o", "", "Authorization", "Bearer " + acmeAdmin);
        assertThat(oneModel.statusCode()).as(oneModel.body()).isEqualTo(200);
        assertThat(JSON.readTree(oneModel.body()).path("removed").path("exact_and_workflow").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(cache(chat(acme, "gpt-4o", prompt, ""))).isEqualTo("miss");
        assertThat(cache(chat(acme, "gpt-4o-mini", prompt, ""))).isEqualTo("exact");

        HttpResponse<String> all = gateway.send("DELETE", "/governance/cache", "", "Authorization", "Bearer " + acmeAdmin);
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(all.body()).path("org_id").asString()).isEqualTo("acme");
        assertThat(cache(chat(acme, "gpt-4o-mini", prompt, ""))).isEqualTo("miss");
        assertThat(cache(chat(acme, "gpt-4o-mini", prompt, "", "X-Tollgate-Task", "t-9", "X-Tollgate-Step", "1"))).isEqualTo("miss");
        assertThat(cache(chat(globex, "gpt-4o-mini", prompt, ""))).as("another org's entries stay").isEqualTo("exact");

        String audit = gateway.get("/governance/audit", "Authorization", "Bearer " + acmeAdmin).body();
        assertThat(audit).contains("cache.invalidate").contains("gpt-4o");
    }

    @Test
    void deleteGovernanceCache_needsTheAdminScope_andItsOwnOrg() {
        assertThat(gateway.send("DELETE", "/governance/cache", "", "Authorization", "Bearer " + acme).statusCode()).isEqualTo(403);
        assertThat(gateway.send("DELETE", "/governance/cache?org_id=globex", "", "Authorization", "Bearer " + acmeAdmin).statusCode())
                .isEqualTo(403);
        HttpResponse<String> master = gateway.send("DELETE", "/governance/cache", "", "Authorization", "Bearer " + MASTER);
        assertThat(master.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(master.body()).path("error").path("param").asString()).isEqualTo("org_id");
        assertThat(gateway.send("DELETE", "/governance/cache", "").statusCode()).isEqualTo(401);
        HttpResponse<String> shown = gateway.get("/governance/cache?org_id=acme", "Authorization", "Bearer " + MASTER);
        JsonNode tiers = JSON.readTree(shown.body()).path("tiers");
        assertThat(tiers.path("exact").path("enabled").asBoolean()).isTrue();
        assertThat(tiers.path("exact").path("ttl_seconds").asLong()).isEqualTo(60);
        assertThat(tiers.path("semantic").path("enabled").asBoolean()).isFalse();
        assertThat(JSON.readTree(shown.body()).path("stores").path("exact_and_workflow").path("entries").asLong()).isPositive();
    }

    @Test
    void aStreamCutMidWay_neverFillsTheCache() {
        String prompt = unique("Stream me something.");
        upstream.enqueue(MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", List.of("a", "b", "c"), new Usage(5, 3, 0, 0, false)))
                .withFault(MockResponse.Fault.RESET, 2));
        int before = upstream.requestCount();

        HttpResponse<String> cut = chat(acme, "gpt-4o-mini", prompt, ",\"stream\":true");
        HttpResponse<String> again = chat(acme, "gpt-4o-mini", prompt, ",\"stream\":true");

        assertThat(cut.body()).contains("upstream_stream_failed");
        assertThat(cache(again)).isEqualTo("miss");
        assertThat(again.body()).endsWith("data: [DONE]\n\n");
        assertThat(upstream.requestCount()).isEqualTo(before + 2);
    }

    // ---------------------------------------------------------------- accounting

    @Test
    void hitsCountAgainstTheKeysRpm() {
        String limited = key("limited", "[\"infer\"]", ",\"limits\":{\"rpm\":3}");
        String prompt = unique("Rate-limited question.");

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(chat(limited, "gpt-4o-mini", prompt, "").statusCode());
        }

        assertThat(statuses).containsExactly(200, 200, 200, 429);
    }

    @Test
    void hitsCountAgainstNoBudget_andABudgetNeverRefusesAHit() {
        String prompt = unique("The one call a day.");

        HttpResponse<String> first = chat(budgeted, "gpt-4o-mini", prompt, "");
        HttpResponse<String> hit = chat(budgeted, "gpt-4o-mini", prompt, "");
        HttpResponse<String> other = chat(budgeted, "gpt-4o-mini", unique("Another call."), "");

        assertThat(cache(first)).isEqualTo("miss");
        assertThat(cache(hit)).isEqualTo("exact");
        assertThat(other.statusCode()).isEqualTo(429);
    }

    @Test
    void analytics_reportHitsAndSavingsPerTier() {
        String analytics = key("globex", "[\"analytics\"]", "");
        String prompt = unique("Analytics question.");
        chat(globex, "gpt-4o-mini", prompt, "");
        chat(globex, "gpt-4o-mini", prompt, "");
        chat(globex, "gpt-4o-mini", prompt, "");
        List<UsageEvent> events = gateway.events().stream().filter(e -> "globex".equals(e.orgId())).toList();
        List<UsageEvent> hits = events.stream().filter(e -> "exact".equals(e.cacheTier())).toList();
        long allHits = events.stream().filter(e -> !"miss".equals(e.cacheTier())).count();
        double saved = hits.stream().mapToDouble(UsageEvent::savedUsd).sum();

        JsonNode summary = JSON.readTree(gateway.get("/analytics/cost-summary?period=30d", "Authorization", "Bearer " + analytics).body());

        assertThat(summary.path("cache_hits").asLong()).isEqualTo(allHits);
        assertThat(hits).hasSizeGreaterThanOrEqualTo(2);
        assertThat(summary.path("cache_tiers").path("exact").path("hits").asLong()).isEqualTo(hits.size());
        assertThat(summary.path("cache_tiers").path("exact").path("savings_usd").asDouble()).isCloseTo(saved, org.assertj.core.data.Offset.offset(1e-7));
        assertThat(summary.path("cache_savings_usd").asDouble()).isPositive();
        long requests = summary.path("requests").asLong() - summary.path("refused_requests").asLong();
        assertThat(summary.path("cache_hit_rate").asDouble()).isCloseTo((double) allHits / requests, org.assertj.core.data.Offset.offset(1e-4));
        JsonNode byModel = JSON.readTree(gateway.get("/analytics/breakdown?by=model&period=30d", "Authorization", "Bearer " + analytics).body());
        assertThat(byModel.path("rows").get(0).path("cache_tiers").path("exact").path("hits").asLong()).isPositive();
    }
}
