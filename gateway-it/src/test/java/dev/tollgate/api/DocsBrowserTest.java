package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.admin.BrowserScript;
import dev.tollgate.testing.GatewayExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /docs} in a real browser: headless Chromium ({@code dashboard-tests/docs.test.mjs}, playwright-core)
 * opens the page of a gateway with a master key (the page and the document are open without one), waits
 * for Swagger UI to render the operations of {@code /openapi.json}, and expands one. No console error or
 * warning, no failed request, no request to another origin. The screenshot is kept in {@code target/docs/}.
 * Skipped like {@code DashboardBrowserTest} without Chromium or Node, unless {@code TOLLGATE_REQUIRE_BROWSER=1}.
 */
class DocsBrowserTest {

    private static final Path TESTS = Path.of("").toAbsolutePath().getParent().resolve("dashboard-tests");
    private static final Path ARTIFACTS = Path.of("target", "docs").toAbsolutePath();

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-docs-master
            providers:
              - {name: sim, kind: simulated}
            """);

    private static JsonNode seen;

    @BeforeAll
    static void openTheDocs() throws Exception {
        BrowserScript.requireOrSkip(TESTS);
        seen = BrowserScript.run(TESTS, "docs.test.mjs", ARTIFACTS, Map.of("BASE_URL", gateway.baseUrl().toString()));
    }

    @Test
    void swaggerUi_rendersEveryOperationOfTheDocument() {
        JsonNode document = JsonMapper.builder().build().readTree(gateway.get("/openapi.json").body());
        int operations = 0;
        for (var path : document.path("paths").properties()) {
            operations += path.getValue().size();
        }
        assertThat(seen.path("status").asInt()).isEqualTo(200);
        assertThat(seen.path("title").asString()).startsWith("Tollgate");
        assertThat(seen.path("operations").asInt()).isEqualTo(operations);
        assertThat(seen.path("chatBody").asString()).contains("\"messages\"").contains("X-Tollgate-Agent").contains("429").contains("text/event-stream");
    }

    @Test
    void noConsoleError_noFailedRequest_nothingFromAnotherOrigin() {
        assertThat(seen.path("console")).as("console errors and warnings").isEmpty();
        assertThat(seen.path("failedRequests")).as("failed requests").isEmpty();
        assertThat(seen.path("foreign")).as("requests to another origin").isEmpty();
        assertThat(seen.path("requests").toString()).contains("/openapi.json").contains("swagger-ui-bundle.js");
    }

    @Test
    void thePage_carriesItsContentSecurityPolicy() {
        assertThat(seen.path("csp").asString()).contains("default-src 'none'").contains("script-src 'self'").contains("connect-src 'self'")
                .doesNotContain("unsafe-eval");
        HttpResponse<String> asset = gateway.get("/docs/assets/docs.js");
        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(asset.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        // Only the files that ship are served: nothing else under the prefix, however it is spelled.
        assertThat(gateway.get("/docs/assets/swagger-ui-5.35.0/index.html").statusCode()).isEqualTo(404);
        assertThat(gateway.get("/docs/assets/%2e%2e/%2e%2e/openapi.json").statusCode()).isIn(400, 404);
    }
}
