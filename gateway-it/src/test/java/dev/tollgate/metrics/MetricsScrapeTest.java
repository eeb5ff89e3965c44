package dev.tollgate.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.CircuitState;
import dev.tollgate.provider.Deployment;
import dev.tollgate.testing.FakeClock;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import dev.tollgate.testing.PrometheusText;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /metrics} scraped after a known mix of calls over real HTTP: plain and streamed calls, upstream
 * 500s that fall back to the second provider, a call that fails on both, refusals before authentication
 * (no key) and after it (malformed JSON), cache hits fed to the listener as the cache stage will (that
 * stage is built in parallel), and a circuit-state change through the breaker hook. Every counter must
 * equal what was sent; the scrape must parse as Prometheus' text format ({@link PrometheusText}, strict).
 * The gateway's clock stands still, so the rate-limit windows hold all the calls.
 */
class MetricsScrapeTest {

    private static final String MASTER = "sk-metrics-master";
    private static final Usage USAGE = OpenAiFixtures.DEFAULT_USAGE;
    private static final int PLAIN = 5;
    private static final int STREAMED = 3;
    private static final int FALLEN_BACK = 2;
    private static final int BOTH_FAIL = 1;
    private static final int NO_KEY = 4;
    private static final int MALFORMED = 3;
    private static final String CHAT = "POST /v1/chat/completions";

    @RegisterExtension
    @Order(1)
    static final MockUpstream primary = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final MockUpstream backup = new MockUpstream();

    @RegisterExtension
    @Order(3)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-metrics-master
            providers:
              - {name: primary, kind: openai, base_url: "${PRIMARY}", api_key: sk-a, models: [gpt-4o-mini], limits: {rpm: 1000}, retries: {max: 0}, circuit_breaker: {enabled: false}}
              - {name: backup, kind: openai, base_url: "${BACKUP}", api_key: sk-b, models: [gpt-4o-mini], retries: {max: 0}, circuit_breaker: {enabled: false}}
            budgets:
              - {name: all-tokens, metric: tokens, period: month, limit: 1000000}
            """).env("PRIMARY", () -> primary.baseUrl().toString()).env("BACKUP", () -> backup.baseUrl().toString())
            .clock(new FakeClock(Instant.now()));

    private static PrometheusText scrape;
    private static String raw;

    @BeforeAll
    static void sendTheMixAndScrape() {
        for (int i = 0; i < PLAIN; i++) {
            assertThat(chat(false).statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < STREAMED; i++) {
            HttpResponse<String> r = chat(true);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("[DONE]");
        }
        for (int i = 0; i < FALLEN_BACK; i++) {
            primary.enqueue(OpenAiFixtures.error(500, "server_error", null, "The server had an error"));
            assertThat(chat(false).statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < BOTH_FAIL; i++) {
            primary.enqueue(OpenAiFixtures.error(500, "server_error", null, "The server had an error"));
            backup.enqueue(OpenAiFixtures.error(503, "server_error", null, "Overloaded"));
            assertThat(chat(false).statusCode()).isGreaterThanOrEqualTo(500);
        }
        for (int i = 0; i < NO_KEY; i++) {
            assertThat(gateway.post("/v1/chat/completions", body(false)).statusCode()).isEqualTo(401);
        }
        for (int i = 0; i < MALFORMED; i++) {
            assertThat(gateway.post("/v1/chat/completions", "{\"model\": \"gpt-4o-mini\", \"messages\": [", "authorization", "Bearer " + MASTER)
                    .statusCode()).isEqualTo(400);
        }
        // The cache stage is built in parallel: its hits reach the listener as usage events with a tier.
        var listener = gateway.gateway().listener();
        listener.completed(cacheHit("exact", 0.25));
        listener.completed(cacheHit("exact", 0.25));
        listener.completed(cacheHit("semantic", 0.5));
        ProviderConfig primaryConfig = gateway.gateway().config().providers().getFirst();
        listener.circuitChanged(new Deployment(primaryConfig, "gpt-4o-mini", null), CircuitState.OPEN);
        gateway.ledger().flush();
        HttpResponse<String> r = gateway.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        raw = r.body();
        scrape = PrometheusText.parse(raw);
    }

    @Test
    void requests_areCountedByRouteStatusProviderModelAndCacheTier() {
        assertThat(requests(Map.of("status", "200", "gen_ai_provider_name", "primary", "gen_ai_request_model", "gpt-4o-mini", "cache", "miss")))
                .isEqualTo(PLAIN + STREAMED);
        assertThat(requests(Map.of("status", "200", "gen_ai_provider_name", "backup"))).isEqualTo(FALLEN_BACK);
        assertThat(requests(Map.of("status", "401", "gen_ai_provider_name", "none", "gen_ai_request_model", "none"))).isEqualTo(NO_KEY);
        assertThat(requests(Map.of("status", "400"))).isEqualTo(MALFORMED);
        assertThat(scrape.sum("tollgate_requests_total", Map.of("route", CHAT, "gen_ai_operation_name", "chat")))
                .isEqualTo(PLAIN + STREAMED + FALLEN_BACK + BOTH_FAIL + NO_KEY + MALFORMED);
        // Every failed call is one request with its status; the cache hits were fed outside HTTP (no route).
        assertThat(scrape.sum("tollgate_requests_total", Map.of("route", "none", "cache", "exact"))).isEqualTo(2);
    }

    @Test
    void refusals_areCountedBeforeAndAfterAuthentication() {
        assertThat(scrape.sum("tollgate_refusals_total", Map.of("authenticated", "false", "status", "401", "code", "invalid_api_key", "route", CHAT)))
                .isEqualTo(NO_KEY);
        assertThat(scrape.sum("tollgate_refusals_total", Map.of("authenticated", "true", "status", "400", "route", CHAT))).isEqualTo(MALFORMED);
        assertThat(scrape.sum("tollgate_refusals_total")).isEqualTo(NO_KEY + MALFORMED);
    }

    @Test
    void upstreamAttemptsErrorsAndFallbacks_perDeployment() {
        Map<String, String> onPrimary = Map.of("gen_ai_provider_name", "primary", "gen_ai_request_model", "gpt-4o-mini");
        Map<String, String> onBackup = Map.of("gen_ai_provider_name", "backup", "gen_ai_request_model", "gpt-4o-mini");
        assertThat(scrape.sum("tollgate_upstream_attempts_total", onPrimary)).isEqualTo(PLAIN + STREAMED + FALLEN_BACK + BOTH_FAIL);
        assertThat(scrape.sum("tollgate_upstream_attempts_total", onBackup)).isEqualTo(FALLEN_BACK + BOTH_FAIL);
        assertThat(scrape.sum("tollgate_upstream_errors_total", Map.of("gen_ai_provider_name", "primary", "status", "500")))
                .isEqualTo(FALLEN_BACK + BOTH_FAIL);
        assertThat(scrape.sum("tollgate_upstream_errors_total", Map.of("gen_ai_provider_name", "backup", "status", "503"))).isEqualTo(BOTH_FAIL);
        assertThat(scrape.sum("tollgate_upstream_fallbacks_total", onBackup)).isEqualTo(FALLEN_BACK + BOTH_FAIL);
        assertThat(scrape.sum("tollgate_upstream_fallbacks_total", onPrimary)).isZero();
        assertThat(scrape.sum("tollgate_upstream_retries_total")).isZero();
    }

    @Test
    void tokensAndCost_equalWhatTheLedgerBilled() {
        int served = PLAIN + STREAMED + FALLEN_BACK;
        assertThat(scrape.sum("tollgate_tokens_total", Map.of("gen_ai_token_type", "input", "source", "proxy"))).isEqualTo(served * USAGE.inputTokens());
        assertThat(scrape.sum("tollgate_tokens_total", Map.of("gen_ai_token_type", "output", "source", "proxy"))).isEqualTo(served * USAGE.outputTokens());
        assertThat(scrape.sum("tollgate_tokens_total", Map.of("gen_ai_token_type", "input", "gen_ai_provider_name", "backup")))
                .isEqualTo(FALLEN_BACK * USAGE.inputTokens());
        double billed = gateway.events().stream().filter(e -> "proxy".equals(e.source())).mapToDouble(UsageEvent::costUsd).sum();
        assertThat(billed).isPositive();
        assertThat(scrape.sum("tollgate_cost_usd_total", Map.of("source", "proxy"))).isCloseTo(billed, within(1e-9));
        // The OpenTelemetry histogram: one observation per successful call and token type, summing to the same tokens.
        Map<String, String> input = Map.of("gen_ai_token_type", "input");
        assertThat(scrape.sum("gen_ai_client_token_usage_count", input)).isEqualTo(served);
        assertThat(scrape.sum("gen_ai_client_token_usage_sum", input)).isEqualTo(served * USAGE.inputTokens());
    }

    @Test
    void durationAndTimeToFirstToken_histograms() {
        Map<String, String> primaryChat = Map.of("gen_ai_provider_name", "primary", "gen_ai_operation_name", "chat");
        assertThat(scrape.sum("gen_ai_client_operation_duration_seconds_count", Map.of("gen_ai_provider_name", "primary", "error_type", "none", "cache", "miss")))
                .isEqualTo(PLAIN + STREAMED);
        assertThat(scrape.sum("gen_ai_client_operation_duration_seconds_count"))
                .isEqualTo(PLAIN + STREAMED + FALLEN_BACK + BOTH_FAIL + MALFORMED + 3);
        assertThat(scrape.sum("gen_ai_server_time_to_first_token_seconds_count", primaryChat)).isEqualTo(STREAMED);
        assertThat(scrape.families().get("gen_ai_server_time_to_first_token_seconds").type()).isEqualTo("histogram");
        assertThat(scrape.samples("gen_ai_server_time_to_first_token_seconds_bucket", primaryChat)).extracting(s -> s.label("le"))
                .contains("0.001", "0.1", "10.0", "+Inf");
    }

    @Test
    void cacheHits_perTier_withTheirSavings() {
        assertThat(scrape.sum("tollgate_cache_hits_total", Map.of("tier", "exact"))).isEqualTo(2);
        assertThat(scrape.sum("tollgate_cache_hits_total", Map.of("tier", "semantic"))).isEqualTo(1);
        assertThat(scrape.sum("tollgate_cache_savings_usd_total", Map.of("tier", "exact"))).isCloseTo(0.5, within(1e-12));
        assertThat(scrape.sum("tollgate_cache_savings_usd_total")).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void gauges_circuitBudgetHeadroomAndLedger() {
        Map<String, String> deployment = Map.of("gen_ai_provider_name", "primary", "gen_ai_request_model", "gpt-4o-mini");
        assertThat(scrape.sum("tollgate_circuit_state", with(deployment, "state", "open"))).isEqualTo(1);
        assertThat(scrape.sum("tollgate_circuit_state", with(deployment, "state", "closed"))).isZero();
        long tokens = gateway.events().stream().filter(e -> "proxy".equals(e.source())).mapToLong(e -> e.usage().totalTokens()).sum();
        assertThat(scrape.sum("tollgate_budget_utilization", Map.of("budget", "all-tokens"))).isCloseTo(tokens / 1_000_000.0, within(1e-12));
        // Every attempt on primary claimed one request of its 1,000 per minute.
        assertThat(scrape.sum("tollgate_ratelimit_headroom", Map.of("gen_ai_provider_name", "primary", "window", "rpm")))
                .isEqualTo(1000 - (PLAIN + STREAMED + FALLEN_BACK + BOTH_FAIL));
        assertThat(scrape.samples("tollgate_ratelimit_headroom", Map.of("gen_ai_provider_name", "backup"))).isEmpty();
        assertThat(scrape.sum("tollgate_ledger_queue_depth")).isZero();
        assertThat(scrape.sum("tollgate_journal_held_events")).isZero();
        assertThat(scrape.sum("tollgate_journal_segments")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void noSecretAndNoKeyOrAgentLabel() {
        assertThat(raw).doesNotContain(MASTER).doesNotContain("sk-a").doesNotContain("sk-b");
        scrape.families().values().forEach(f -> f.samples().forEach(s ->
                assertThat(s.labels().keySet()).as(s.name()).doesNotContain("key", "key_id", "agent", "org", "org_id")));
    }

    private static double requests(Map<String, String> labels) {
        return scrape.sum("tollgate_requests_total", with(labels, "route", CHAT));
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        var out = new java.util.HashMap<>(labels);
        out.put(key, value);
        return out;
    }

    private static HttpResponse<String> chat(boolean stream) {
        return gateway.post("/v1/chat/completions", body(stream), "authorization", "Bearer " + MASTER);
    }

    private static String body(boolean stream) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]" + (stream ? ",\"stream\":true" : "") + "}";
    }

    private static UsageEvent cacheHit(String tier, double saved) {
        return new UsageEvent("cache-" + tier + "-" + System.nanoTime(), Instant.now(), "req-cache", "default", "master", null, null,
                "chat", "proxy", "primary", "gpt-4o-mini", Usage.NONE, 0, true, saved, 1, -1, 200, null, false, 0, tier, "cache");
    }
}
