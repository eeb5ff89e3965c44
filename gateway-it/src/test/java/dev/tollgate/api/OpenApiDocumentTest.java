package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tollgate.testing.GatewayExtension;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /openapi.json} against what the gateway serves: it validates as OpenAPI 3.1 (the OpenAPI
 * Initiative's schema, {@code schema-base} so every Schema Object is checked too); every route Helidon was
 * given is in the document and every operation of the document reaches a route (the registrations are
 * recorded through the same call the server's routing is built with, and each operation is sent over
 * HTTP); and the scope each operation names is the one the gateway enforces (a key without it gets 403).
 */
class OpenApiDocumentTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-openapi-master";
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private static final Pattern PARAM = Pattern.compile("\\{[^}]+}");

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-openapi-master
            providers:
              - {name: sim, kind: simulated}
            """);

    private static JsonNode document;
    private static final Map<String, String> keyWith = new HashMap<>();

    @BeforeAll
    static void fetchTheDocumentAndIssueKeys() {
        HttpResponse<String> r = gateway.get("/openapi.json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        document = JSON.readTree(r.body());
        for (String scope : List.of("infer", "analytics", "admin")) {
            HttpResponse<String> created = gateway.post("/governance/api-keys", "{\"name\":\"only-" + scope + "\",\"scopes\":[\"" + scope + "\"]}",
                    "authorization", "Bearer " + MASTER);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            keyWith.put(scope, JSON.readTree(created.body()).path("key").asString());
        }
    }

    @Test
    void theDocument_validatesAsOpenApi31() {
        assertThat(document.path("openapi").asString()).isEqualTo("3.1.0");
        Map<String, String> schemas = new HashMap<>();
        for (String file : List.of("schema.json", "schema-base.json", "dialect/base.schema.json", "meta/base.schema.json")) {
            String text = resource("openapi-3.1/" + file);
            schemas.put(JSON.readTree(text).path("$id").asString(), text);
        }
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b.schemas(schemas));
        Schema oas = registry.getSchema(SchemaLocation.of("https://spec.openapis.org/oas/3.1/schema-base/2021-04-15"));
        assertThat(oas.validate(document)).isEmpty();
    }

    @Test
    void aBrokenDocument_failsTheSameValidation() {
        Map<String, String> schemas = new HashMap<>();
        for (String file : List.of("schema.json", "schema-base.json", "dialect/base.schema.json", "meta/base.schema.json")) {
            String text = resource("openapi-3.1/" + file);
            schemas.put(JSON.readTree(text).path("$id").asString(), text);
        }
        Schema oas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b.schemas(schemas))
                .getSchema(SchemaLocation.of("https://spec.openapis.org/oas/3.1/schema-base/2021-04-15"));
        var broken = (tools.jackson.databind.node.ObjectNode) document.deepCopy();
        ((tools.jackson.databind.node.ObjectNode) broken.path("paths").path("/health").path("get")).remove("responses");
        ((tools.jackson.databind.node.ObjectNode) broken.path("paths").path("/health").path("get")).put("parameters", "none");
        assertThat(oas.validate(broken)).isNotEmpty();
    }

    @Test
    void everyRouteHelidonServes_isInTheDocument_andEveryOperationIsARoute() {
        Set<String> served = new TreeSet<>();
        gateway.gateway().registerRoutes(new RecordingRules(served));
        Set<String> documented = new TreeSet<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (METHODS.contains(op.getKey())) {
                documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        assertThat(served).as("routes registered with Helidon").isNotEmpty();
        assertThat(documented).as("operations of /openapi.json").containsExactlyInAnyOrderElementsOf(served);
    }

    @Test
    void everyOperation_isAnsweredByItsRoute_notByTheCatchAll() {
        List<String> unrouted = new ArrayList<>();
        operations((method, path, op) -> {
            String concrete = PARAM.matcher(path).replaceAll("x");
            HttpResponse<String> r = gateway.send(method.toUpperCase(Locale.ROOT), concrete, "{}", "content-type", "application/json");
            if (r.statusCode() == 404 && r.body().contains("no such route")) {
                unrouted.add(method + " " + path);
            }
        });
        assertThat(unrouted).isEmpty();
    }

    @Test
    void everyOperation_isDescribed_withItsErrorsAndSecurity() {
        operations((method, path, op) -> {
            String what = method + " " + path;
            assertThat(op.path("summary").asString()).as(what).isNotBlank();
            assertThat(op.path("responses").size()).as(what).isPositive();
            assertThat(op.path("tags").size()).as(what).isEqualTo(1);
            if (op.has("x-tollgate-scope")) {
                assertThat(op.path("responses").has("401") && op.path("responses").has("403")).as(what).isTrue();
                assertThat(op.path("security").toString()).as(what).contains("bearer");
            } else {
                assertThat(op.path("security").isEmpty()).as(what + " is open").isTrue();
            }
        });
        assertThat(document.at("/paths/~1v1~1chat~1completions/post/requestBody/content/application~1json/schema/$ref").asString())
                .isEqualTo("#/components/schemas/CreateChatCompletionRequest");
        assertThat(document.at("/components/schemas/CreateChatCompletionRequest").toString()).contains("\"messages\"")
                .contains("#/components/schemas/ChatCompletionRequestMessage");
        assertThat(document.at("/components/schemas/ChatCompletionRequestMessage").isMissingNode()).isFalse();
        assertThat(document.at("/paths/~1v1~1messages/post/responses/429/content/application~1json/schema/$ref").asString())
                .isEqualTo("#/components/schemas/AnthropicErrorResponse");
    }

    @Test
    void theScopeEachOperationNames_isTheOneTheGatewayEnforces() {
        Map<String, String> lacking = Map.of("infer", "analytics", "analytics", "infer", "admin", "analytics");
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (var pathEntry : document.path("paths").properties()) {
            for (var opEntry : pathEntry.getValue().properties()) {
                JsonNode op = opEntry.getValue();
                if (!METHODS.contains(opEntry.getKey()) || !op.has("x-tollgate-scope")) {
                    continue;
                }
                String scope = op.path("x-tollgate-scope").asString();
                String concrete = PARAM.matcher(pathEntry.getKey()).replaceAll("x");
                String method = opEntry.getKey().toUpperCase(Locale.ROOT);
                HttpResponse<String> without = gateway.send(method, concrete, "{\"model\":\"gpt-4o-mini\",\"messages\":[]}",
                        "authorization", "Bearer " + keyWith.get(lacking.get(scope)), "content-type", "application/json");
                HttpResponse<String> none = gateway.send(method, concrete, "{}", "content-type", "application/json");
                if (without.statusCode() != 403 || none.statusCode() != 401) {
                    wrong.add(method + " " + pathEntry.getKey() + " (" + scope + "): without the scope " + without.statusCode()
                            + ", without a key " + none.statusCode());
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(30);
        assertThat(wrong).isEmpty();
    }

    @Test
    void openRoutes_answerWithoutAKey() {
        for (String path : List.of("/openapi.json", "/docs", "/health", "/metrics")) {
            assertThat(gateway.get(path).statusCode()).as(path).isEqualTo(200);
        }
    }

    /** The document's operations: method, path template and the operation object. */
    private interface OperationVisitor {
        void visit(String method, String path, JsonNode op);
    }

    private static void operations(OperationVisitor visitor) {
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (METHODS.contains(op.getKey())) {
                visitor.visit(op.getKey(), path.getKey(), op.getValue());
            }
        }));
    }

    private static String resource(String name) {
        try (InputStream in = OpenApiDocumentTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Helidon's routing rules, recording each route as {@code METHOD /path} (a trailing {@code *} written
     * {@code {path}}, as OpenAPI templates it). Any other kind of registration fails: a route that bypasses
     * the route table would not be in the document.
     */
    private record RecordingRules(Set<String> routes) implements HttpRules {

        @Override
        public HttpRules route(Method method, String pathPattern, Handler handler) {
            String path = pathPattern.endsWith("/*") ? pathPattern.substring(0, pathPattern.length() - 1) + "{path}" : pathPattern;
            routes.add(method.text() + " " + path);
            return this;
        }

        @Override
        public HttpRules route(HttpRoute route) {
            throw new AssertionError("a route registered outside the route table: " + route);
        }

        @Override
        public HttpRules register(HttpService... services) {
            throw new AssertionError("a service registered outside the route table");
        }

        @Override
        public HttpRules register(String path, HttpService... services) {
            throw new AssertionError("a service registered outside the route table at " + path);
        }
    }
}
