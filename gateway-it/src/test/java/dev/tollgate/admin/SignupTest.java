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

    @RegisterExtension
    static final GatewayExtension strict = GatewayExtension.yaml("""
            master_key: sk-master-signup
            signup: {enabled: true, per_address_per_hour: 2}
            providers:
              - {name: sim, kind: simulated}
            """);

    @Test
    void nameAndEmail_createTheOrg_andTheEmailIsStoredAsItsContact() {
        HttpResponse<String> r = generous.post("/signup", "{\"name\":\"Umbrella Research\",\"email\":\"ops@umbrella.example\"}");
        JsonNode answer = JSON.readTree(r.body());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(answer.path("org_name").asString()).isEqualTo("Umbrella Research");
        assertThat(answer.path("contact_email").asString()).isEqualTo("ops@umbrella.example");
        JsonNode orgs = JSON.readTree(generous.get("/governance/orgs", "Authorization", "Bearer sk-master-signup").body());
        assertThat(orgs.toString()).contains("\"id\":\"" + answer.path("org_id").asString() + "\"")
                .contains("\"contact_email\":\"ops@umbrella.example\"");

        HttpResponse<String> badEmail = generous.post("/signup", "{\"name\":\"X\",\"email\":\"not-an-address\"}");
        assertThat(badEmail.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badEmail.body()).path("error").path("param").asString()).isEqualTo("email");
        HttpResponse<String> twoNames = generous.post("/signup", "{\"name\":\"A\",\"org_name\":\"B\"}");
        assertThat(twoNames.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(twoNames.body()).path("error").path("param").asString()).isEqualTo("name");
    }

    @Test
    void rejectedBodies_doNotUseTheHourlySignups_butAreBoundedThemselves() {
        // per_address_per_hour 2: rejected requests get max(20, 4 x 2) = 20 of their own.
        for (int i = 0; i < 19; i++) {
            assertThat(strict.post("/signup", "{\"organisation\":\"typo " + i + "\"}").statusCode()).as("bad body %d", i).isEqualTo(400);
        }
        assertThat(strict.post("/signup", "{\"name\":\"First\"}").statusCode()).isEqualTo(201);
        assertThat(strict.post("/signup", "{bad json").statusCode()).as("the 20th rejected request").isEqualTo(400);
        HttpResponse<String> probing = strict.post("/signup", "{\"org\":\"again\"}");
        assertThat(probing.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(probing.body()).path("error").path("message").asString())
                .startsWith("too many invalid signup requests from this address; try again in ");
        assertThat(strict.post("/signup", "{\"name\":\"Second\"}").statusCode()).as("valid requests still pass").isEqualTo(201);
        assertThat(strict.post("/signup", "{\"name\":\"Third\"}").statusCode()).as("the two signups are used").isEqualTo(429);
        assertThat(probing.headers().firstValue("retry-after")).isPresent();
    }

    @Test
    void disabledSignup_isNotFound() {
        HttpResponse<String> r = disabled.post("/signup", "{\"org_name\":\"Nope\"}");

        assertThat(r.statusCode()).isEqualTo(404);
    }
}
