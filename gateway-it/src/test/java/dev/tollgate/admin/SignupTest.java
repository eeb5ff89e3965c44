package dev.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Self-serve signup: an org and a working first key; rate-limited per address; off when disabled. */
class SignupTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-master-signup
            signup: {enabled: true, per_address_per_hour: 3}
            providers:
              - {name: sim, kind: simulated, simulated: {first_token_ms: 0, inter_token_ms: 0}}
            """);

    @RegisterExtension
    static final GatewayExtension generous = GatewayExtension.yaml("""
            master_key: sk-master-signup
            signup: {enabled: true, per_address_per_hour: 1000}
            providers:
              - {name: sim, kind: simulated}
            """);

    @RegisterExtension
    static final GatewayExtension disabled = GatewayExtension.yaml("""
            master_key: sk-master-signup
            signup: {enabled: false}
            providers:
              - {name: sim, kind: simulated}
            """);

    @Test
    void signup_createsAnOrgAndAKeyThatWorks_andIsLimitedPerAddress() {
        HttpResponse<String> first = gateway.post("/signup", "{\"org_name\":\"Initech Labs\"}");
        JsonNode answer = JSON.readTree(first.body());
        String key = answer.path("api_key").path("key").asString();

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(answer.path("org_id").asString()).startsWith("initech-labs-");
        assertThat(answer.path("api_key").path("scopes").toString()).isEqualTo("[\"analytics\",\"infer\"]");
        assertThat(gateway.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
        assertThat(gateway.get("/analytics/cost-summary", "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
        assertThat(gateway.get("/governance/api-keys", "Authorization", "Bearer " + key).statusCode()).isEqualTo(403);

        assertThat(gateway.post("/signup", "{\"org_name\":\"Second\"}").statusCode()).isEqualTo(201);
        assertThat(gateway.post("/signup", "{\"org_name\":\"Third\"}").statusCode()).isEqualTo(201);
        HttpResponse<String> fourth = gateway.post("/signup", "{\"org_name\":\"Fourth\"}");
        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(Long.parseLong(fourth.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 3600L);
    }

    @Test
    void signupWithBadInput_isA400NamingTheField() {
        HttpResponse<String> empty = generous.post("/signup", "{\"org_name\":\"\"}");
        HttpResponse<String> unknown = generous.post("/signup", "{\"org\":\"x\"}");
        HttpResponse<String> notJson = generous.post("/signup", "{org_name");

        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(empty.body()).path("error").path("param").asString()).isEqualTo("org_name");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknown.body()).path("error").path("param").asString()).isEqualTo("org");
        assertThat(notJson.statusCode()).isEqualTo(400);
    }

    @Test
    void disabledSignup_isNotFound() {
        HttpResponse<String> r = disabled.post("/signup", "{\"org_name\":\"Nope\"}");

        assertThat(r.statusCode()).isEqualTo(404);
    }
}
