package dev.tollgate.policy.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.provider.Deployment;
import dev.tollgate.usage.PriceTable;
import dev.tollgate.usage.TokenCounter;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The most output a call may produce, which its budget reservation must cover and no more. */
class BudgetEstimatorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final BudgetEstimator ESTIMATOR = new BudgetEstimator(new TokenCounter(), PriceTable.bundled(JSON));

    private static Deployment deployment(ProviderKind kind, String model) {
        ProviderConfig p = new ProviderConfig(kind.name().toLowerCase(), kind, URI.create("http://127.0.0.1:1"), Optional.empty(),
                List.of("*"), "", Map.of(), TimeoutConfig.DEFAULTS, SimulatedConfig.DEFAULTS);
        return new Deployment(p, model, null);
    }

    private static ChatRequest chat(String model, Integer maxTokens) {
        return new ChatRequest(Optional.of(model), false, false, Optional.ofNullable(maxTokens),
                List.of(Message.text(Role.USER, "Summarise the report.")), List.of(), JSON.createObjectNode().put("model", model));
    }

    @Test
    void withoutMaxTokens_anAnthropicUpstream_isReservedForWhatItsAdapterAsks_notTheModelsWholeOutputLimit() {
        Deployment claude = deployment(ProviderKind.ANTHROPIC, "claude-sonnet-4-5");

        assertThat(ESTIMATOR.maxOutput(chat("claude-sonnet-4-5", null), claude))
                .as("the price map allows 64000; the adapter sends max_tokens 4096").isEqualTo(4_096);
        assertThat(ESTIMATOR.maxOutput(chat("claude-sonnet-4-5", 20_000), claude)).isEqualTo(20_000);
    }

    @Test
    void withoutMaxTokens_anOpenAiUpstream_isReservedForTheModelsOutputLimit() {
        Deployment gpt = deployment(ProviderKind.OPENAI, "gpt-4o-mini");

        assertThat(ESTIMATOR.maxOutput(chat("gpt-4o-mini", null), gpt)).isEqualTo(16_384);
        assertThat(ESTIMATOR.maxOutput(chat("gpt-4o-mini", 100), gpt)).isEqualTo(100);
    }

    @Test
    void imagesAtTheirLargest_andToolSchemas_areCountedAsPrompt() {
        TokenCounter tokens = new TokenCounter();
        String schema = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}";
        Message withImage = new Message(Role.USER, List.of(new dev.tollgate.model.ContentPart.Text("What is this?"),
                new dev.tollgate.model.ContentPart.Image("https://example.com/a.png", null)), List.of(), null, null);
        ChatRequest request = new ChatRequest(Optional.of("gpt-4o"), false, false, Optional.of(10), List.of(withImage),
                List.of(new dev.tollgate.model.ToolDefinition("get_weather", "The weather in a city", schema)),
                JSON.createObjectNode().put("model", "gpt-4o"));

        long extras = ESTIMATOR.extras(request, "gpt-4o");

        long tools = tokens.count("gpt-4o", "get_weather") + tokens.count("gpt-4o", "The weather in a city") + tokens.count("gpt-4o", schema);
        assertThat(extras).isEqualTo(BudgetEstimator.IMAGE_UPPER_BOUND - 85 + tools);
        assertThat(ESTIMATOR.extras(chat("gpt-4o", 10), "gpt-4o")).isZero();
    }

    @Test
    void aDeploymentsPromptBound_startsUnlearned_thenFollowsWhatItBilled_neverBelowItsKindsRatio_norAboveTheCap() {
        PromptCorrection correction = new PromptCorrection();
        Deployment claude = deployment(ProviderKind.ANTHROPIC, "claude-haiku-4-5");
        Deployment gpt = deployment(ProviderKind.OPENAI, "gpt-4o-mini");
        Deployment local = deployment(ProviderKind.OLLAMA, "llama3");

        assertThat(correction.upperBound(100, claude)).isEqualTo(400);
        correction.observe(claude, 100, new dev.tollgate.model.Usage(100, 5, 0, 0, false));
        correction.observe(gpt, 100, new dev.tollgate.model.Usage(100, 5, 0, 0, false));
        correction.observe(local, 10, new dev.tollgate.model.Usage(1_000, 5, 0, 0, false));

        assertThat(correction.upperBound(100, claude)).as("Anthropic's tokenizer counts more than OpenAI's").isEqualTo(130);
        assertThat(correction.upperBound(100, gpt)).isEqualTo(100);
        assertThat(correction.upperBound(100, local)).as("at most 4x").isEqualTo(400);
    }
}
