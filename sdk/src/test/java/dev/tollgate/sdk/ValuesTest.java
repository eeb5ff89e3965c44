package dev.tollgate.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The values the application builds are checked where it builds them, with messages that say what was expected. */
class ValuesTest {

    @Test
    void tokenUsage_refusesCountsTollgateWouldRefuse() {
        assertThatThrownBy(() -> TokenUsage.of(-1, 0)).hasMessage("input: -1 (expected: >= 0)");
        assertThatThrownBy(() -> TokenUsage.of(10, 5).withCached(8).withCacheWrite(3))
                .hasMessage("cached 8 + cacheWrite 3 (expected: at most input 10, which includes them)");
        assertThatThrownBy(() -> TokenUsage.of(10, 5).withReasoning(6)).hasMessage("reasoning: 6 (expected: at most output 5, which includes them)");
        assertThat(TokenUsage.of(10, 5).withReasoning(5).asEstimate()).isEqualTo(new TokenUsage(10, 5, 0, 0, 5, true));
    }

    @Test
    void callTags_refuseWhatTollgatesIngestionWouldRefuse() {
        assertThatThrownBy(() -> CallTags.agent("line\nbreak")).hasMessageStartingWith("agent: 'line?break' (expected: 1 to 128");
        assertThatThrownBy(() -> CallTags.feature("x".repeat(129))).hasMessageStartingWith("feature: ");
        assertThatThrownBy(() -> CallTags.DEFAULTS.withRequestId("has space")).hasMessageStartingWith("requestId: 'has space'");
        assertThat(CallTags.of("imperium", "chat_feature").orElse(new CallTags("a", "f", "r"))).isEqualTo(new CallTags("imperium", "chat_feature", "r"));
    }

    @Test
    void config_fromTheEnvironment() {
        TollgateConfig c = TollgateConfig.fromEnv(Map.of("TOLLGATE_API_URL", "http://gw:4000/", "TOLLGATE_API_KEY", "tg-abc",
                "TOLLGATE_DEFAULT_AGENT", "imperium", "TOLLGATE_DEFAULT_FEATURE", "chat_feature"));

        assertThat(c.enabled()).isTrue();
        assertThat(c.logUrl()).hasToString("http://gw:4000/api/log");
        assertThat(c.apiKey()).isEqualTo("tg-abc");
        assertThat(c.defaults()).isEqualTo(CallTags.of("imperium", "chat_feature"));
        assertThat(c.toString()).doesNotContain("tg-abc").contains("apiKey=(set)");
        assertThat(TollgateConfig.fromEnv(Map.of()).enabled()).isFalse();
        assertThatThrownBy(() -> TollgateConfig.fromEnv(Map.of("TOLLGATE_API_URL", "localhost:4000")))
                .hasMessageContaining("expected: the gateway's base URL");
        assertThatThrownBy(() -> TollgateConfig.fromEnv(Map.of("TOLLGATE_API_URL", "http://x", "TOLLGATE_DEFAULT_AGENT", "a\tb")))
                .hasMessageStartingWith("TOLLGATE_DEFAULT_AGENT / TOLLGATE_DEFAULT_FEATURE: agent:");
        assertThatThrownBy(() -> TollgateConfig.builder().apiUrl("http://x").batchSize(1001).build())
                .hasMessage("batchSize: 1001 (expected: 1 to 1000, the most /api/log takes at once)");
        assertThatThrownBy(() -> TollgateConfig.builder().apiUrl("http://x").flushInterval(Duration.ZERO).build())
                .hasMessage("flushInterval: PT0S (expected: a positive duration)");
    }

    @Test
    void usageRecord_cleansWhatProvidersSend_soABatchIsNeverRefusedForIt() {
        UsageRecord r = new UsageRecord("e1", Instant.EPOCH, "openai", " \u0007 ", TokenUsage.NONE, -5, -9, 429, "rate limit / too many",
                null, null, false, "chatcmpl 1", "chat");

        assertThat(List.of(r.model(), r.errorCode(), r.requestId())).containsExactly("unknown", "rate_limit___too_many", "chatcmpl_1");
        assertThat(r.latencyMs()).isZero();
        assertThat(r.ttftMs()).isEqualTo(-1);
    }

    @Test
    void json_escapesStrings_andLeavesOutWhatIsUnset() {
        UsageRecord r = new UsageRecord("e-1", Instant.parse("2026-03-01T10:15:30.123Z"), "anthropic", "model \"q\" \\ \u0001 é",
                new TokenUsage(100, 20, 30, 40, 5, true), 812, 95, 200, null, "imperium", "chat_feature", true, "msg_1", "chat");

        assertThat(UsageRecordJson.batch(List.of(r))).isEqualTo("{\"events\":[{\"event_id\":\"e-1\",\"timestamp\":\"2026-03-01T10:15:30.123Z\","
                + "\"provider\":\"anthropic\",\"model\":\"model \\\"q\\\" \\\\  é\",\"input_tokens\":100,\"output_tokens\":20,"
                + "\"cached_tokens\":30,\"cache_write_tokens\":40,\"reasoning_tokens\":5,\"latency_ms\":812,\"ttft_ms\":95,\"status\":200,"
                + "\"agent\":\"imperium\",\"feature\":\"chat_feature\",\"request_id\":\"msg_1\",\"endpoint\":\"chat\",\"stream\":true,"
                + "\"estimated\":true}]}");
    }

    @Test
    void json_escapesControlCharactersThatReachIt() {
        StringBuilder out = new StringBuilder();
        UsageRecordJson.event(out, new UsageRecord("e", Instant.EPOCH, "p", "m", TokenUsage.NONE, 0, -1, 200, null, "tab\there", null, false,
                null, "chat"));

        assertThat(out.toString()).contains("\"agent\":\"tab\\there\"");
    }
}
