package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.BudgetSnapshot;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.AnthropicFixtures;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every way a call ends, for both dialects and for {@code test-ai-call}, over real HTTP: exactly one usage
 * event, and every counter the call touched (the budget, the key's and the deployment's tokens per minute)
 * settled exactly once, to exactly what the event bills. The counters are the embedded ones, recorded.
 */
class CallEndingsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MASTER = "sk-master-endings";
    private static final Usage OPENAI_USAGE = new Usage(11, 4, 0, 0, false);
    private static final AnthropicFixtures.Tokens ANTHROPIC_TOKENS = new AnthropicFixtures.Tokens(11, 0, 0, 4);

    private static final RecordingCounterStore COUNTERS = new RecordingCounterStore();
    private static final List<BudgetSnapshot> SETTLED = new CopyOnWriteArrayList<>();

    @RegisterExtension
    @Order(1)
    static final MockUpstream openai = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final MockUpstream anthropic = new MockUpstream();

    @RegisterExtension
    @Order(3)
    // One scripted failure is one ending: no retries, no breakers (RetriesTest covers how retried calls settle).
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            master_key: sk-master-endings
            providers:
              - {name: openai, kind: openai, base_url: "${OPENAI}", api_key: sk-up, limits: {rpm: 100000, tpm: 1000000000}, retries: {max: 0}, circuit_breaker: {enabled: false}}
              - {name: anthropic, kind: anthropic, base_url: "${ANTHROPIC}", api_key: sk-ant, limits: {rpm: 100000, tpm: 1000000000}, retries: {max: 0}, circuit_breaker: {enabled: false}}
            budgets:
              - {name: endings, scope: {agent: "*"}, metric: tokens, period: month, limit: 1000000000}
            """).env("OPENAI", () -> openai.baseUrl().toString()).env("ANTHROPIC", () -> "http://127.0.0.1:" + anthropic.port())
            .stores(COUNTERS.stores())
            .listener(new PipelineListener() {
                @Override
                public void budgetSettled(BudgetSnapshot snapshot) {
                    SETTLED.add(snapshot);
                }
            });

    private static String key;
    private static final AtomicInteger CALLS = new AtomicInteger();

    /** An issued key with its own token limit, so the key's counters are settled too. */
    @BeforeAll
    static void issueKey() {
        HttpResponse<String> created = gateway.post("/governance/api-keys",
                "{\"name\":\"endings\",\"scopes\":[\"infer\",\"admin\"],\"limits\":{\"rpm\":100000,\"tpm\":1000000000}}",
                "authorization", "Bearer " + MASTER);
        assertThat(created.statusCode()).isEqualTo(200);
        key = JSON.readTree(created.body()).get("key").asString();
    }

    enum Dialect {
        OPENAI("/v1/chat/completions", "gpt-4o-mini"), ANTHROPIC("/v1/messages", "claude-sonnet-4-5");

        final String path;
        final String model;

        Dialect(String path, String model) {
            this.path = path;
            this.model = model;
        }

        String body(boolean stream) {
            String tail = stream ? (this == OPENAI ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : ",\"stream\":true") : "";
            return "{\"model\":\"" + model + "\",\"max_tokens\":500,\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]" + tail + "}";
        }

        MockUpstream mock() {
            return this == OPENAI ? openai : anthropic;
        }

        Usage billed() {
            return this == OPENAI ? OPENAI_USAGE : ANTHROPIC_TOKENS.usage();
        }

        MockResponse whole() {
            return this == OPENAI ? MockResponse.json(200, OpenAiFixtures.chatCompletion(model, "Hi there.", OPENAI_USAGE))
                    : MockResponse.json(200, AnthropicFixtures.message(model, "Hi there.", "end_turn", ANTHROPIC_TOKENS));
        }

        List<String> stream(List<String> pieces) {
            return this == OPENAI ? OpenAiFixtures.chunks(model, pieces, OPENAI_USAGE)
                    : AnthropicFixtures.textStream(model, pieces, "end_turn", ANTHROPIC_TOKENS);
        }

        MockResponse failing() {
            return this == OPENAI ? OpenAiFixtures.error(500, "server_error", null, "The server had an error")
                    : AnthropicFixtures.error(500, "api_error", "Internal server error");
        }

        /** The stream's first events, then the upstream's own error event. */
        MockResponse errorMidStream() {
            List<String> events = new ArrayList<>(stream(List.of("Hi", " there", " again")).subList(0, 4));
            events.add(this == OPENAI ? "{\"error\":{\"message\":\"The server is overloaded\",\"type\":\"server_error\"}}"
                    : AnthropicFixtures.errorEvent("overloaded_error", "Overloaded"));
            return MockResponse.sse(events);
        }
    }

    /** How a call ends, as the client sees it, and what its usage event says. */
    enum Ending {
        DELIVERED(200, null), DELIVERED_STREAMED(200, null), FAILED_BEFORE_FIRST_BYTE(502, "upstream_error"),
        FAILED_AFTER_FIRST_BYTE(200, "upstream_stream_failed"), STREAM_CUT(200, "upstream_stream_failed"),
        CLIENT_GONE(499, "client_closed_request");

        final int status;
        final String code;

        Ending(int status, String code) {
            this.status = status;
            this.code = code;
        }
    }

    static Stream<Arguments> endings() {
        List<Arguments> out = new ArrayList<>();
        for (Dialect dialect : Dialect.values()) {
            for (Ending ending : Ending.values()) {
                out.add(Arguments.of(dialect, ending));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} client: {1}")
    @MethodSource("endings")
    @Timeout(60)
    void everyEnding_isOneUsageEvent_andOneSettlementOfEveryCounter(Dialect dialect, Ending ending) throws Exception {
        String agent = "agent-" + CALLS.incrementAndGet();
        int before = COUNTERS.changes.size();
        int settledBefore = SETTLED.size();
        switch (ending) {
            case DELIVERED -> {
                dialect.mock().enqueue(dialect.whole());
                assertThat(call(dialect, agent, false).statusCode()).isEqualTo(200);
            }
            case DELIVERED_STREAMED -> {
                dialect.mock().enqueue(MockResponse.sse(dialect.stream(List.of("Hi", " there."))));
                assertThat(call(dialect, agent, true).body()).doesNotContain("upstream_stream_failed");
            }
            case FAILED_BEFORE_FIRST_BYTE -> {
                dialect.mock().enqueue(dialect.failing());
                assertThat(call(dialect, agent, false).statusCode()).isEqualTo(502);
            }
            case FAILED_AFTER_FIRST_BYTE -> {
                dialect.mock().enqueue(dialect.errorMidStream());
                assertThat(call(dialect, agent, true).body()).contains("Hi").contains("the answer above is incomplete");
            }
            case STREAM_CUT -> {
                dialect.mock().enqueue(MockResponse.sse(dialect.stream(List.of("Hi", " there", " again", " and again")))
                        .withFault(MockResponse.Fault.RESET, 4));
                assertThat(call(dialect, agent, true).body()).contains("Hi").contains("the answer above is incomplete");
            }
            case CLIENT_GONE -> hangUpAfterTheFirstEvent(dialect, agent);
        }
        UsageEvent event = theOneEventOf(agent);

        assertThat(event.status()).isEqualTo(ending.status);
        assertThat(event.errorCode()).isEqualTo(ending.code);
        switch (ending) {
            case DELIVERED, DELIVERED_STREAMED -> assertThat(event.usage()).isEqualTo(dialect.billed());
            case FAILED_BEFORE_FIRST_BYTE -> assertThat(event.usage()).isEqualTo(Usage.NONE);
            default -> assertThat(event.usage().outputTokens()).as("what was delivered is billed").isPositive();
        }
        assertSettledOnce(before, event, dialect == Dialect.OPENAI ? "openai" : "anthropic");
        // A call that failed before any answer holds nothing at its end (the failed attempt gave its reservation back).
        assertThat(SETTLED.size() - settledBefore).as("the one matching budget's standing, reported once")
                .isEqualTo(ending == Ending.FAILED_BEFORE_FIRST_BYTE ? 0 : 1);
    }

    @Test
    void testAiCall_delivered_andFailed_eachEndOnce_andSettleEveryCounterOnce() {
        for (boolean fails : List.of(false, true)) {
            String agent = "test-call-" + CALLS.incrementAndGet();
            int before = COUNTERS.changes.size();
            openai.enqueue(fails ? Dialect.OPENAI.failing() : Dialect.OPENAI.whole());
            HttpResponse<String> response = gateway.post("/api/token-usage/test-ai-call",
                    "{\"ai_name\":\"" + agent + "\",\"prompt\":\"Say hi\",\"model\":\"gpt-4o-mini\",\"max_tokens\":500}",
                    "authorization", "Bearer " + key);
            assertThat(response.statusCode()).isEqualTo(fails ? 502 : 200);
            UsageEvent event = theOneEventOf(agent);
            assertThat(event.usage()).isEqualTo(fails ? Usage.NONE : OPENAI_USAGE);
            if (!fails) {
                assertThat(JSON.readTree(response.body()).get("request_id").asString()).isEqualTo(event.requestId());
            }
            assertSettledOnce(before, event, "openai");
        }
    }

    private static HttpResponse<String> call(Dialect dialect, String agent, boolean stream) {
        return gateway.post(dialect.path, dialect.body(stream), dialect == Dialect.OPENAI ? "authorization" : "x-api-key",
                dialect == Dialect.OPENAI ? "Bearer " + key : key, "x-tollgate-agent", agent);
    }

    /** A raw client that reads the first event and closes; the upstream holds the rest until then. */
    private static void hangUpAfterTheFirstEvent(Dialect dialect, String agent) throws Exception {
        CountDownLatch upstreamMayContinue = new CountDownLatch(1);
        dialect.mock().enqueue(MockResponse.sse(dialect.stream(Collections.nCopies(400, " word")))
                .withGateAfterFirstEvent(upstreamMayContinue).withEventGap(Duration.ofMillis(5)));
        String body = dialect.body(true);
        String auth = dialect == Dialect.OPENAI ? "Authorization: Bearer " + key : "x-api-key: " + key;
        try (Socket socket = new Socket("127.0.0.1", gateway.baseUrl().getPort())) {
            socket.getOutputStream().write(("POST " + dialect.path + " HTTP/1.1\r\nHost: localhost\r\n" + auth + "\r\nX-Tollgate-Agent: "
                    + agent + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null && !line.startsWith("data: "); line = reader.readLine()) {
                // the status line and headers
            }
        }
        upstreamMayContinue.countDown();
    }

    /** The call's usage event, once it is there; exactly one per call. */
    private static UsageEvent theOneEventOf(String agent) {
        List<UsageEvent> events = Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> gateway.events().stream().filter(e -> agent.equals(e.agent())).toList(), found -> !found.isEmpty());
        List<UsageEvent> all = gateway.events().stream().filter(e -> agent.equals(e.agent())).toList();
        assertThat(all).as("usage events of the call").hasSize(1).isEqualTo(events);
        return all.getFirst();
    }

    /**
     * Each counter family the call touched (its budget, the key's and the deployment's tokens per minute)
     * was settled by exactly one adjustment, and ends exactly at the tokens the event bills.
     */
    private static void assertSettledOnce(int before, UsageEvent event, String provider) {
        List<RecordingCounterStore.Change> changes = List.copyOf(COUNTERS.changes.subList(before, COUNTERS.changes.size()));
        long billed = event.usage().totalTokens();
        for (String family : List.of("budget|endings|tokens|org=" + event.orgId() + ",agent=" + event.agent() + "|", "rl:key:" + event.keyId() + ":tpm:",
                "rl:deployment:" + provider + ":tpm:")) {
            List<RecordingCounterStore.Change> mine = changes.stream().filter(c -> c.key().startsWith(family)).toList();
            assertThat(mine.stream().filter(c -> c.kind().equals("reserve"))).as(family + " reserved once").hasSize(1);
            assertThat(mine.stream().filter(c -> c.kind().equals("adjust"))).as(family + " settled once").hasSize(1);
            assertThat(mine.stream().mapToLong(RecordingCounterStore.Change::amount).sum()).as(family + " ends at what was billed")
                    .isEqualTo(billed);
        }
    }
}
