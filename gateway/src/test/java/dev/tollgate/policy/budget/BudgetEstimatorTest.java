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
}
