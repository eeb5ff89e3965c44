package dev.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.RawHttp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /dashboard} over HTTP: the page and every file it loads come from the jar with the right
 * content type, caching headers and a strict Content-Security-Policy; nothing else is served; the page is
 * open while its data needs a key.
 */
class DashboardAssetsTest {

    private static final Pattern REFERENCE = Pattern.compile("(?:src|href|content)=\"(/dashboard/assets/[^\"]+)\"");
    private static final Pattern IMPORT = Pattern.compile("(?:from|import)\\s*\\(?\\s*'(\\.{1,2}/[^']+)'");

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-assets-master
            providers:
              - {name: sim, kind: simulated}
            """);

    @Test
    void thePage_isOpen_withAStrictContentSecurityPolicy_andRevalidated() {
        HttpResponse<String> page = gateway.get("/dashboard");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        String csp = page.headers().firstValue("content-security-policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:", "*");
        assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(page.headers().firstValue("etag")).hasValueSatisfying(e -> assertThat(e).matches("\"[0-9a-f]{24}\""));
        assertThat(page.body()).contains("<meta name=\"viewport\"").doesNotContain("@UPLOT@").doesNotContain("<script>").doesNotContain(" style=");
        assertThat(page.body()).doesNotContainPattern("(src|href)=\"(https?:)?//");
        assertThat(gateway.get("/dashboard/").body()).isEqualTo(page.body());
    }

    @Test
    void everyFileThePageLoads_isServedWithItsType_andEveryModuleItImportsToo() {
        String page = gateway.get("/dashboard").body();
        Set<String> paths = new LinkedHashSet<>();
        Matcher m = REFERENCE.matcher(page);
        while (m.find()) {
            paths.add(m.group(1));
        }
        assertThat(paths).anySatisfy(p -> assertThat(p).matches("/dashboard/assets/vendor/uplot-1\\.6\\.30/uPlot\\.esm\\.js"))
                .contains("/dashboard/assets/js/app.js", "/dashboard/assets/style.css", "/dashboard/assets/favicon.svg");
        Deque<String> modules = new ArrayDeque<>(paths.stream().filter(p -> p.endsWith(".js") && !p.contains("/vendor/")).toList());
        while (!modules.isEmpty()) {
            String module = modules.pop();
            String source = gateway.get(module).body();
            Matcher im = IMPORT.matcher(source);
            while (im.find()) {
                String resolved = java.net.URI.create(module).resolve(im.group(1)).toString();
                if (paths.add(resolved)) {
                    modules.push(resolved);
                }
            }
        }
        assertThat(paths).contains("/dashboard/assets/js/panels/budgets.js", "/dashboard/assets/js/table.js");
        for (String path : paths) {
            HttpResponse<String> r = gateway.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            String type = path.endsWith(".js") ? "text/javascript; charset=utf-8" : path.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml";
            assertThat(r.headers().firstValue("content-type")).as(path).hasValue(type);
            assertThat(r.headers().firstValue("content-security-policy")).as(path).isPresent();
            assertThat(r.headers().firstValue("cache-control")).as(path)
                    .hasValue(path.contains("/vendor/") ? "public, max-age=31536000, immutable" : "no-cache");
            if (!path.contains("/vendor/") && !path.endsWith(".svg")) {
                // The page's own code names no other origin (uPlot's comments and the SVG namespace do, harmlessly).
                assertThat(r.body()).as(path).doesNotContain("http://", "https://");
            }
        }
    }

    @Test
    void aFileTheBrowserHasAlready_isAnsweredNotModified() {
        HttpResponse<String> first = gateway.get("/dashboard/assets/js/app.js");
        String etag = first.headers().firstValue("etag").orElseThrow();

        HttpResponse<String> again = gateway.get("/dashboard/assets/js/app.js", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(gateway.get("/dashboard/assets/js/app.js", "If-None-Match", "\"stale\"").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/dashboard/assets/nope.js", "/dashboard/assets/index.html", "/dashboard/assets/vendor/uplot-1.6.30/package.json",
            "/dashboard/assets/vendor/uplot-9.9.9/uPlot.esm.js", "/dashboard/assets/%2e%2e/%2e%2e/logback.xml", "/dashboard/assets/js/../../../logback.xml",
            "/dashboard/assets/", "/dashboard/assets/js"})
    void onlyTheFilesThatShip_areServed(String path) throws IOException {
        RawHttp.Answer answer = RawHttp.send(gateway.baseUrl(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1", "");

        assertThat(answer.status()).as(answer.head()).isEqualTo(404);
        assertThat(answer.body()).doesNotContain("<configuration");
        if (answer.body().startsWith("{")) {
            assertThat(JsonMapper.builder().build().readTree(answer.body()).path("error").path("code").asString()).isEqualTo("not_found");
        }
    }

    @Test
    void theDataBehindThePage_needsAKey_andWhoamiNeedsTheAnalyticsScope() {
        assertThat(gateway.get("/analytics/whoami").statusCode()).isEqualTo(401);
        assertThat(gateway.get("/analytics/whoami", "Authorization", "Bearer tg-wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> created = gateway.post("/governance/api-keys", "{\"name\":\"app\",\"scopes\":[\"infer\"]}",
                "Authorization", "Bearer sk-assets-master");
        String inferOnly = JsonMapper.builder().build().readTree(created.body()).path("key").asString();
        HttpResponse<String> refused = gateway.get("/analytics/whoami", "Authorization", "Bearer " + inferOnly);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("missing_scope").doesNotContain(inferOnly);
    }
}
