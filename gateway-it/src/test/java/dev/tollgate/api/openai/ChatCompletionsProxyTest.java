package dev.tollgate.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import dev.tollgate.testing.RecordedRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Same-dialect passthrough: what the client sends reaches the upstream intact, and every call is recorded. */
class ChatCompletionsProxyTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    @Order(1)
    static final MockUpstream upstream = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - name: openai
                kind: openai
                base_url: ${UPSTREAM}
                api_key: sk-upstream-secret
              - name: local
                kind: openai_compatible
                base_url: ${UPSTREAM}
                headers:
                  x-extra: from-config
            """).env("UPSTREAM", () -> upstream.baseUrl().toString());

    @Test
    void unknownAndAdvancedFields_reachTheUpstreamUnchanged() {
        String body = """
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Reply in JSON"}],
                 "response_format":{"type":"json_object"},"n":2,"stop":["\\n\\n"],"seed":7,"logprobs":true,"top_logprobs":2,
                 "logit_bias":{"50256":-100},"temperature":0.2,"user":"u-42","future_field":{"nested":[1,"two",null,true]}}
                """;

        HttpResponse<String> response = gateway.post("/v1/chat/completions", body);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode sent = JSON.readTree(upstream.takeRequest().body());
        assertThat(sent).isEqualTo(JSON.readTree(body));
    }

    @Test
    void prefixedModel_isSentWithoutItsPrefix_withTheProvidersHeaders() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"local/llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        RecordedRequest sent = upstream.takeRequest();
        assertThat(JSON.readTree(sent.body()).path("model").asString()).isEqualTo("llama3.2");
        assertThat(sent.header("x-extra")).isEqualTo("from-config");
        assertThat(sent.header("authorization")).isNull();
        assertThat(response.headers().firstValue("x-tollgate-provider")).contains("local");
        assertThat(response.headers().firstValue("x-tollgate-model")).contains("llama3.2");
    }

    @Test
    void response_carriesTollgateHeaders_andTheClientsRequestId() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "X-Tollgate-Request-Id", "trace-123", "X-Tollgate-Agent", "imperium", "X-Tollgate-Feature", "chat_feature");

        assertThat(response.headers().firstValue("x-tollgate-request-id")).contains("trace-123");
        assertThat(response.headers().firstValue("x-tollgate-provider")).contains("openai");
        assertThat(response.headers().firstValue("x-tollgate-model")).contains("gpt-4o-mini");
        assertThat(response.headers().firstValue("x-tollgate-cache")).contains("miss");
        assertThat(response.headers().firstValue("x-tollgate-routing-reason")).hasValueSatisfying(r -> assertThat(r).contains("openai"));
        double cost = Double.parseDouble(response.headers().firstValue("x-tollgate-cost-usd").orElseThrow());
        UsageEvent event = gateway.event("trace-123");
        assertThat(event.agent()).isEqualTo("imperium");
        assertThat(event.feature()).isEqualTo("chat_feature");
        assertThat(event.usage()).isEqualTo(OpenAiFixtures.DEFAULT_USAGE);
        assertThat(event.costUsd()).isPositive().isCloseTo(cost, org.assertj.core.data.Offset.offset(1e-8));
        assertThat(event.orgId()).isEqualTo("default");
    }

    @Test
    void streamWithoutIncludeUsage_asksUpstreamForUsage_butHidesTheUsageChunk() {
        upstream.enqueue(MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", List.of("a", "b"), new Usage(9, 2, 4, 0, false))));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "X-Tollgate-Request-Id", "stream-no-usage");

        ObjectNode sent = (ObjectNode) JSON.readTree(upstream.takeRequest().body());
        assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
        List<String> events = dataLines(response.body());
        assertThat(events).last().isEqualTo("[DONE]");
        assertThat(events).noneMatch(e -> e.contains("\"prompt_tokens\""));
        assertThat(events).hasSize(5);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(gateway.event("stream-no-usage").usage()).isEqualTo(new Usage(9, 2, 4, 0, false));
    }

    @Test
    void streamWithIncludeUsage_deliversTheUsageChunk() {
        upstream.enqueue(MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", List.of("a"), new Usage(9, 1, 0, 0, false))));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        List<String> events = dataLines(response.body());
        JsonNode usageChunk = JSON.readTree(events.get(events.size() - 2));
        assertThat(usageChunk.path("choices").isEmpty()).isTrue();
        assertThat(usageChunk.path("usage").path("prompt_tokens").asInt()).isEqualTo(9);
    }

    @Test
    void streamedToolCall_splitAcrossChunks_arrivesWhole() {
        upstream.enqueue(MockResponse.sse(OpenAiFixtures.toolCallChunks("gpt-4o", "call_DdmO9pD3xa9XTPNJ32zg2hcA",
                "get_current_weather", List.of("{\"", "location", "\":\"", "Boston", ", MA\"}"), new Usage(80, 17, 0, 0, false))));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"Weather in Boston?"}],
                 "tools":[{"type":"function","function":{"name":"get_current_weather","parameters":{"type":"object"}}}]}
                """, "X-Tollgate-Request-Id", "stream-tool");

        StringBuilder arguments = new StringBuilder();
        for (String event : dataLines(response.body())) {
            if (!event.equals("[DONE]")) {
                JSON.readTree(event).path("choices").forEach(c -> c.path("delta").path("tool_calls")
                        .forEach(t -> arguments.append(t.path("function").path("arguments").asString(""))));
            }
        }
        assertThat(arguments).hasToString("{\"location\":\"Boston, MA\"}");
        assertThat(gateway.event("stream-tool").usage().outputTokens()).isEqualTo(17);
    }

    @Test
    void upstreamWithoutUsage_isCountedLocally_andFlaggedEstimated() {
        upstream.enqueue(MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", List.of("The answer", " is forty-two."), null)));
        upstream.enqueue(MockResponse.json(200, """
                {"id":"x","object":"chat.completion","created":1,"model":"gpt-4o-mini",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"The answer is forty-two."},"finish_reason":"stop"}]}
                """));

        gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"What is the answer?\"}]}",
                "X-Tollgate-Request-Id", "no-usage-stream");
        gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the answer?\"}]}",
                "X-Tollgate-Request-Id", "no-usage-plain");

        Usage streamed = gateway.event("no-usage-stream").usage();
        Usage plain = gateway.event("no-usage-plain").usage();
        assertThat(streamed.estimated()).isTrue();
        assertThat(streamed.outputTokens()).isPositive();
        assertThat(streamed.inputTokens()).isPositive();
        assertThat(plain).isEqualTo(streamed);
    }

    @Test
    void everyCall_producesExactlyOneEvent() {
        long before = gateway.events().size();
        for (int i = 0; i < 5; i++) {
            gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"n" + i + "\"}]}");
        }
        gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"s\"}]}");
        gateway.post("/v1/chat/completions", "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

        assertThat(gateway.events()).hasSize((int) before + 7);
    }

    @Test
    void concurrentCalls_eachGetTheirAnswer_andExactlyOneEvent() throws Exception {
        int threads = 32;
        int perThread = 10;
        java.util.concurrent.ConcurrentLinkedQueue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        boolean stream = (thread + i) % 2 == 0;
                        String id = "c-" + thread + "-" + i;
                        HttpResponse<String> r = gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream
                                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + id + "\"}]}", "X-Tollgate-Request-Id", id);
                        boolean complete = r.statusCode() == 200 && (stream ? r.body().endsWith("data: [DONE]\n\n") : r.body().contains("\"usage\""));
                        if (!complete) {
                            failures.add(id + ": " + r.statusCode());
                        }
                    }
                });
            }
        }
        assertThat(failures).isEmpty();
        java.util.Map<String, Long> perRequest = gateway.events().stream().filter(e -> e.requestId().startsWith("c-"))
                .collect(java.util.stream.Collectors.groupingBy(UsageEvent::requestId, java.util.stream.Collectors.counting()));
        assertThat(perRequest).hasSize(threads * perThread);
        assertThat(perRequest.values()).containsOnly(1L);
    }

    static List<String> dataLines(String body) {
        return body.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    }
}
