package dev.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.RawHttp;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Agent and feature tags in Unicode (headers percent-encoded as UTF-8, normalised to NFC), the same
 * validation for every {@code {agent}} path segment, and a 400 naming the parameter and its allowed
 * values for a bad enum filter on every list route.
 */
class TagsAndFiltersTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - {name: sim, kind: simulated, simulated: {first_token_ms: 0, inter_token_ms: 0}}
            """);

    private static RawHttp.Answer chatWithHeaders(String requestId, String headers) throws Exception {
        return RawHttp.send(gateway.baseUrl(), "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                + "\r\nX-Tollgate-Request-Id: " + requestId + "\r\n" + headers, CHAT);
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @ParameterizedTest
    @CsvSource({"req-accent, agént, agént", "req-cjk, 代理, 代理", "req-nfd, age\u0301nt, ag\u00e9nt", "req-plain, imperium 2, imperium 2"})
    void unicodeAgentHeaders_percentEncoded_areAccepted_andStoredInNfc(String requestId, String sent, String stored) throws Exception {
        RawHttp.Answer answer = chatWithHeaders(requestId, "X-Tollgate-Agent: " + encoded(sent) + "\r\nX-Tollgate-Feature: r%C3%A9sum%C3%A9");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        UsageEvent event = gateway.event(requestId);
        assertThat(event.agent()).isEqualTo(stored);
        assertThat(event.feature()).isEqualTo("résumé");
    }

    @Test
    void aUnicodeAgent_isReadBackThroughItsPathSegment() throws Exception {
        assertThat(chatWithHeaders("req-path", "X-Tollgate-Agent: " + encoded("助手")).status()).isEqualTo(200);
        gateway.events();
        String segment = URLEncoder.encode("助手", StandardCharsets.UTF_8);

        JsonNode usage = JSON.readTree(gateway.get("/api/token-usage/ai/" + segment).body());
        JsonNode history = JSON.readTree(gateway.get("/api/token-usage/history/" + segment + "?months=1").body());

        assertThat(usage.path("ai_name").asString()).isEqualTo("助手");
        assertThat(usage.path("requests").asLong()).isEqualTo(1);
        assertThat(history.path("months").path(0).path("requests").asLong()).isEqualTo(1);
    }

    @Test
    void controlCharactersInAnAgentHeader_areA400() throws Exception {
        RawHttp.Answer answer = chatWithHeaders("req-bad", "X-Tollgate-Agent: a%01b");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).path("error").path("param").asString()).isEqualTo("x-tollgate-agent");
    }

    @Test
    void rawUtf8HeaderBytes_areA400ThatSaysHowToSendThem() throws Exception {
        RawHttp.Answer answer = chatWithHeaders("req-raw", "X-Tollgate-Agent: agént");

        assertThat(answer.status()).isEqualTo(400);
        JsonNode error = JSON.readTree(answer.body()).path("error");
        assertThat(error.path("param").asString()).isEqualTo("x-tollgate-agent");
        assertThat(error.path("message").asString()).isEqualTo("x-tollgate-agent: holds bytes that are not ASCII; header values are "
                + "ASCII, so send a name with other letters percent-encoded as UTF-8 (agént as ag%C3%A9nt)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/token-usage/ai/", "/api/token-usage/history/", "/api/token-usage/provider-status/"})
    void everyAgentPathSegment_isValidatedTheSameWay(String route) {
        for (String bad : new String[] {"a%00b", "a%0D%0ASet-Cookie:%20x", "x".repeat(4_000), "%3Cscript%3E"}) {
            HttpResponse<String> r = gateway.get(route + bad);
            assertThat(r.statusCode()).as("%s%s", route, bad.length() > 40 ? bad.substring(0, 40) + "…" : bad).isEqualTo(400);
            JsonNode error = JSON.readTree(r.body()).path("error");
            assertThat(error.path("param").asString()).isEqualTo("agent");
            assertThat(error.path("message").asString()).isEqualTo(
                    "agent: expected 1 to 128 letters, digits, spaces, '.', '_', '-', ':' or '/'");
        }
        HttpResponse<String> reset = gateway.post("/api/token-usage/reset/a%00b", "");
        assertThat(reset.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(reset.body()).path("error").path("param").asString()).isEqualTo("agent");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/api/token-usage/alerts?level=bogus | level | level: 'bogus' (expected one of: warning, critical, emergency)",
            "/api/token-usage/alerts?type=bogus | type | type: 'bogus' (expected one of: threshold, spike, forecast)",
            "/analytics/breakdown?by=bogus | by | by: 'bogus' (expected one of: model, provider, key, agent, feature)",
            "/analytics/breakdown?by=model&period=bogus | period | period: 'bogus' (expected one of: 1h, 24h, 7d, 30d, day or month)",
            "/analytics/cost-summary?period=bogus | period | period: 'bogus' (expected one of: 1h, 24h, 7d, 30d, day or month)",
            "/governance/usage?period=week | period | period: 'week' (expected one of: day, month)",
            "/analytics/recent-inferences?agent=a%00b | agent | agent: expected 1 to 128 letters, digits, spaces, '.', '_', '-', ':' or '/'",
            "/api/token-usage/alerts?agent=a%0D%0Ab | agent | agent: expected 1 to 128 letters, digits, spaces, '.', '_', '-', ':' or '/'"})
    void aBadFilter_isA400NamingTheParameterAndTheAllowedValues(String path, String param, String message) {
        HttpResponse<String> r = gateway.get(path);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("param").asString()).isEqualTo(param);
        assertThat(error.path("message").asString()).isEqualTo(message);
    }

    @Test
    void goodFilters_stillWork() {
        assertThat(gateway.get("/api/token-usage/alerts?level=critical&type=threshold").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/analytics/recent-inferences?agent=" + URLEncoder.encode("agént", StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(200);
    }
}
