package dev.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.testing.GatewayExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Numbers no field can hold (beyond a long, beyond a double, negative where a count is meant), in every
 * numeric field of the admin and ingestion bodies: each is a 400 naming the field, never a 500. The
 * probe that found this sent {@code "timestamp": 100000000000000000000} to {@code /api/log} and got a 500
 * from a {@code long} conversion.
 */
class OutOfRangeNumbersTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-master-numbers";
    /** Past a long, past a double (parsed as infinity), negative past a long, and a fraction where a whole number is meant. */
    private static final List<String> HUGE = List.of("100000000000000000000", "1e400", "-1e400", "-100000000000000000000", "2.5");

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-master-numbers
            providers:
              - {name: sim, kind: simulated}
            """);

    static Stream<Arguments> ingestFields() {
        List<Arguments> out = new ArrayList<>();
        for (String field : List.of("timestamp", "input_tokens", "output_tokens", "cached_tokens", "cache_write_tokens",
                "reasoning_tokens", "latency_ms", "ttft_ms", "status")) {
            for (String value : HUGE) {
                out.add(Arguments.of(field, value));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "/api/log {0}: {1}")
    @MethodSource("ingestFields")
    void ingest_numberOutOfRange_isA400NamingTheField(String field, String value) {
        StringBuilder event = new StringBuilder("{\"event_id\":\"e1\",\"provider\":\"openai\",\"model\":\"gpt-4o-mini\"");
        if (!field.equals("input_tokens")) {
            event.append(",\"input_tokens\":10");
        }
        if (!field.equals("output_tokens")) {
            event.append(",\"output_tokens\":5");
        }
        event.append(",\"").append(field).append("\":").append(value).append('}');

        HttpResponse<String> r = gateway.post("/api/log", "{\"events\":[" + event + "]}", "Authorization", "Bearer " + MASTER);

        assertBadField(r, "events[0]." + field);
    }

    static Stream<Arguments> adminFields() {
        List<Arguments> out = new ArrayList<>();
        for (String value : HUGE) {
            out.add(Arguments.of("/governance/budgets", "{\"name\":\"b\",\"limit\":" + value + "}", "limit"));
            out.add(Arguments.of("/governance/budgets", "{\"name\":\"b\",\"metric\":\"cost_usd\",\"limit\":" + value + "}", "limit"));
            out.add(Arguments.of("/governance/budgets", "{\"name\":\"b\",\"limit\":5,\"thresholds\":[{\"at\":" + value
                    + ",\"action\":\"warn\"}]}", "thresholds[0].at"));
            out.add(Arguments.of("/governance/api-keys", "{\"name\":\"k\",\"limits\":{\"rpm\":" + value + "}}", "limits.rpm"));
            out.add(Arguments.of("/governance/api-keys", "{\"name\":\"k\",\"limits\":{\"tpm\":" + value + "}}", "limits.tpm"));
            out.add(Arguments.of("/governance/api-keys", "{\"name\":\"k\",\"expires_in_days\":" + value + "}", "expires_in_days"));
            out.add(Arguments.of("/api/token-usage/test-ai-call", "{\"ai_name\":\"a\",\"prompt\":\"hi\",\"max_tokens\":" + value + "}", "max_tokens"));
        }
        return out.stream().filter(a -> !(a.get()[2].equals("limit") && a.get()[1].toString().contains("cost_usd")
                && a.get()[1].toString().contains(":2.5}")));
    }

    @ParameterizedTest(name = "{0} {2}: {1}")
    @MethodSource("adminFields")
    void admin_numberOutOfRange_isA400NamingTheField(String path, String body, String field) {
        HttpResponse<String> r = gateway.post(path, body, "Authorization", "Bearer " + MASTER);

        assertBadField(r, field);
    }

    private static void assertBadField(HttpResponse<String> r, String field) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asString()).isEqualTo(field);
        assertThat(error.path("message").asString()).contains(field);
    }
}
