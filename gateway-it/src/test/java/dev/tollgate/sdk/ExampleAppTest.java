package dev.tollgate.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.AnthropicFixtures;
import dev.tollgate.testing.GatewayExtension;
import dev.tollgate.testing.GeminiFixtures;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The example application ({@code examples/tracked-app}, built by the reactor) run as a user runs it: its
 * own process, configured by environment variables only, calling the three mock providers and reporting
 * to a running gateway. On a machine with a Java 17 runtime ({@code /usr/lib/jvm/java-17-openjdk-amd64},
 * which the build image has) it runs on Java 17, the SDK's minimum; elsewhere on the test's own runtime.
 */
class ExampleAppTest {

    private static final String KEY = "sk-example-app";
    private static final Path JAVA_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");

    @RegisterExtension
    @Order(1)
    static final MockUpstream openai = new MockUpstream();

    @RegisterExtension
    @Order(2)
    static final MockUpstream anthropic = new MockUpstream();

    @RegisterExtension
    @Order(3)
    static final MockUpstream gemini = new MockUpstream();

    @RegisterExtension
    @Order(4)
    static final GatewayExtension gateway = GatewayExtension.yaml("master_key: " + KEY + "\n");

    @BeforeEach
    void providersAnswerInTheirOwnFormat() {
        anthropic.fallback(AnthropicFixtures::answer);
        gemini.fallback(GeminiFixtures::answer);
    }

    @Test
    void theExampleCallsEachProviderPlainAndStreamed_andAllSixEventsReachTollgate() throws Exception {
        boolean on17 = Files.isExecutable(JAVA_17);
        String java = on17 ? JAVA_17.toString() : ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.tollgate.examples.tracked.TrackedApp").redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("OPENAI_") || k.startsWith("ANTHROPIC_") || k.startsWith("GEMINI_")
                || k.startsWith("GOOGLE_") || k.startsWith("TOLLGATE_"));
        env.putAll(Map.of("TOLLGATE_API_URL", gateway.baseUrl().toString(), "TOLLGATE_API_KEY", KEY,
                "TOLLGATE_DEFAULT_AGENT", "example-app",
                "OPENAI_API_KEY", "sk-openai-upstream", "OPENAI_BASE_URL", openai.baseUrl().toString(),
                "ANTHROPIC_API_KEY", "sk-ant-upstream", "ANTHROPIC_BASE_URL", "http://127.0.0.1:" + anthropic.port(),
                "GEMINI_API_KEY", "gemini-upstream-key", "GEMINI_BASE_URL", "http://127.0.0.1:" + gemini.port()));

        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("tracked-app on Java " + (on17 ? "17." : ""))
                .contains("openai: " + OpenAiFixtures.DEFAULT_ANSWER, "openai, streamed: " + OpenAiFixtures.DEFAULT_ANSWER)
                .contains("anthropic: " + AnthropicFixtures.DEFAULT_ANSWER, "anthropic, streamed: " + AnthropicFixtures.DEFAULT_ANSWER)
                .contains("gemini: " + GeminiFixtures.DEFAULT_ANSWER, "gemini, streamed: " + GeminiFixtures.DEFAULT_ANSWER)
                .contains("tollgate: 6 of 6 usage events delivered");
        List<UsageEvent> events = gateway.events().stream().filter(e -> "example-app".equals(e.agent())).toList();
        assertThat(events).hasSize(6).allSatisfy(e -> {
            assertThat(e.feature()).isEqualTo("tracked-app");
            assertThat(e.source()).isEqualTo("sdk");
        });
        Map<String, String> perCall = new TreeMap<>(events.stream().collect(Collectors.toMap(e -> e.provider() + (e.stream() ? " streamed" : ""),
                e -> e.model() + " " + e.usage().inputTokens() + "/" + e.usage().outputTokens())));
        assertThat(perCall).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                "anthropic", "claude-sonnet-4-5 21/12", "anthropic streamed", "claude-sonnet-4-5 21/12",
                "gemini", "gemini-2.5-flash 8/10", "gemini streamed", "gemini-2.5-flash 8/10",
                "openai", "gpt-4o-mini 19/10", "openai streamed", "gpt-4o-mini 19/10")));
    }
}
