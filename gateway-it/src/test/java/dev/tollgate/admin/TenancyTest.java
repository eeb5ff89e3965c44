package dev.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two orgs calling side by side: neither sees the other's events, analytics, keys or audit entries.
 * The reads that count calls run first; the later tests make calls of their own.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenancyTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-master-tenancy";

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-master-tenancy
            providers:
              - {name: sim, kind: simulated, simulated: {first_token_ms: 0, inter_token_ms: 0}}
            """);

    static String aUser;
    static String aAdmin;
    static String bUser;
    static String bAdmin;
    static String bUserId;

    @BeforeAll
    static void twoOrgs() {
        assertThat(post("/governance/orgs", "{\"id\":\"acme\",\"name\":\"Acme\"}", MASTER).statusCode()).isEqualTo(200);
        assertThat(post("/governance/orgs", "{\"id\":\"globex\",\"name\":\"Globex\"}", MASTER).statusCode()).isEqualTo(200);
        aUser = key("acme", "[\"infer\",\"analytics\"]", MASTER);
        aAdmin = key("acme", "[\"admin\"]", MASTER);
        bUser = key("globex", "[\"infer\",\"analytics\"]", MASTER);
        bAdmin = key("globex", "[\"admin\"]", MASTER);
        bUserId = JSON.readTree(get("/governance/api-keys", bAdmin).body()).path("data").get(0).path("id").asString();
        for (int i = 0; i < 3; i++) {
            chat(aUser, "acme-agent", "a-" + i);
        }
        for (int i = 0; i < 5; i++) {
            chat(bUser, "globex-agent", "b-" + i);
        }
    }

    @Test
    @Order(1)
    void analyticsOfOneOrg_countOnlyItsOwnCalls() {
        JsonNode a = JSON.readTree(get("/analytics/cost-summary?period=day", aUser).body());
        JsonNode b = JSON.readTree(get("/analytics/cost-summary?period=day", bUser).body());

        assertThat(a.path("requests").asLong()).isEqualTo(3);
        assertThat(b.path("requests").asLong()).isEqualTo(5);
        assertThat(a.path("org_id").asString()).isEqualTo("acme");
    }

    @Test
    @Order(2)
    void recentInferences_andBreakdowns_neverShowTheOtherOrg() {
        JsonNode recent = JSON.readTree(get("/analytics/recent-inferences?limit=1000", aUser).body()).path("data");
        JsonNode agents = JSON.readTree(get("/analytics/breakdown?by=agent&period=day", aUser).body()).path("rows");
        JsonNode summary = JSON.readTree(get("/api/token-usage/summary", aUser).body()).path("agents");
        JsonNode otherAgent = JSON.readTree(get("/api/token-usage/ai/globex-agent", aUser).body());

        assertThat(recent).hasSize(3);
        recent.forEach(e -> assertThat(e.path("org_id").asString()).isEqualTo("acme"));
        assertThat(agents).hasSize(1);
        assertThat(agents.get(0).path("agent").asString()).isEqualTo("acme-agent");
        assertThat(summary).hasSize(1);
        assertThat(otherAgent.path("requests").asLong()).isZero();
    }

    @Test
    void namingTheOtherOrg_isForbidden() {
        assertThat(get("/analytics/cost-summary?org_id=globex", aUser).statusCode()).isEqualTo(403);
        assertThat(get("/analytics/recent-inferences?org_id=globex", aUser).statusCode()).isEqualTo(403);
        assertThat(get("/governance/api-keys?org_id=globex", aAdmin).statusCode()).isEqualTo(403);
        assertThat(get("/governance/usage?org_id=globex", aAdmin).statusCode()).isEqualTo(403);
        assertThat(get("/governance/audit?org_id=globex", aAdmin).statusCode()).isEqualTo(403);
    }

    @Test
    void anOrgAdmin_managesOnlyItsOwnKeys_andGuessedIdsAreNotFound() {
        JsonNode keys = JSON.readTree(get("/governance/api-keys", aAdmin).body()).path("data");
        HttpResponse<String> revokeOther = post("/governance/api-keys/" + bUserId + "/revoke", "", aAdmin);
        HttpResponse<String> rotateOther = post("/governance/api-keys/" + bUserId + "/rotate", "", aAdmin);
        HttpResponse<String> createInOther = post("/governance/api-keys", "{\"org_id\":\"globex\",\"name\":\"intruder\"}", aAdmin);
        HttpResponse<String> createOrg = post("/governance/orgs", "{\"name\":\"Mine\"}", aAdmin);

        assertThat(keys).isNotEmpty();
        keys.forEach(k -> assertThat(k.path("org_id").asString()).isEqualTo("acme"));
        assertThat(revokeOther.statusCode()).isEqualTo(404);
        assertThat(rotateOther.statusCode()).isEqualTo(404);
        assertThat(createInOther.statusCode()).isEqualTo(404);
        assertThat(createOrg.statusCode()).isEqualTo(403);
        assertThat(chat(bUser, "globex-agent", "b-still-works").statusCode()).isEqualTo(200);
    }

    @Test
    void orgsAndAuditOfAnOrgAdmin_areItsOwn() {
        JsonNode orgs = JSON.readTree(get("/governance/orgs", aAdmin).body()).path("data");
        JsonNode audit = JSON.readTree(get("/governance/audit", aAdmin).body()).path("data");
        JsonNode allOrgs = JSON.readTree(get("/governance/orgs", MASTER).body()).path("data");

        assertThat(orgs).hasSize(1);
        assertThat(orgs.get(0).path("id").asString()).isEqualTo("acme");
        assertThat(audit).isNotEmpty();
        audit.forEach(e -> assertThat(e.path("org_id").asString()).isEqualTo("acme"));
        assertThat(allOrgs.findValuesAsString("id")).contains("acme", "globex", "default");
    }

    @Test
    void theMasterKey_seesEveryOrg_andCanPickOne() {
        JsonNode all = JSON.readTree(get("/analytics/cost-summary?period=day", MASTER).body());
        JsonNode globex = JSON.readTree(get("/analytics/cost-summary?period=day&org_id=globex", MASTER).body());

        assertThat(all.path("requests").asLong()).isGreaterThanOrEqualTo(8);
        assertThat(globex.path("requests").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(globex.path("org_id").asString()).isEqualTo("globex");
    }

    @Test
    void rotatedKey_replacesTheOld_whichStopsWorking() {
        String temp = key("acme", "[\"infer\"]", aAdmin);
        String id = JSON.readTree(get("/governance/api-keys", aAdmin).body()).path("data").get(0).path("id").asString();

        HttpResponse<String> rotated = post("/governance/api-keys/" + id + "/rotate", "", aAdmin);
        String fresh = JSON.readTree(rotated.body()).path("key").asString();

        assertThat(rotated.statusCode()).isEqualTo(200);
        assertThat(fresh).startsWith("tg-").isNotEqualTo(temp);
        assertThat(chat(fresh, "x", "rotated-new").statusCode()).isEqualTo(200);
        assertThat(chat(temp, "x", "rotated-old").statusCode()).isEqualTo(401);
        JsonNode audit = JSON.readTree(get("/governance/audit", aAdmin).body()).path("data");
        assertThat(audit.findValuesAsString("action")).contains("api_key.rotate", "api_key.create");
    }

    private static String key(String org, String scopes, String as) {
        HttpResponse<String> r = post("/governance/api-keys", "{\"org_id\":\"" + org + "\",\"name\":\"k\",\"scopes\":" + scopes + "}", as);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("key").asString();
    }

    private static HttpResponse<String> chat(String key, String agent, String id) {
        return gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + id + "\"}]}",
                "Authorization", "Bearer " + key, "X-Tollgate-Agent", agent, "X-Tollgate-Request-Id", id);
    }

    private static HttpResponse<String> get(String path, String key) {
        return gateway.get(path, "Authorization", "Bearer " + key);
    }

    private static HttpResponse<String> post(String path, String body, String key) {
        return gateway.post(path, body, "Authorization", "Bearer " + key);
    }
}
