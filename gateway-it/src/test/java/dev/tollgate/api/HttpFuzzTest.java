package dev.tollgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.testing.GatewayExtension;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzed bodies sent to a running gateway over real HTTP (Jazzer; the gateway runs in this JVM, so its
 * code guides the fuzzer): every route that reads a body answers below 500, within the client's bound
 * of 10 s per request. One fuzz method per route, so each keeps a corpus of plain bodies (in the test
 * resources beside this class); {@code .ci/run} fuzzes the proxy and ingestion routes for a bounded time.
 */
class HttpFuzzTest {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-fuzz-master
            providers:
              - {name: sim, kind: simulated, simulated: {first_token_ms: 0, inter_token_ms: 0}}
            budgets:
              - {name: per-agent, scope: {agent: "*"}, metric: tokens, period: month, limit: 1000000000}
            """);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @FuzzTest(maxDuration = "30s")
    void chatCompletions(byte[] body) {
        assertBelow500("/v1/chat/completions", body);
    }

    @FuzzTest(maxDuration = "30s")
    void messages(byte[] body) {
        assertBelow500("/v1/messages", body);
    }

    @FuzzTest(maxDuration = "30s")
    void responses(byte[] body) {
        assertBelow500("/v1/responses", body);
    }

    @FuzzTest(maxDuration = "30s")
    void countTokens(byte[] body) {
        assertBelow500("/v1/messages/count_tokens", body);
    }

    @FuzzTest(maxDuration = "30s")
    void usageLog(byte[] body) {
        assertBelow500("/api/log", body);
    }

    @FuzzTest(maxDuration = "30s")
    void budgets(byte[] body) {
        assertBelow500("/governance/budgets", body);
    }

    @FuzzTest(maxDuration = "30s")
    void testAiCall(byte[] body) {
        assertBelow500("/api/token-usage/test-ai-call", body);
    }

    private static void assertBelow500(String path, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(gateway.baseUrl().resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer sk-fuzz-master").header("Content-Type", "application/json")
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("no answer to a fuzzed body on " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        assertThat(response.statusCode()).as("%s answered %s", path, response.body()).isLessThan(500);
    }
}
