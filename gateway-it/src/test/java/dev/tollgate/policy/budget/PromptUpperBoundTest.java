package dev.tollgate.policy.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.api.anthropic.AnthropicMessagesParser;
import dev.tollgate.api.openai.OpenAiChatParser;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.testing.AnthropicFixtures;
import dev.tollgate.testing.MockResponse;
import dev.tollgate.testing.MockUpstream;
import dev.tollgate.testing.OpenAiFixtures;
import dev.tollgate.usage.TokenCounter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Upstreams whose tokenizers bill 4× the prompt Tollgate counts, under 200 concurrent calls per route: a hard
 * per-agent budget is never passed (counter and ledger), plain, streamed and in Anthropic's dialect, and the
 * counter ends exactly at what was billed.
 */
class PromptUpperBoundTest {

    private static final int CALLS = 200;
    private static final int MAX_TOKENS = 5;
    private static final int RATIO = 4;
    private static final long LIMIT = 2_000;
    private static final String PROMPT = "How many tokens does this prompt have?";

    @RegisterExtension
    static final MockUpstream openai = new MockUpstream();
    @RegisterExtension
    static final MockUpstream anthropic = new MockUpstream();

    static BudgetGateway gateway;

    @BeforeAll
    static void start() {
        gateway = new BudgetGateway("""
                providers:
                  - {name: openai, kind: openai, base_url: "${OPENAI}", api_key: sk-upstream}
                  - {name: anthropic, kind: anthropic, base_url: "${ANTHROPIC}", api_key: sk-ant-upstream}
                budgets:
                  - {name: per-agent, scope: {agent: "*"}, metric: tokens, period: month, limit: %d}
                """.formatted(LIMIT), Map.of("OPENAI", openai.baseUrl().toString(), "ANTHROPIC", anthropic.baseUrl().toString()),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        gateway = null;
    }

    private static String openAiBody(boolean stream) {
        return "{\"model\":\"gpt-4o-mini\",\"max_tokens\":" + MAX_TOKENS + (stream ? ",\"stream\":true" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
    }

    private static String anthropicBody() {
        return "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":" + MAX_TOKENS
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]}";
    }

    /** What the upstream bills for the prompt: {@value #RATIO}× the gateway's own count of it. */
    private static long billedPrompt(ChatRequest request, String model) {
        return RATIO * (long) new TokenCounter().countPrompt(model, request.messages());
    }

    @Test
    void chatCompletions_neverPassTheLimit() throws Exception {
        long prompt = billedPrompt(new OpenAiChatParser(BudgetGateway.JSON).parse(openAiBody(false).getBytes(StandardCharsets.UTF_8)), "gpt-4o-mini");
        openai.fallback(r -> MockResponse.json(200, OpenAiFixtures.chatCompletion("gpt-4o-mini", "ok", new Usage(prompt, MAX_TOKENS, 0, 0, false))));

        assertWithinLimit("chat", "/v1/chat/completions", openAiBody(false));
    }

    @Test
    void streamedChatCompletions_neverPassTheLimit() throws Exception {
        long prompt = billedPrompt(new OpenAiChatParser(BudgetGateway.JSON).parse(openAiBody(true).getBytes(StandardCharsets.UTF_8)), "gpt-4o-mini");
        openai.fallback(r -> MockResponse.sse(OpenAiFixtures.chunks("gpt-4o-mini", List.of("o", "k", "!", "!", "!"),
                new Usage(prompt, MAX_TOKENS, 0, 0, false))));

        assertWithinLimit("stream", "/v1/chat/completions", openAiBody(true));
    }

    @Test
    void anthropicMessages_neverPassTheLimit() throws Exception {
        long prompt = billedPrompt(new AnthropicMessagesParser(BudgetGateway.JSON).parse(anthropicBody().getBytes(StandardCharsets.UTF_8)),
                "claude-haiku-4-5");
        anthropic.fallback(r -> MockResponse.json(200, AnthropicFixtures.message("claude-haiku-4-5", "ok", "max_tokens",
                new AnthropicFixtures.Tokens(prompt, 0, 0, MAX_TOKENS))));

        assertWithinLimit("messages", "/v1/messages", anthropicBody());
    }

    private static void assertWithinLimit(String agent, String path, String body) throws Exception {
        Map<Integer, Integer> byStatus = burst(agent, path, body);

        gateway.gateway().ledger().flush();
        List<UsageEvent> events = gateway.gateway().ledger().recent(UsageFilter.ALL.withAgent(agent), 10_000);
        long billed = events.stream().mapToLong(e -> e.usage().totalTokens()).sum();
        assertThat(byStatus.get(200)).as("the budget lets calls through").isPositive();
        assertThat(byStatus.get(429)).as("and refuses the rest").isPositive();
        assertThat(byStatus.get(200) + byStatus.get(429)).isEqualTo(CALLS);
        assertThat(events).hasSize(CALLS);
        assertThat(billed).as("the ledger's sum").isPositive().isLessThanOrEqualTo(LIMIT);
        assertThat(gateway.used(agent, null)).as("the counter settles to what was billed").isEqualTo(billed);
    }

    private static Map<Integer, Integer> burst(String agent, String path, String body) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.gateway().baseUrl() + path))
                .timeout(Duration.ofSeconds(30)).header("x-tollgate-agent", agent).header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        Map<Integer, Integer> byStatus = new ConcurrentHashMap<>();
        for (HttpResponse<String> r : BudgetGateway.burst(CALLS, () -> http.send(request, HttpResponse.BodyHandlers.ofString()))) {
            byStatus.merge(r.statusCode(), 1, Integer::sum);
        }
        return byStatus;
    }
}
