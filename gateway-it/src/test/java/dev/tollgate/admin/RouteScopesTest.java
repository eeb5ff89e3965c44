package dev.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.ApiKey;
import dev.tollgate.model.Scope;
import dev.tollgate.policy.auth.KeyIssuer;
import dev.tollgate.testing.GatewayExtension;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every route called with every kind of key: none, an unknown one, a revoked one, an expired one, a key
 * of each scope, and the master key. The expected status of each cell is asserted.
 */
class RouteScopesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-master-route-table";
    private static final AtomicInteger EVENT = new AtomicInteger();

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-master-route-table
            providers:
              - {name: sim, kind: simulated, simulated: {first_token_ms: 0, inter_token_ms: 0}}
            """);

    static String infer;
    static String analytics;
    static String admin;
    static String revoked;
    static String expired;

    /** A route, the scope it needs, and how to call it. */
    record Route(String method, String path, String body, Scope scope) {
        HttpResponse<String> call(String key) {
            String[] headers = key == null ? new String[0] : new String[] {"Authorization", "Bearer " + key};
            String payload = body == null ? null : body.replace("EVENT_ID", "route-evt-" + EVENT.incrementAndGet());
            return method.equals("GET") ? gateway.get(path, headers) : gateway.post(path, payload, headers);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final List<Route> ROUTES = List.of(
            new Route("POST", "/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Scope.INFER),
            new Route("POST", "/v1/embeddings", "{\"model\":\"m\",\"input\":\"hi\"}", Scope.INFER),
            new Route("GET", "/v1/models", null, Scope.INFER),
            new Route("POST", "/api/log", "{\"events\":[{\"event_id\":\"EVENT_ID\",\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"input_tokens\":1,\"output_tokens\":1}]}", Scope.INFER),
            new Route("GET", "/analytics/cost-summary", null, Scope.ANALYTICS),
            new Route("GET", "/analytics/recent-inferences", null, Scope.ANALYTICS),
            new Route("GET", "/analytics/breakdown?by=agent", null, Scope.ANALYTICS),
            new Route("GET", "/analytics/forecast", null, Scope.ANALYTICS),
            new Route("GET", "/analytics/timeseries?period=7d", null, Scope.ANALYTICS),
            new Route("GET", "/analytics/whoami", null, Scope.ANALYTICS),
            new Route("GET", "/api/token-usage/summary", null, Scope.ANALYTICS),
            new Route("GET", "/api/token-usage/ai/imperium", null, Scope.ANALYTICS),
            new Route("GET", "/api/token-usage/history/imperium?months=3", null, Scope.ANALYTICS),
            new Route("GET", "/governance/usage?period=day", null, Scope.ADMIN),
            new Route("GET", "/governance/api-keys", null, Scope.ADMIN),
            new Route("POST", "/governance/api-keys", "{\"name\":\"made-in-route-table\"}", Scope.ADMIN),
            new Route("GET", "/governance/orgs", null, Scope.ADMIN),
            new Route("GET", "/governance/audit", null, Scope.ADMIN));

    @BeforeAll
    static void keys() {
        infer = create("infer-only", "[\"infer\"]");
        analytics = create("analytics-only", "[\"analytics\"]");
        admin = create("admin-only", "[\"admin\"]");
        revoked = create("to-revoke", "[\"infer\",\"analytics\",\"admin\"]");
        String revokedId = gateway.gateway().keyStore().keyByHash(KeyIssuer.sha256(revoked)).orElseThrow().id();
        assertThat(gateway.post("/governance/api-keys/" + revokedId + "/revoke", "", "Authorization", "Bearer " + MASTER).statusCode()).isEqualTo(200);
        expired = "tg-expired-key-for-the-route-table-0000000000";
        gateway.gateway().keyStore().addKey(new ApiKey("key_expired", "default", "expired", "tg-expired", KeyIssuer.sha256(expired),
                Set.of(Scope.values()), Set.of(), Optional.empty(), Optional.empty(), Optional.of(Instant.parse("2020-01-01T00:00:00Z")),
                Instant.parse("2019-01-01T00:00:00Z"), Optional.empty(), false));
    }

    private static String create(String name, String scopes) {
        HttpResponse<String> r = gateway.post("/governance/api-keys", "{\"name\":\"" + name + "\",\"scopes\":" + scopes + "}",
                "Authorization", "Bearer " + MASTER);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("key").asString();
    }

    static Stream<Arguments> cells() {
        List<Arguments> out = new ArrayList<>();
        for (Route route : ROUTES) {
            out.add(Arguments.of(route, "no key", 401));
            out.add(Arguments.of(route, "unknown key", 401));
            out.add(Arguments.of(route, "revoked key", 401));
            out.add(Arguments.of(route, "expired key", 401));
            out.add(Arguments.of(route, "infer key", route.scope() == Scope.INFER ? 200 : 403));
            out.add(Arguments.of(route, "analytics key", route.scope() == Scope.ANALYTICS ? 200 : 403));
            out.add(Arguments.of(route, "admin key", route.scope() == Scope.ADMIN ? 200 : 403));
            out.add(Arguments.of(route, "master key", 200));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} with {1} -> {2}")
    @MethodSource("cells")
    void route_withKey_answersTheExpectedStatus(Route route, String keyKind, int expected) {
        String key = switch (keyKind) {
            case "no key" -> null;
            case "unknown key" -> "tg-not-a-key-that-exists-anywhere-000000000000";
            case "revoked key" -> revoked;
            case "expired key" -> expired;
            case "infer key" -> infer;
            case "analytics key" -> analytics;
            case "admin key" -> admin;
            case "master key" -> MASTER;
            default -> throw new IllegalArgumentException(keyKind);
        };

        HttpResponse<String> response = route.call(key);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        if (expected != 200) {
            JsonNode error = JSON.readTree(response.body()).path("error");
            assertThat(error.path("message").asString()).isNotBlank();
            assertThat(error.path("code").asString()).isEqualTo(expected == 401 ? "invalid_api_key" : "missing_scope");
        }
    }

    @Test
    void openRoutes_needNoKey() {
        assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void keyLimitedToModels_isRefusedOtherModels_with403() {
        HttpResponse<String> r = gateway.post("/governance/api-keys", "{\"name\":\"mini-only\",\"allowed_models\":[\"gpt-4o-mini\"]}",
                "Authorization", "Bearer " + MASTER);
        String key = JSON.readTree(r.body()).path("key").asString();

        HttpResponse<String> allowed = gateway.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "Authorization", "Bearer " + key);
        HttpResponse<String> refused = gateway.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "Authorization", "Bearer " + key);

        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).path("error").path("code").asString()).isEqualTo("model_not_allowed");
    }

    @Test
    void keyDefaults_tagItsCalls() {
        HttpResponse<String> r = gateway.post("/governance/api-keys",
                "{\"name\":\"tagged\",\"default_agent\":\"guardian\",\"default_feature\":\"triage\"}", "Authorization", "Bearer " + MASTER);
        String key = JSON.readTree(r.body()).path("key").asString();

        gateway.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "Authorization", "Bearer " + key, "X-Tollgate-Request-Id", "tagged-by-key");

        assertThat(gateway.event("tagged-by-key").agent()).isEqualTo("guardian");
        assertThat(gateway.event("tagged-by-key").feature()).isEqualTo("triage");
        assertThat(gateway.event("tagged-by-key").keyId()).startsWith("key_");
    }
}
