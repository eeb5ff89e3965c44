package dev.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.GatewayExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /api/log}: SDK-reported calls are validated as a whole batch, priced on arrival, stored
 * once per event id, and show up in analytics. Each test tags its events with its own agent, so tests
 * sharing the gateway do not see each other's calls.
 *
 * <p>Prices from /work/shared/data/model_prices_and_context_window.json (US dollars per token):
 * <pre>
 *   gpt-4o-mini               input 1.5e-07  output 6e-07
 *   o3-mini                   input 1.1e-06  output 4.4e-06 (reasoning at the output price)
 *   claude-sonnet-4-20250514  input 3e-06    cache read 3e-07   cache creation 3.75e-06   output 1.5e-05
 * </pre>
 * and the configured override {@code in-house-llm}: input 1e-06, output 2e-06.
 */
class UsageIngestTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String[] AUTH = {"Authorization", "Bearer sk-ingest-test", "Content-Type", "application/json"};
    private static final Offset<Double> MICRO = within(1e-9);
    private static final AtomicInteger IDS = new AtomicInteger();

    @RegisterExtension
    @Order(1)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-ingest-test
            pricing:
              overrides:
                in-house-llm:
                  input_cost_per_token: 0.000001
                  output_cost_per_token: 0.000002
            """);

    private static HttpResponse<String> log(String body) {
        return gateway.post("/api/log", body, AUTH);
    }

    private static JsonNode getJson(String path) {
        gateway.ledger().flush();
        HttpResponse<String> response = gateway.get(path, "Authorization", "Bearer sk-ingest-test");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<JsonNode> recentOf(String agent) {
        List<JsonNode> out = new ArrayList<>();
        getJson("/analytics/recent-inferences?limit=1000&agent=" + agent).path("data").forEach(out::add);
        return out;
    }

    private static JsonNode agentRow(String agent) {
        for (JsonNode row : getJson("/analytics/breakdown?by=agent&period=24h").path("rows")) {
            if (row.path("agent").asString().equals(agent)) {
                return row;
            }
        }
        throw new AssertionError("no breakdown row for agent " + agent);
    }

    private static JsonNode byId(List<JsonNode> events, String id) {
        return events.stream().filter(e -> e.path("id").asString().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no stored event " + id + " in " + events));
    }

    private static boolean stored(String eventId) {
        return gateway.events().stream().map(UsageEvent::id).anyMatch(eventId::equals);
    }

    private static String unique(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }

    // ---------------------------------------------------------------- accepted batches

    @Test
    void validBatch_isAccepted_andAppearsInAnalyticsAtItsHandComputedCost() {
        HttpResponse<String> response = log("""
                {"events": [
                  {"event_id": "sdk-valid-1", "provider": "openai", "model": "gpt-4o-mini", "input_tokens": 1200,
                   "output_tokens": 300, "agent": "ingest-valid"},
                  {"event_id": "sdk-valid-2", "provider": "anthropic", "model": "claude-sonnet-4-20250514", "input_tokens": 10000,
                   "output_tokens": 800, "cached_tokens": 6000, "cache_write_tokens": 2000, "agent": "ingest-valid"},
                  {"event_id": "sdk-valid-3", "provider": "openai", "model": "o3-mini", "input_tokens": 500, "output_tokens": 2500,
                   "reasoning_tokens": 2000, "agent": "ingest-valid", "status": 429, "error_code": "rate_limited"}
                ]}
                """);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("accepted").asInt()).isEqualTo(3);
        List<JsonNode> events = recentOf("ingest-valid");
        assertThat(events).hasSize(3).allSatisfy(e -> assertThat(e.path("price_known").asBoolean()).isTrue());
        // 1200 × 1.5e-7 + 300 × 6e-7 = 0.00018 + 0.00018
        assertThat(byId(events, "sdk-valid-1").path("cost_usd").asDouble()).isCloseTo(0.00036, MICRO);
        // 2000 uncached × 3e-6 + 6000 cache reads × 3e-7 + 2000 cache writes × 3.75e-6 + 800 × 1.5e-5
        //   = 0.006 + 0.0018 + 0.0075 + 0.012
        assertThat(byId(events, "sdk-valid-2").path("cost_usd").asDouble()).isCloseTo(0.0273, MICRO);
        // 500 × 1.1e-6 + 500 plain output × 4.4e-6 + 2000 reasoning × 4.4e-6 = 0.00055 + 0.0022 + 0.0088
        assertThat(byId(events, "sdk-valid-3").path("cost_usd").asDouble()).isCloseTo(0.01155, MICRO);
        JsonNode row = agentRow("ingest-valid");
        assertThat(row.path("requests").asLong()).isEqualTo(3);
        assertThat(row.path("errors").asLong()).isEqualTo(1);
        assertThat(row.path("input_tokens").asLong()).isEqualTo(11_700);
        assertThat(row.path("cached_tokens").asLong()).isEqualTo(6_000);
        assertThat(row.path("cache_write_tokens").asLong()).isEqualTo(2_000);
        assertThat(row.path("reasoning_tokens").asLong()).isEqualTo(2_000);
        // 0.00036 + 0.0273 + 0.01155
        assertThat(row.path("cost_usd").asDouble()).isCloseTo(0.03921, MICRO);
        assertThat(row.path("price_unknown_requests").asLong()).isZero();
    }

    @Test
    void storedEvent_keepsWhatTheSdkReported_andFillsTheDefaults() {
        Instant oneHourAgo = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(1));
        Instant twoHoursAgo = oneHourAgo.minus(Duration.ofHours(1));
        HttpResponse<String> response = log("""
                {"events": [
                  {"event_id": "sdk-fields-min", "timestamp": "%s", "provider": "openai", "model": "gpt-4o-mini",
                   "input_tokens": 1, "output_tokens": 1, "agent": "ingest-fields"},
                  {"event_id": "sdk-fields-all", "timestamp": %d, "provider": "Anthropic", "model": "claude-sonnet-4-20250514",
                   "input_tokens": 1, "output_tokens": 1, "agent": "ingest-fields", "feature": "rag", "stream": true, "ttft_ms": 350,
                   "latency_ms": 420, "request_id": "client-req-9", "endpoint": "messages", "status": 502, "error_code": "upstream_error"}
                ]}
                """.formatted(oneHourAgo, twoHoursAgo.toEpochMilli()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> events = recentOf("ingest-fields");
        assertThat(events).extracting(e -> e.path("id").asString()).containsExactly("sdk-fields-min", "sdk-fields-all");
        JsonNode min = byId(events, "sdk-fields-min");
        assertThat(min.path("time").asString()).isEqualTo(oneHourAgo.toString());
        assertThat(List.of(min.path("source"), min.path("org_id"), min.path("key_id"), min.path("request_id"), min.path("endpoint"),
                min.path("routing_reason"), min.path("cache"))).extracting(JsonNode::asString)
                .containsExactly("sdk", "default", "master", "sdk-fields-min", "chat", "sdk-reported", "none");
        assertThat(min.path("status").asInt()).isEqualTo(200);
        assertThat(min.path("stream").asBoolean()).isFalse();
        assertThat(min.path("ttft_ms").asLong()).isEqualTo(-1);
        JsonNode all = byId(events, "sdk-fields-all");
        assertThat(all.path("time").asString()).isEqualTo(twoHoursAgo.toString());
        assertThat(List.of(all.path("provider"), all.path("feature"), all.path("request_id"), all.path("endpoint"), all.path("error_code")))
                .extracting(JsonNode::asString).containsExactly("anthropic", "rag", "client-req-9", "messages", "upstream_error");
        assertThat(all.path("stream").asBoolean()).isTrue();
        assertThat(all.path("ttft_ms").asLong()).isEqualTo(350);
        assertThat(all.path("latency_ms").asLong()).isEqualTo(420);
        assertThat(all.path("status").asInt()).isEqualTo(502);
    }

    @Test
    void estimatedCounts_areStoredAsEstimated_andCountedSo() {
        HttpResponse<String> response = log("""
                {"events": [
                  {"event_id": "sdk-estimated-1", "provider": "openai", "model": "gpt-4o-mini", "input_tokens": 0,
                   "output_tokens": 25, "stream": true, "estimated": true, "agent": "ingest-estimated"},
                  {"event_id": "sdk-estimated-2", "provider": "openai", "model": "gpt-4o-mini", "input_tokens": 10,
                   "output_tokens": 5, "estimated": false, "agent": "ingest-estimated"}
                ]}
                """);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> events = recentOf("ingest-estimated");
        assertThat(byId(events, "sdk-estimated-1").path("estimated").asBoolean()).isTrue();
        assertThat(byId(events, "sdk-estimated-2").path("estimated").asBoolean()).isFalse();
        assertThat(agentRow("ingest-estimated").path("estimated_requests").asLong()).isEqualTo(1);
        assertBadRequest(log("""
                {"events": [{"event_id": "sdk-estimated-3", "provider": "openai", "model": "gpt-4o-mini", "input_tokens": 1,
                             "output_tokens": 1, "estimated": "yes"}]}
                """), "events[0].estimated");
    }

    @Test
    void sameBatchSentTwice_isStoredOnce() {
        String body = """
                {"events": [
                  {"event_id": "sdk-twice-1", "provider": "openai", "model": "gpt-4o-mini", "input_tokens": 1000, "output_tokens": 100,
                   "agent": "ingest-twice"},
                  {"event_id": "sdk-twice-2", "provider": "openai", "model": "gpt-4o-mini", "input_tokens": 2000, "output_tokens": 200,
                   "agent": "ingest-twice"}
                ]}
                """;

        HttpResponse<String> first = log(body);
        HttpResponse<String> second = log(body);
        HttpResponse<String> changedResend = log("""
                {"events": [{"event_id": "sdk-twice-1", "provider": "openai", "model": "gpt-4o", "input_tokens": 999999,
                             "output_tokens": 999999, "agent": "ingest-twice"}]}
                """);

        assertThat(List.of(first, second, changedResend)).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(recentOf("ingest-twice")).extracting(e -> e.path("id").asString()).containsExactlyInAnyOrder("sdk-twice-1", "sdk-twice-2");
        JsonNode row = agentRow("ingest-twice");
        assertThat(row.path("requests").asLong()).isEqualTo(2);
        assertThat(row.path("input_tokens").asLong()).isEqualTo(3_000);
        // 3000 × 1.5e-7 + 300 × 6e-7 = 0.00045 + 0.00018
        assertThat(row.path("cost_usd").asDouble()).isCloseTo(0.00063, MICRO);
    }

    @Test
    void unknownModel_isAccepted_withAnUnknownPrice() {
        HttpResponse<String> response = log("""
                {"events": [
                  {"event_id": "sdk-unknown-1", "provider": "openai", "model": "gpt-imaginary-9", "input_tokens": 100,
                   "output_tokens": 10, "agent": "ingest-unknown"},
                  {"event_id": "sdk-unknown-2", "provider": "mystery-cloud", "model": "m-1", "input_tokens": 100,
                   "output_tokens": 10, "agent": "ingest-unknown"},
                  {"event_id": "sdk-unknown-3", "provider": "ollama", "model": "llama3.2", "input_tokens": 100,
                   "output_tokens": 10, "agent": "ingest-unknown"}
                ]}
                """);

        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> events = recentOf("ingest-unknown");
        assertThat(byId(events, "sdk-unknown-1").path("price_known").asBoolean()).isFalse();
        assertThat(byId(events, "sdk-unknown-1").path("cost_usd").asDouble()).isZero();
        assertThat(byId(events, "sdk-unknown-2").path("price_known").asBoolean()).isFalse();
        // A local provider's model costs nothing, and that is known.
        assertThat(byId(events, "sdk-unknown-3").path("price_known").asBoolean()).isTrue();
        assertThat(byId(events, "sdk-unknown-3").path("cost_usd").asDouble()).isZero();
        JsonNode row = agentRow("ingest-unknown");
        assertThat(row.path("requests").asLong()).isEqualTo(3);
        assertThat(row.path("price_unknown_requests").asLong()).isEqualTo(2);
        assertThat(getJson("/analytics/cost-summary?period=24h").path("price_unknown_requests").asLong()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void modelPricedByAConfiguredOverride_isPricedOnArrival() {
        HttpResponse<String> response = log("""
                {"events": [{"event_id": "sdk-override-1", "provider": "on-prem", "model": "in-house-llm", "input_tokens": 3000,
                             "output_tokens": 700, "agent": "ingest-override"}]}
                """);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode event = byId(recentOf("ingest-override"), "sdk-override-1");
        // 3000 × 1e-6 + 700 × 2e-6 = 0.003 + 0.0014
        assertThat(event.path("cost_usd").asDouble()).isCloseTo(0.0044, MICRO);
        assertThat(event.path("price_known").asBoolean()).isTrue();
    }

    @Test
    void aBatchOfExactlyTheLimit_isAccepted() {
        StringBuilder body = new StringBuilder("{\"events\":[");
        for (int i = 0; i < 1_000; i++) {
            body.append(i == 0 ? "" : ",").append("{\"event_id\":\"max-").append(i)
                    .append("\",\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"input_tokens\":10,\"output_tokens\":1,\"agent\":\"ingest-max\"}");
        }
        body.append("]}");

        HttpResponse<String> response = log(body.toString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("accepted").asInt()).isEqualTo(1_000);
        JsonNode row = agentRow("ingest-max");
        assertThat(row.path("requests").asLong()).isEqualTo(1_000);
        // 1000 × (10 × 1.5e-7 + 1 × 6e-7) = 1000 × 0.0000021
        assertThat(row.path("cost_usd").asDouble()).isCloseTo(0.0021, MICRO);
    }

    // ---------------------------------------------------------------- refused batches

    static Stream<Arguments> badEvents() {
        String base = "\"provider\": \"openai\", \"model\": \"gpt-4o-mini\"";
        String future = Instant.now().plus(Duration.ofHours(1)).toString();
        String beyondRetention = Instant.now().minus(Duration.ofDays(91)).toString(); // the default ledger.retention_days is 90
        return Stream.of(
                Arguments.of("input_tokens a string", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": \"12\", \"output_tokens\": 1}", "input_tokens"),
                Arguments.of("output_tokens fractional", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": 12, \"output_tokens\": 1.5}", "output_tokens"),
                Arguments.of("input_tokens negative", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": -1, \"output_tokens\": 1}", "input_tokens"),
                Arguments.of("output_tokens negative", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": 1, \"output_tokens\": -5}", "output_tokens"),
                Arguments.of("cached_tokens negative", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": 1, \"output_tokens\": 1, \"cached_tokens\": -1}", "cached_tokens"),
                Arguments.of("input_tokens beyond a billion", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": 2000000000, \"output_tokens\": 1}", "input_tokens"),
                Arguments.of("input_tokens missing", "{\"event_id\": \"%s\", " + base + ", \"output_tokens\": 1}", "input_tokens"),
                Arguments.of("cached_tokens above input_tokens", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": 10, \"output_tokens\": 1, \"cached_tokens\": 11}", "cached_tokens"),
                Arguments.of("cache reads and writes above input_tokens", "{\"event_id\": \"%s\", " + base
                        + ", \"input_tokens\": 10, \"output_tokens\": 1, \"cached_tokens\": 6, \"cache_write_tokens\": 5}", "cached_tokens"),
                Arguments.of("reasoning_tokens above output_tokens", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": 10, \"output_tokens\": 10, \"reasoning_tokens\": 11}", "reasoning_tokens"),
                Arguments.of("unknown field", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": 1, \"output_tokens\": 1, \"colour\": \"red\"}", "colour"),
                Arguments.of("provider missing", "{\"event_id\": \"%s\", \"model\": \"gpt-4o-mini\", \"input_tokens\": 1, \"output_tokens\": 1}", "provider"),
                Arguments.of("provider a number", "{\"event_id\": \"%s\", \"provider\": 7, \"model\": \"gpt-4o-mini\", \"input_tokens\": 1, \"output_tokens\": 1}", "provider"),
                Arguments.of("model missing", "{\"event_id\": \"%s\", \"provider\": \"openai\", \"input_tokens\": 1, \"output_tokens\": 1}", "model"),
                Arguments.of("model empty", "{\"event_id\": \"%s\", \"provider\": \"openai\", \"model\": \"\", \"input_tokens\": 1, \"output_tokens\": 1}", "model"),
                Arguments.of("event_id missing", "{" + base + ", \"input_tokens\": 1, \"output_tokens\": 1}", "event_id"),
                Arguments.of("event_id with a space", "{\"event_id\": \"%s x\", " + base + ", \"input_tokens\": 1, \"output_tokens\": 1}", "event_id"),
                Arguments.of("timestamp in the future", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": 1, \"output_tokens\": 1, \"timestamp\": \"" + future + "\"}", "timestamp"),
                Arguments.of("timestamp older than the 90-day retention", "{\"event_id\": \"%s\", " + base
                        + ", \"input_tokens\": 1, \"output_tokens\": 1, \"timestamp\": \"" + beyondRetention + "\"}", "timestamp"),
                Arguments.of("timestamp not a date", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": 1, \"output_tokens\": 1, \"timestamp\": \"yesterday\"}", "timestamp"),
                Arguments.of("timestamp a boolean", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": 1, \"output_tokens\": 1, \"timestamp\": true}", "timestamp"),
                Arguments.of("stream a string", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": 1, \"output_tokens\": 1, \"stream\": \"yes\"}", "stream"),
                Arguments.of("status out of range", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": 1, \"output_tokens\": 1, \"status\": 700}", "status"),
                Arguments.of("latency_ms negative", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": 1, \"output_tokens\": 1, \"latency_ms\": -1}", "latency_ms"),
                Arguments.of("agent with a line break", "{\"event_id\": \"%s\", " + base + ", \"input_tokens\": 1, \"output_tokens\": 1, \"agent\": \"a\\nb\"}", "agent"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEvents")
    void badEvent_refusesTheWholeBatch_namingTheField(String name, String badEvent, String field) {
        String goodId = unique("good");
        String badId = unique("bad");
        String body = "{\"events\": [{\"event_id\": \"" + goodId + "\", \"provider\": \"openai\", \"model\": \"gpt-4o-mini\","
                + " \"input_tokens\": 5, \"output_tokens\": 5, \"agent\": \"ingest-refused\"}, " + badEvent.formatted(badId) + "]}";

        HttpResponse<String> response = log(body);

        assertBadRequest(response, "events[1]." + field);
        assertThat(stored(goodId)).as("the valid event of a refused batch").isFalse();
        assertThat(stored(badId)).isFalse();
        assertThat(recentOf("ingest-refused")).isEmpty();
    }

    @Test
    void duplicateIdsWithinOneBatch_refuseTheBatch_namingTheSecond() {
        String id = unique("dup");
        String event = "{\"event_id\": \"" + id + "\", \"provider\": \"openai\", \"model\": \"gpt-4o-mini\", \"input_tokens\": 1,"
                + " \"output_tokens\": 1, \"agent\": \"ingest-refused\"}";

        HttpResponse<String> response = log("{\"events\": [" + event + ", " + event + "]}");

        assertBadRequest(response, "events[1].event_id");
        assertThat(JSON.readTree(response.body()).path("error").path("message").asString()).contains(id).contains("twice");
        assertThat(stored(id)).isFalse();
    }

    @Test
    void eventThatIsNotAnObject_refusesTheBatch() {
        String goodId = unique("good");

        HttpResponse<String> response = log("{\"events\": [{\"event_id\": \"" + goodId
                + "\", \"provider\": \"openai\", \"model\": \"gpt-4o-mini\", \"input_tokens\": 1, \"output_tokens\": 1}, 42]}");

        assertBadRequest(response, "events[1]");
        assertThat(stored(goodId)).isFalse();
    }

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"events\": [", null),
                Arguments.of("empty body", "", null),
                Arguments.of("trailing garbage", "{\"events\": []} x", null),
                Arguments.of("no events field", "{}", "events"),
                Arguments.of("events an object", "{\"events\": {}}", "events"),
                Arguments.of("events empty", "{\"events\": []}", "events"),
                Arguments.of("a bare string", "\"events\"", "events"),
                Arguments.of("an unknown top-level field", "{\"events\": [{\"event_id\": \"top-level-extra\", \"provider\": \"openai\","
                        + " \"model\": \"gpt-4o-mini\", \"input_tokens\": 1, \"output_tokens\": 1}], \"batch\": 1}", "batch"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badBody_isA400InOpenAiShape(String name, String body, String param) {
        HttpResponse<String> response = log(body);

        assertBadRequest(response, param);
        assertThat(stored("top-level-extra")).isFalse();
    }

    @Test
    void batchOverTheLimit_isA413_andNothingIsStored() {
        StringBuilder body = new StringBuilder("{\"events\":[");
        for (int i = 0; i < 1_001; i++) {
            body.append(i == 0 ? "" : ",").append("{\"event_id\":\"big-").append(i)
                    .append("\",\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"input_tokens\":1,\"output_tokens\":1,\"agent\":\"ingest-big\"}");
        }
        body.append("]}");

        HttpResponse<String> response = log(body.toString());

        assertThat(response.statusCode()).isEqualTo(413);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("batch_too_large");
        assertThat(error.path("param").asString()).isEqualTo("events");
        assertThat(error.path("message").asString()).contains("1001").contains("1000");
        assertThat(stored("big-0")).isFalse();
        assertThat(recentOf("ingest-big")).isEmpty();
    }

    @Test
    void missingOrWrongKey_isA401_andNothingIsStored() {
        String body = "{\"events\": [{\"event_id\": \"no-key-1\", \"provider\": \"openai\", \"model\": \"gpt-4o-mini\","
                + " \"input_tokens\": 1, \"output_tokens\": 1}]}";

        HttpResponse<String> missing = gateway.post("/api/log", body, "Content-Type", "application/json");
        HttpResponse<String> wrong = gateway.post("/api/log", body, "Authorization", "Bearer sk-wrong", "Content-Type", "application/json");

        for (HttpResponse<String> response : List.of(missing, wrong)) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(response.body()).path("error").path("type").asString()).isEqualTo("authentication_error");
        }
        assertThat(stored("no-key-1")).isFalse();
    }

    private static void assertBadRequest(HttpResponse<String> response, String param) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asString()).isNotBlank();
        if (param == null) {
            assertThat(error.path("param").isNull()).isTrue();
        } else {
            assertThat(error.path("param").asString()).isEqualTo(param);
            assertThat(error.path("message").asString()).startsWith(param);
        }
    }
}
