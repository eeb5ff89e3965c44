package dev.tollgate.policy.budget;

import static dev.tollgate.policy.budget.BudgetGateway.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** {@code /governance/budgets}: changes apply to the next call, are audited, and bad input is a 400 naming the field. */
class BudgetApiTest {

    private static final String MASTER = "sk-master-budgets";

    @RegisterExtension
    static final MockUpstream upstream = new MockUpstream();

    static BudgetGateway gateway;
    static String acmeAdmin;
    static String acmeUser;

    @BeforeAll
    static void start() {
        gateway = new BudgetGateway("""
                master_key: sk-master-budgets
                providers:
                  - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-upstream}
                budgets:
                  - {name: from-config, scope: {feature: "*"}, limit: 1000000}
                """, Map.of("UPSTREAM", upstream.baseUrl().toString()), Clock.systemUTC());
        assertThat(gateway.post("/governance/orgs", "{\"id\":\"acme\",\"name\":\"Acme\"}", "authorization", "Bearer " + MASTER).statusCode()).isEqualTo(200);
        assertThat(gateway.post("/governance/orgs", "{\"id\":\"globex\",\"name\":\"Globex\"}", "authorization", "Bearer " + MASTER).statusCode()).isEqualTo(200);
        acmeAdmin = key("acme", "[\"admin\"]");
        acmeUser = key("acme", "[\"infer\",\"analytics\"]");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        gateway = null;
    }

    private static String key(String org, String scopes) {
        HttpResponse<String> r = gateway.post("/governance/api-keys", "{\"org_id\":\"" + org + "\",\"name\":\"k\",\"scopes\":" + scopes + "}",
                "authorization", "Bearer " + MASTER);
        return json(r).path("key").asString();
    }

    private static String[] as(String secret) {
        return new String[] {"authorization", "Bearer " + secret};
    }

    private static HttpResponse<String> chat(String secret, String agent) {
        return gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "authorization", "Bearer " + secret, "x-tollgate-agent", agent);
    }

    @Test
    void aRuleCreatedThroughTheApi_appliesToTheNextCall_changesAndDeletionsToo() {
        upstream.fallback(r -> MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "ok", new Usage(10, 10, 0, 0, false))));
        HttpResponse<String> created = gateway.post("/governance/budgets", """
                {"name": "tiny", "scope": {"agent": "capped"}, "metric": "requests", "period": "day", "limit": 1}
                """, as(acmeAdmin));
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(json(created).path("scope").path("org").asString()).as("an org admin's rule is scoped to its org").isEqualTo("acme");

        assertThat(chat(acmeUser, "capped").statusCode()).isEqualTo(200);
        HttpResponse<String> refused = chat(acmeUser, "capped");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(json(refused).path("error").path("message").asString()).contains("budget 'tiny'");

        HttpResponse<String> changed = gateway.put("/governance/budgets/tiny", """
                {"scope": {"agent": "capped"}, "metric": "requests", "period": "day", "limit": 2}
                """, as(acmeAdmin));
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(json(changed).path("counters").get(0).path("used").asLong()).as("a change keeps the counter: " + changed.body()).isEqualTo(1);
        assertThat(chat(acmeUser, "capped").statusCode()).isEqualTo(200);
        assertThat(chat(acmeUser, "capped").statusCode()).isEqualTo(429);

        assertThat(gateway.delete("/governance/budgets/tiny", as(acmeAdmin)).statusCode()).isEqualTo(200);
        assertThat(chat(acmeUser, "capped").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/governance/budgets/tiny", as(acmeAdmin)).statusCode()).isEqualTo(404);

        JsonNode audit = json(gateway.get("/governance/audit?org_id=acme", as(acmeAdmin))).path("data");
        assertThat(audit).extracting(e -> e.path("action").asString()).contains("budget.create", "budget.update", "budget.delete");
    }

    @Test
    void orgs_seeOnlyTheirOwnRules_andMayNotWriteAnotherOrgs() {
        assertThat(gateway.post("/governance/budgets", "{\"name\":\"globex-rule\",\"scope\":{\"org\":\"globex\"},\"limit\":5}", as(MASTER)).statusCode())
                .isEqualTo(200);

        JsonNode acmeSees = json(gateway.get("/governance/budgets", as(acmeAdmin))).path("data");
        HttpResponse<String> foreign = gateway.post("/governance/budgets", "{\"name\":\"x\",\"scope\":{\"org\":\"globex\"},\"limit\":5}", as(acmeAdmin));
        JsonNode masterSees = json(gateway.get("/governance/budgets", as(MASTER))).path("data");

        assertThat(acmeSees).extracting(b -> b.path("name").asString()).doesNotContain("globex-rule", "from-config");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(gateway.delete("/governance/budgets/globex-rule", as(acmeAdmin)).statusCode()).isEqualTo(404);
        assertThat(masterSees).extracting(b -> b.path("name").asString()).contains("from-config", "globex-rule");
        assertThat(masterSees).filteredOn(b -> b.path("name").asString().equals("from-config"))
                .singleElement().satisfies(b -> assertThat(b.path("source").asString()).isEqualTo("config"));
        assertThat(gateway.get("/governance/budgets", as(acmeUser)).statusCode()).as("admin scope needed").isEqualTo(403);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "negative limit          | {\"name\":\"a\",\"limit\":-5}                                                  | limit",
            "zero limit              | {\"name\":\"a\",\"limit\":0}                                                   | limit",
            "missing limit           | {\"name\":\"a\"}                                                               | limit",
            "unknown metric          | {\"name\":\"a\",\"metric\":\"joules\",\"limit\":5}                             | metric",
            "unknown period          | {\"name\":\"a\",\"period\":\"fortnight\",\"limit\":5}                          | period",
            "unknown scope field     | {\"name\":\"a\",\"scope\":{\"team\":\"x\"},\"limit\":5}                        | scope.team",
            "threshold above 1       | {\"name\":\"a\",\"limit\":5,\"thresholds\":[{\"at\":1.5,\"action\":\"warn\"}]} | thresholds[0].at",
            "threshold of 0          | {\"name\":\"a\",\"limit\":5,\"thresholds\":[{\"at\":0,\"action\":\"warn\"}]}   | thresholds[0].at",
            "unknown action          | {\"name\":\"a\",\"limit\":5,\"thresholds\":[{\"at\":0.5,\"action\":\"nap\"}]}  | thresholds[0].action",
            "unknown field           | {\"name\":\"a\",\"limit\":5,\"colour\":\"red\"}                                | colour",
            "bad time zone           | {\"name\":\"a\",\"limit\":5,\"time_zone\":\"Mars/Base\"}                       | time_zone",
            "bad name                | {\"name\":\"a b\",\"limit\":5}                                                 | name",
            "missing name            | {\"limit\":5}                                                                  | name",
            "fallback to nowhere     | {\"name\":\"a\",\"limit\":5,\"thresholds\":[{\"at\":0.9,\"action\":\"prefer_fallback\"}],\"fallback\":{\"provider\":\"nowhere\",\"model\":\"m\"}} | fallback.provider",
            "name of a config rule   | {\"name\":\"from-config\",\"limit\":5}                                         | name",
            "overlaps a config rule  | {\"name\":\"a\",\"scope\":{\"feature\":\"*\"},\"limit\":5}                      | scope",
    })
    void badInput_isA400NamingTheField(String what, String body, String field) {
        HttpResponse<String> r = gateway.post("/governance/budgets", body, as(MASTER));

        assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(400);
        JsonNode error = json(r).path("error");
        assertThat(error.path("param").asString()).isEqualTo(field);
        assertThat(error.path("message").asString()).startsWith(field + ":");
    }

    @Test
    void duplicatesAndOverlaps_ofApiRules_areRejected_andNothingIsHalfApplied() {
        assertThat(gateway.post("/governance/budgets", "{\"name\":\"dup\",\"scope\":{\"agent\":\"d\"},\"limit\":5}", as(MASTER)).statusCode()).isEqualTo(200);

        HttpResponse<String> sameName = gateway.post("/governance/budgets", "{\"name\":\"dup\",\"scope\":{\"agent\":\"e\"},\"limit\":5}", as(MASTER));
        HttpResponse<String> sameScope = gateway.post("/governance/budgets", "{\"name\":\"dup2\",\"scope\":{\"agent\":\"d\"},\"limit\":9}", as(MASTER));
        HttpResponse<String> renamed = gateway.put("/governance/budgets/dup", "{\"name\":\"other\",\"limit\":9}", as(MASTER));
        HttpResponse<String> notJson = gateway.post("/governance/budgets", "{not json", as(MASTER));
        HttpResponse<String> unknown = gateway.put("/governance/budgets/nope", "{\"limit\":9}", as(MASTER));
        HttpResponse<String> configRule = gateway.delete("/governance/budgets/from-config", as(MASTER));

        assertThat(sameName.statusCode()).isEqualTo(400);
        assertThat(json(sameName).path("error").path("param").asString()).isEqualTo("name");
        assertThat(sameScope.statusCode()).isEqualTo(400);
        assertThat(json(sameScope).path("error").path("message").asString()).contains("same scope, metric and period as budget 'dup'");
        assertThat(renamed.statusCode()).isEqualTo(400);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(configRule.statusCode()).isEqualTo(400);
        assertThat(json(gateway.get("/governance/budgets", as(MASTER))).path("data"))
                .extracting(b -> b.path("name").asString()).doesNotContain("dup2", "other");
    }

    @Test
    void theTokenUsageApi_refusesBadAgentsAndBadCalls() {
        assertThat(gateway.get("/api/token-usage/provider-status/bad%20agent%3B", as(acmeUser)).statusCode()).isEqualTo(400);
        assertThat(gateway.post("/api/token-usage/test-ai-call", "{\"prompt\":\"x\"}", as(MASTER)).statusCode()).isEqualTo(400);
        assertThat(gateway.post("/api/token-usage/test-ai-call", "{\"ai_name\":\"a\",\"prompt\":\"x\",\"preferred_provider\":\"nowhere\"}", as(MASTER))
                .statusCode()).isEqualTo(400);
        assertThat(gateway.post("/api/token-usage/reset/imperium", "", as(acmeUser)).statusCode()).as("admin scope needed").isEqualTo(403);
    }
}
