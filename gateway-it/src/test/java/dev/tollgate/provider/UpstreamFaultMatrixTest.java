package dev.tollgate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.AnthropicFixtures;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.GeminiFixtures;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The upstream fault matrix over every upstream protocol (OpenAI, Anthropic, Gemini) and both client
 * dialects (OpenAI chat, Anthropic messages): for each fault, the status and the error in the caller's
 * shape, said in words with no internals (no addresses, object ids, class names or keys), fallback only
 * while nothing reached the client, and exact accounting: the ledger's event and the budget counter the
 * call reserved against (released on failure, charged with what was delivered on a cut stream).
 *
 * <p>{@code UpstreamFaultsTest} keeps the OpenAI-compatible cells it had; this class runs the same
 * faults as one matrix. Every provider serves two models: {@code only} (no other provider) to see the
 * error, and {@code shared} (a backup provider of the same protocol too) to see whether a fallback
 * happens; a third provider per protocol listens nowhere.
 */
class UpstreamFaultMatrixTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Usage BILLED = new Usage(20, 9, 0, 0, false);
    private static final List<String> PIECES = List.of("Partial answer", " that stops", " here.");
    /** Internals that must never reach a caller. */
    private static final List<Pattern> LEAKS = List.of(
            Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"),
            Pattern.compile("(?i)localhost"),
            Pattern.compile("@[0-9a-f]{4,}"),
            Pattern.compile("[A-Z][A-Za-z]*(Exception|Error)\\b(?!\")"),
            Pattern.compile("org\\.eclipse|oejc|java\\.(io|net|util)|HttpConnection|HTTP/1\\.1|POST /"),
            Pattern.compile("secret-0"));

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    // Each case checks how one failure maps and falls back: no retries, no breakers (RetriesTest and CircuitBreakerTest cover those).
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - {name: oa, kind: openai, base_url: "${BASE}/v1", api_key: sk-oa-secret-0, models: [gpt-4o-mini, gpt-4o],
                 timeouts: {connect_ms: 1000, first_byte_ms: 1500, idle_ms: 1000}, retries: {max: 0}, circuit_breaker: {enabled: false}}
              - {name: oa-backup, kind: openai, base_url: "${BASE}/v1", api_key: sk-oa-backup-secret-0, models: [gpt-4o], retries: {max: 0}, circuit_breaker: {enabled: false}}
              - {name: oa-dead, kind: openai, base_url: "http://127.0.0.1:1/v1", api_key: sk-oa-dead-secret-0, models: [gpt-4.1],
                 timeouts: {connect_ms: 1000}, retries: {max: 0}, circuit_breaker: {enabled: false}}
              - {name: an, kind: anthropic, base_url: "${BASE}", api_key: sk-ant-secret-0, models: [claude-haiku-4-5, claude-sonnet-4-5],
                 timeouts: {connect_ms: 1000, first_byte_ms: 1500, idle_ms: 1000}, retries: {max: 0}, circuit_breaker: {enabled: false}}
              - {name: an-backup, kind: anthropic, base_url: "${BASE}", api_key: sk-ant-backup-secret-0, models: [claude-sonnet-4-5], retries: {max: 0}, circuit_breaker: {enabled: false}}
              - {name: an-dead, kind: anthropic, base_url: "http://127.0.0.1:1", api_key: sk-ant-dead-secret-0, models: [claude-opus-4-1],
                 timeouts: {connect_ms: 1000}, retries: {max: 0}, circuit_breaker: {enabled: false}}
              - {name: ge, kind: gemini, base_url: "${BASE}/v1beta", api_key: AIza-ge-secret-0, models: [gemini-2.5-flash, gemini-2.5-pro],
                 timeouts: {connect_ms: 1000, first_byte_ms: 1500, idle_ms: 1000}, retries: {max: 0}, circuit_breaker: {enabled: false}}
              - {name: ge-backup, kind: gemini, base_url: "${BASE}/v1beta", api_key: AIza-ge-backup-secret-0, models: [gemini-2.5-pro], retries: {max: 0}, circuit_breaker: {enabled: false}}
              - {name: ge-dead, kind: gemini, base_url: "http://127.0.0.1:1/v1beta", api_key: AIza-ge-dead-secret-0, models: [gemini-2.0-flash],
                 timeouts: {connect_ms: 1000}, retries: {max: 0}, circuit_breaker: {enabled: false}}
            budgets:
              - {name: per-agent, scope: {agent: "*"}, metric: tokens, period: month, limit: 1000000000}
            """).env("BASE", () -> "http://127.0.0.1:" + upstream.port());

    /** An upstream protocol: its models and its exact wire format for each scripted answer. */
    enum Upstream {
        OPENAI("oa", "gpt-4o-mini", "gpt-4o", "gpt-4.1", 2),
        ANTHROPIC("an", "claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-1", 4),
        GEMINI("ge", "gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash", 1);

        final String provider;
        final String only;
        final String shared;
        final String dead;
        /** The index of the event after the first content event: a fault there comes after the client got its first token. */
        final int afterFirstContent;

        Upstream(String provider, String only, String shared, String dead, int afterFirstContent) {
            this.provider = provider;
            this.only = only;
            this.shared = shared;
            this.dead = dead;
            this.afterFirstContent = afterFirstContent;
        }

        MockResponse error(int status) {
            return switch (this) {
                case OPENAI -> status == 429
                        ? OpenAiFixtures.error(429, "requests", "rate_limit_exceeded", "Rate limit reached for gpt-4o-mini").withHeader("Retry-After", "7")
                        : OpenAiFixtures.error(status, "server_error", null, "The server had an error while processing your request");
                case ANTHROPIC -> status == 429
                        ? AnthropicFixtures.error(429, "rate_limit_error", "Number of request tokens has exceeded your rate limit").withHeader("retry-after", "7")
                        : AnthropicFixtures.error(status, status == 503 ? "overloaded_error" : "api_error", "Internal server error");
                case GEMINI -> status == 429 ? GeminiFixtures.quotaExceeded("7s")
                        : GeminiFixtures.error(status, status == 503 ? "UNAVAILABLE" : "INTERNAL", "The service is currently unavailable.");
            };
        }

        MockResponse answer(String model, boolean withUsage) {
            String body = switch (this) {
                case OPENAI -> OpenAiFixtures.chatCompletion(model, "A whole answer.", BILLED);
                case ANTHROPIC -> AnthropicFixtures.message(model, "A whole answer.", "end_turn", new AnthropicFixtures.Tokens(20, 0, 0, 9));
                case GEMINI -> GeminiFixtures.text(model, "A whole answer.", new GeminiFixtures.Tokens(20, 9, 0, 0));
            };
            return MockResponse.json(200, withUsage ? body : withoutUsage(body));
        }

        MockResponse stream(String model, boolean withUsage) {
            List<String> events = switch (this) {
                case OPENAI -> OpenAiFixtures.chunks(model, PIECES, withUsage ? BILLED : null);
                case ANTHROPIC -> AnthropicFixtures.textStream(model, PIECES, "end_turn", new AnthropicFixtures.Tokens(20, 0, 0, 9));
                case GEMINI -> GeminiFixtures.events(model, PIECES, new GeminiFixtures.Tokens(20, 9, 0, 0));
            };
            return MockResponse.sse(withUsage || this == OPENAI ? events : events.stream().map(Upstream::withoutUsage).toList());
        }

        MockResponse malformed() {
            return MockResponse.json(200, switch (this) {
                case OPENAI -> "{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":";
                case ANTHROPIC -> "{\"id\":\"msg_01\",\"type\":\"message\",\"content\":[{\"type\":";
                case GEMINI -> "{\"candidates\":[{\"content\":{\"parts\":[";
            });
        }

        /** The same JSON (or Anthropic event block) without its usage fields. */
        private static String withoutUsage(String payload) {
            int data = payload.indexOf("data: ");
            String prefix = payload.startsWith("event:") ? payload.substring(0, data + 6) : "";
            JsonNode node = JSON.readTree(payload.substring(prefix.length()));
            strip(node);
            return prefix + node;
        }

        private static void strip(JsonNode node) {
            if (node instanceof ObjectNode o) {
                o.remove(List.of("usage", "usageMetadata"));
                o.forEach(Upstream::strip);
            }
        }
    }

    /** How the client speaks. */
    enum Dialect {
        OPENAI_CHAT, ANTHROPIC_MESSAGES
    }

    enum Fault {
        STATUS_429, STATUS_500, STATUS_503, CONNECT_REFUSED, FIRST_BYTE_TIMEOUT, MALFORMED_JSON, MISSING_USAGE,
        STREAM_MISSING_USAGE, STALL_MIDWAY, RESET_MIDWAY, TRUNCATED_STREAM, RESET_BEFORE_FIRST_CHUNK, STATUS_503_WITH_BACKUP
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cells = new ArrayList<>();
        for (Upstream u : Upstream.values()) {
            for (Dialect d : Dialect.values()) {
                for (Fault f : Fault.values()) {
                    cells.add(Arguments.of(u, d, f));
                }
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} upstream, {1} client: {2}")
    @MethodSource("matrix")
    void fault(Upstream up, Dialect dialect, Fault fault) {
        String id = (up + "-" + dialect + "-" + fault).toLowerCase(Locale.ROOT).replace('_', '-');
        switch (fault) {
            case STATUS_429 -> {
                upstream.enqueue(up.error(429));
                Call call = call(dialect, up.only, false, id);
                call.assertError(429, "rate_limit_error", null, null);
                assertThat(call.response.headers().firstValue("retry-after")).contains("7");
                call.assertSettled(429, Usage.NONE, 1);
            }
            case STATUS_500 -> {
                upstream.enqueue(up.error(500));
                Call call = call(dialect, up.only, false, id);
                call.assertError(502, "api_error", "upstream_error", null);
                call.assertSettled(502, Usage.NONE, 1);
            }
            case STATUS_503 -> {
                upstream.enqueue(up.error(503));
                Call call = call(dialect, up.only, false, id);
                call.assertError(503, "overloaded_error", "upstream_error", null);
                call.assertSettled(503, Usage.NONE, 1);
            }
            case CONNECT_REFUSED -> {
                Call call = call(dialect, up.dead, false, id);
                call.assertError(502, "api_error", "upstream_unreachable", "could not connect to the provider '" + up.provider + "-dead'");
                assertThat(upstream.requestCount()).isZero();
                call.assertSettled(502, Usage.NONE, 1);
            }
            case FIRST_BYTE_TIMEOUT -> {
                upstream.enqueue(up.answer(up.only, true).withHeadersDelay(Duration.ofMillis(3_000)));
                Call call = call(dialect, up.only, false, id);
                call.assertError(504, "api_error", "upstream_timeout", "no answer from the provider '" + up.provider + "' within 1500 ms");
                call.assertSettled(504, Usage.NONE, 1);
            }
            case MALFORMED_JSON -> {
                upstream.enqueue(up.malformed());
                Call call = call(dialect, up.only, false, id);
                call.assertError(502, "api_error", "upstream_protocol_error", null);
                call.assertSettled(502, Usage.NONE, 1);
            }
            case MISSING_USAGE -> {
                upstream.enqueue(up.answer(up.only, false));
                Call call = call(dialect, up.only, false, id);
                assertThat(call.response.statusCode()).as(call.response.body()).isEqualTo(200);
                assertThat(call.response.body()).contains("A whole answer.");
                call.assertCountedLocally(200, null);
            }
            case STREAM_MISSING_USAGE -> {
                upstream.enqueue(up.stream(up.only, false));
                Call call = call(dialect, up.only, true, id);
                call.assertCompleteStream();
                call.assertCountedLocally(200, null);
            }
            case STALL_MIDWAY, RESET_MIDWAY, TRUNCATED_STREAM -> {
                MockResponse.Fault cut = switch (fault) {
                    case STALL_MIDWAY -> MockResponse.Fault.STALL;
                    case RESET_MIDWAY -> MockResponse.Fault.RESET;
                    default -> MockResponse.Fault.TRUNCATE;
                };
                // The shared model: a backup exists, yet no fallback may follow once the client got a token.
                upstream.enqueue(up.stream(up.shared, true).withFault(cut, up.afterFirstContent));
                Call call = call(dialect, up.shared, true, id);
                call.assertBrokenStream(switch (fault) {
                    case STALL_MIDWAY -> "sent nothing for longer than its idle timeout";
                    // The JDK server behind the mock ends the chunked body when its handler fails, so on the
                    // wire a reset looks like a stream that ended early.
                    case RESET_MIDWAY -> "was complete";
                    default -> "ended before it was complete";
                });
                assertThat(upstream.requestCount()).as("no fallback after the first byte").isEqualTo(1);
                call.assertCountedLocally(200, "upstream_stream_failed");
            }
            case RESET_BEFORE_FIRST_CHUNK -> {
                upstream.enqueue(up.stream(up.shared, true).withFault(MockResponse.Fault.RESET, 0));
                upstream.enqueue(up.stream(up.shared, true));
                Call call = call(dialect, up.shared, true, id);
                call.assertCompleteStream();
                assertThat(upstream.requestCount()).isEqualTo(2);
                call.assertSettledBy(up.provider + "-backup", BILLED, 2);
            }
            case STATUS_503_WITH_BACKUP -> {
                upstream.enqueue(up.error(503));
                upstream.enqueue(up.answer(up.shared, true));
                Call call = call(dialect, up.shared, false, id);
                assertThat(call.response.statusCode()).as(call.response.body()).isEqualTo(200);
                assertThat(call.response.body()).contains("A whole answer.");
                assertThat(call.response.headers().firstValue("x-tollgate-provider")).contains(up.provider + "-backup");
                assertThat(upstream.requestCount()).isEqualTo(2);
                call.assertSettledBy(up.provider + "-backup", BILLED, 2);
            }
            default -> throw new IllegalStateException("no cell for " + fault);
        }
    }

    private static Call call(Dialect dialect, String model, boolean stream, String id) {
        HttpResponse<String> response = switch (dialect) {
            case OPENAI_CHAT -> gateway.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"stream\":" + stream
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me something\"}]}",
                    "X-Tollgate-Request-Id", id, "X-Tollgate-Agent", id);
            case ANTHROPIC_MESSAGES -> gateway.post("/v1/messages", "{\"model\":\"" + model + "\",\"max_tokens\":64,\"stream\":" + stream
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me something\"}]}",
                    "X-Tollgate-Request-Id", id, "X-Tollgate-Agent", id, "anthropic-version", "2023-06-01");
        };
        return new Call(dialect, id, response);
    }

    /** One call's answer and the assertions on it. */
    private record Call(Dialect dialect, String id, HttpResponse<String> response) {

        void assertError(int status, String anthropicType, String openAiCode, String words) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
            JsonNode body = JSON.readTree(response.body());
            String message;
            if (dialect == Dialect.ANTHROPIC_MESSAGES) {
                assertThat(body.path("type").asString()).isEqualTo("error");
                assertThat(body.path("error").path("type").asString()).isEqualTo(anthropicType);
                message = body.path("error").path("message").asString();
            } else {
                if (openAiCode != null) {
                    assertThat(body.path("error").path("code").asString()).isEqualTo(openAiCode);
                }
                assertThat(body.path("error").path("type").asString()).isEqualTo(status == 429 ? "rate_limit_error" : "api_error");
                message = body.path("error").path("message").asString();
            }
            assertThat(message).isNotBlank();
            if (words != null) {
                assertThat(message).contains(words);
            }
            assertNoLeak();
        }

        void assertCompleteStream() {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            if (dialect == Dialect.ANTHROPIC_MESSAGES) {
                assertThat(response.body()).contains("event: message_stop").doesNotContain("event: error");
            } else {
                assertThat(response.body()).endsWith("data: [DONE]\n\n").doesNotContain("\"error\"");
            }
            assertThat(response.body()).contains("Partial answer");
        }

        void assertBrokenStream(String words) {
            assertThat(response.statusCode()).isEqualTo(200);
            String body = response.body();
            assertThat(body).as("the first piece reached the client").contains("Partial answer");
            JsonNode error;
            if (dialect == Dialect.ANTHROPIC_MESSAGES) {
                assertThat(body).contains("event: error").doesNotContain("event: message_stop");
                String data = body.substring(body.indexOf("event: error"));
                error = JSON.readTree(data.substring(data.indexOf("data: ") + 6, data.indexOf('\n', data.indexOf("data: ")))).path("error");
                assertThat(error.path("type").asString()).isEqualTo("api_error");
            } else {
                List<String> data = body.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
                assertThat(data).doesNotContain("[DONE]");
                error = JSON.readTree(data.getLast()).path("error");
                assertThat(error.path("code").asString()).isEqualTo("upstream_stream_failed");
            }
            assertThat(error.path("message").asString()).contains(words);
            assertNoLeak();
        }

        void assertNoLeak() {
            String everything = response.body() + "\n" + response.headers().map();
            for (Pattern leak : LEAKS) {
                assertThat(leak.matcher(everything).find()).as("%s in %s", leak, everything).isFalse();
            }
        }

        /** The ledger's one event, and the budget counter, say exactly {@code usage}. */
        void assertSettled(int status, Usage usage, int attempts) {
            UsageEvent event = gateway.event(id);
            assertThat(event.status()).isEqualTo(status);
            assertThat(event.usage()).isEqualTo(usage);
            assertThat(event.attempts()).isEqualTo(attempts);
            assertThat(budgetUsed()).as("the reservation settled at the call's usage").isEqualTo(usage.totalTokens());
        }

        void assertSettledBy(String provider, Usage usage, int attempts) {
            assertSettled(200, usage, attempts);
            assertThat(gateway.event(id).provider()).isEqualTo(provider);
        }

        /** Billed from Tollgate's own count of what was delivered: estimated, and never $0 output. */
        void assertCountedLocally(int status, String errorCode) {
            UsageEvent event = gateway.event(id);
            assertThat(event.status()).isEqualTo(status);
            assertThat(event.errorCode()).isEqualTo(errorCode);
            assertThat(event.attempts()).isEqualTo(1);
            assertThat(event.usage().outputTokens()).isPositive();
            assertThat(event.usage().inputTokens()).isPositive();
            if (errorCode == null) {
                assertThat(event.usage().estimated()).isTrue();
            }
            assertThat(budgetUsed()).isEqualTo(event.usage().totalTokens());
        }

        /** The agent's counter of the {@code per-agent} budget (each cell is its own agent), 0 when it has none. */
        long budgetUsed() {
            JsonNode budgets = JSON.readTree(gateway.get("/governance/budgets").body()).path("data");
            for (JsonNode b : budgets) {
                for (JsonNode c : b.path("counters")) {
                    if (id.equals(c.path("scope").path("agent").asString(null))) {
                        return c.path("used").asLong();
                    }
                }
            }
            return 0;
        }
    }
}
