package dev.tollgate.policy.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two orgs whose callers use the same agent name: a {@code *} rule keeps one counter per org, a refusal
 * and the status API show only the caller's own usage, and a rule marked {@code global: true} is shared.
 */
class PerOrgBudgetTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-master-per-org";

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-master-per-org
            providers:
              - {name: sim, kind: simulated, simulated: {first_token_ms: 0, inter_token_ms: 0}}
            budgets:
              - {name: per-agent, scope: {agent: "*"}, metric: requests, period: day, limit: 2}
              - {name: shared-feature, scope: {feature: "*"}, global: true, metric: requests, period: day, limit: 3}
            """);

    static String acme;
    static String globex;

    @BeforeAll
    static void twoOrgs() {
        assertThat(post("/governance/orgs", "{\"id\":\"acme\",\"name\":\"Acme\"}", MASTER).statusCode()).isEqualTo(200);
        assertThat(post("/governance/orgs", "{\"id\":\"globex\",\"name\":\"Globex\"}", MASTER).statusCode()).isEqualTo(200);
        acme = key("acme");
        globex = key("globex");
    }

    @Test
    void anAgentNameSharedByTwoOrgs_hasOneCounterPerOrg_andARefusalShowsOnlyTheCallersUsage() {
        for (int i = 0; i < 2; i++) {
            assertThat(chat(globex, "shared", null).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> refusedGlobex = chat(globex, "shared", null);
        HttpResponse<String> first = chat(acme, "shared", null);
        HttpResponse<String> second = chat(acme, "shared", null);
        HttpResponse<String> refusedAcme = chat(acme, "shared", null);

        assertThat(refusedGlobex.statusCode()).isEqualTo(429);
        assertThat(first.statusCode()).as("globex's calls do not count for acme").isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(refusedAcme.statusCode()).isEqualTo(429);
        String message = JSON.readTree(refusedAcme.body()).path("error").path("message").asString();
        assertThat(message).contains("(agent shared)").contains(": 2 requests of 2 requests used today").doesNotContain("globex");
        JsonNode status = JSON.readTree(gateway.get("/api/token-usage/provider-status/shared", "Authorization", "Bearer " + acme).body());
        assertThat(status.path("providers")).singleElement().satisfies(p -> {
            assertThat(p.path("used").asLong()).isEqualTo(2);
            assertThat(p.path("scope").path("org").asString()).isEqualTo("acme");
        });
        JsonNode all = JSON.readTree(gateway.get("/api/token-usage/provider-status/shared", "Authorization", "Bearer " + MASTER).body());
        assertThat(all.path("providers").findValuesAsString("org")).contains("acme", "globex");
    }

    @Test
    void aRuleMarkedGlobal_sharesItsCountersAcrossOrgs() {
        assertThat(chat(globex, "g-1", "common").statusCode()).isEqualTo(200);
        assertThat(chat(globex, "g-2", "common").statusCode()).isEqualTo(200);
        assertThat(chat(acme, "g-3", "common").statusCode()).isEqualTo(200);

        HttpResponse<String> refused = chat(acme, "g-4", "common");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("shared-feature");
    }

    @Test
    void emergencyAndProviderStatus_honourOrgId_likeTheOtherReads() {
        assertThat(chat(acme, "status-agent", null).statusCode()).isEqualTo(200);
        assertThat(chat(globex, "status-agent", null).statusCode()).isEqualTo(200);
        // The status reads come from the ledger, which stores in batches: the calls of the tests before this one
        // (and these) must be in it, or a late one lands between two reads.
        gateway.ledger().flush();

        for (String path : List.of("/api/token-usage/emergency-status", "/api/token-usage/provider-status",
                "/api/token-usage/provider-status/status-agent")) {
            HttpResponse<String> other = gateway.get(path + "?org_id=globex", "Authorization", "Bearer " + acme);
            assertThat(other.statusCode()).as(path).isEqualTo(403);
            assertThat(other.body()).contains("org_not_allowed");
            assertThat(gateway.get(path + "?org_id=acme", "Authorization", "Bearer " + acme).statusCode()).as(path).isEqualTo(200);
        }
        JsonNode own = json("/api/token-usage/emergency-status", acme);
        JsonNode asAcme = json("/api/token-usage/emergency-status?org_id=acme", MASTER);
        JsonNode everyone = json("/api/token-usage/emergency-status", MASTER);
        assertThat(asAcme.path("usage").path("requests").asLong()).isEqualTo(own.path("usage").path("requests").asLong()).isPositive()
                .isLessThan(everyone.path("usage").path("requests").asLong());
        JsonNode agent = json("/api/token-usage/provider-status/status-agent?org_id=acme", MASTER);
        assertThat(agent.path("providers").findValuesAsString("org")).containsExactly("acme");
        JsonNode agents = json("/api/token-usage/provider-status?org_id=globex", MASTER);
        assertThat(agents.path("agents").findValuesAsString("org")).isNotEmpty().containsOnly("globex");
    }

    private static JsonNode json(String path, String key) {
        HttpResponse<String> r = gateway.get(path, "Authorization", "Bearer " + key);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String key(String org) {
        HttpResponse<String> r = post("/governance/api-keys", "{\"org_id\":\"" + org + "\",\"name\":\"k\",\"scopes\":[\"infer\",\"analytics\"]}", MASTER);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("key").asString();
    }

    private static HttpResponse<String> chat(String key, String agent, String feature) {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return feature == null
                ? gateway.post("/v1/chat/completions", body, "Authorization", "Bearer " + key, "X-Tollgate-Agent", agent)
                : gateway.post("/v1/chat/completions", body, "Authorization", "Bearer " + key, "X-Tollgate-Agent", agent,
                        "X-Tollgate-Feature", feature);
    }

    private static HttpResponse<String> post(String path, String body, String key) {
        return gateway.post(path, body, "Authorization", "Bearer " + key);
    }
}
