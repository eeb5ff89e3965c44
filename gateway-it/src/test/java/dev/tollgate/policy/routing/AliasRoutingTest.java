package dev.tollgate.policy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockUpstream;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Aliases over real HTTP: the upstream gets the target's name, the reason names the alias, keys stay restricted. */
class AliasRoutingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-master-alias-test";

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: %s
            providers:
              - {name: openai, kind: openai, base_url: "${UPSTREAM}", api_key: sk-upstream}
            aliases:
              fast: gpt-4o-mini
              smart: [gpt-4o, gpt-4o-mini]
            default_model: fast
            """.formatted(MASTER)).env("UPSTREAM", () -> upstream.baseUrl().toString());

    private static HttpResponse<String> chat(String modelField, String key, String requestId) {
        return gateway.post("/v1/chat/completions", "{" + modelField + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", "Bearer " + key, "X-Tollgate-Request-Id", requestId);
    }

    private static String issueKey(String allowedModel) {
        HttpResponse<String> r = gateway.post("/governance/api-keys",
                "{\"name\":\"only-" + allowedModel + "\",\"allowed_models\":[\"" + allowedModel + "\"]}", "Authorization", "Bearer " + MASTER);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("key").asString();
    }

    @Test
    void alias_sendsItsTargetUpstream_andNamesItselfInTheRoutingReason() {
        HttpResponse<String> response = chat("\"model\":\"fast\",", MASTER, "alias-fast");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(upstream.takeRequest().body()).path("model").asString()).isEqualTo("gpt-4o-mini");
        assertThat(response.headers().firstValue("x-tollgate-routing-reason"))
                .contains("explicit: alias fast -> gpt-4o-mini: openai serves gpt-4o-mini");
        assertThat(response.headers().firstValue("x-tollgate-model")).contains("gpt-4o-mini");
        assertThat(gateway.event("alias-fast").model()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void defaultModelThatIsAnAlias_isExpanded() {
        HttpResponse<String> response = chat("", MASTER, "alias-default");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(upstream.takeRequest().body()).path("model").asString()).isEqualTo("gpt-4o-mini");
        assertThat(gateway.event("alias-default").routingReason())
                .isEqualTo("autopilot: default model fast (alias fast -> gpt-4o-mini: openai serves gpt-4o-mini)");
    }

    @Test
    void keyRestrictedToAModel_mayUseAnAliasOfIt_butNotAnAliasOfOthers() {
        String key = issueKey("gpt-4o-mini");

        HttpResponse<String> viaAlias = chat("\"model\":\"fast\",", key, "key-fast");
        HttpResponse<String> mixed = chat("\"model\":\"smart\",", key, "key-smart");

        assertThat(viaAlias.statusCode()).isEqualTo(200);
        assertThat(mixed.statusCode()).as("only the allowed target of 'smart' is tried").isEqualTo(200);
        assertThat(upstream.takeRequest().bodyText()).contains("\"gpt-4o-mini\"");
        assertThat(JSON.readTree(upstream.takeRequest().body()).path("model").asString()).isEqualTo("gpt-4o-mini");
        assertThat(upstream.requestCount()).isEqualTo(2);
    }

    @Test
    void keyAllowedTheAliasName_mayUseItsTargets_andNothingElse() {
        String key = issueKey("smart");

        HttpResponse<String> alias = chat("\"model\":\"smart\",", key, "key-alias-name");
        HttpResponse<String> direct = chat("\"model\":\"gpt-4o\",", key, "key-direct");

        assertThat(alias.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(upstream.takeRequest().body()).path("model").asString()).isEqualTo("gpt-4o");
        assertThat(direct.statusCode()).isEqualTo(403);
        JsonNode error = JSON.readTree(direct.body()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("model_not_allowed");
    }

    @Test
    void nameNoProviderServes_isStillA404InOpenAisShape() {
        HttpResponse<String> response = chat("\"model\":\"gemini-2.5-flash\",", MASTER, "no-gemini");

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("model_not_found");
        assertThat(error.path("param").asString()).isEqualTo("model");
        assertThat(error.path("message").asString()).contains("'gemini-2.5-flash' is not served by any configured provider");
        assertThat(upstream.requestCount()).isZero();
    }

    @Test
    void modelsList_includesTheAliases() {
        JsonNode data = JSON.readTree(gateway.get("/v1/models", "Authorization", "Bearer " + MASTER).body()).path("data");

        assertThat(data.findValuesAsString("id")).contains("fast", "smart", "gpt-4o-mini");
    }
}
