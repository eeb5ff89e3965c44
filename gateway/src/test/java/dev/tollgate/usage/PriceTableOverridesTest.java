package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.config.ProviderKind;
import dev.tollgate.model.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Configured prices: {@code pricing.overrides} (by model and by provider/model), a newer price file, and
 * the cost formula's cache-write and reasoning terms. Every expected cost is worked out by hand in the
 * test from the prices it states.
 */
class PriceTableOverridesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Offset<Double> EXACT = within(1e-12);

    // From /work/shared/data/model_prices_and_context_window.json (US dollars per token):
    //   "gpt-4o-mini": input 1.5e-07, cache read 7.5e-08, output 6e-07 (no reasoning or cache-write price)
    //   "gpt-4o":      input 2.5e-06, cache read 1.25e-06, output 1e-05
    //   "claude-sonnet-4-20250514": input 3e-06, cache read 3e-07, cache creation 3.75e-06, output 1.5e-05

    private static PriceTable withOverrides(Map<String, PriceTable.PriceOverride> overrides) {
        return PriceTable.load(JSON, Optional.empty(), overrides);
    }

    private static PriceTable.PriceOverride inputOutput(Double input, Double output) {
        return new PriceTable.PriceOverride(input, output, null, null, null);
    }

    // ---------------------------------------------------------------- overrides

    @Test
    void modelOverride_replacesTheFieldsItSets_andKeepsTheTablesOthers() {
        PriceTable prices = withOverrides(Map.of("gpt-4o-mini", inputOutput(1e-06, null)));

        PriceTable.Cost cost = prices.cost(ProviderKind.OPENAI, "openai", "gpt-4o-mini", new Usage(1_000, 500, 200, 100, false));

        // 800 uncached × 1e-6 (override) + 200 cached × 7.5e-8 (table) + 400 output × 6e-7 (table)
        //   + 100 reasoning × 6e-7 (table's output price) = 0.0008 + 0.000015 + 0.00024 + 0.00006
        assertThat(cost.known()).isTrue();
        assertThat(cost.usd()).isCloseTo(0.001115, EXACT);
        // Models without an override keep the table's price: 1000 × 2.5e-6 + 100 × 1e-5.
        assertThat(prices.cost(ProviderKind.OPENAI, "openai", "gpt-4o", new Usage(1_000, 100, 0, 0, false)).usd())
                .isCloseTo(0.0035, EXACT);
    }

    @Test
    void providerQualifiedOverride_appliesOnlyToThatProvider_andBeatsTheModelOverride() {
        PriceTable prices = withOverrides(Map.of(
                "gpt-4o-mini", inputOutput(2e-07, 8e-07),
                "azure-east/gpt-4o-mini", inputOutput(1e-07, 4e-07)));
        Usage usage = new Usage(1_000, 1_000, 0, 0, false);

        // 1000 × 1e-7 + 1000 × 4e-7
        assertThat(prices.cost(ProviderKind.OPENAI_COMPATIBLE, "azure-east", "gpt-4o-mini", usage).usd()).isCloseTo(0.0005, EXACT);
        // Any other provider (or none named) gets the model override: 1000 × 2e-7 + 1000 × 8e-7
        assertThat(prices.cost(ProviderKind.OPENAI, "openai", "gpt-4o-mini", usage).usd()).isCloseTo(0.001, EXACT);
        assertThat(prices.cost(ProviderKind.OPENAI, null, "gpt-4o-mini", usage).usd()).isCloseTo(0.001, EXACT);
    }

    @Test
    void providerQualifiedOverride_keepsTheTablesPricesOfTheModelForUnsetFields() {
        PriceTable prices = withOverrides(Map.of("azure-east/gpt-4o-mini", inputOutput(1e-07, null)));

        PriceTable.Cost cost = prices.cost(ProviderKind.OPENAI_COMPATIBLE, "azure-east", "gpt-4o-mini", new Usage(1_000, 100, 400, 0, false));

        // 600 uncached × 1e-7 (override) + 400 cached × 7.5e-8 (table) + 100 output × 6e-7 (table)
        //   = 0.00006 + 0.00003 + 0.00006
        assertThat(cost.usd()).isCloseTo(0.00015, EXACT);
    }

    @Test
    void overrideOfALocalModel_makesItPriced() {
        Usage usage = new Usage(2_000, 1_000, 500, 0, false);
        assertThat(withOverrides(Map.of()).cost(ProviderKind.OLLAMA, "ollama", "llama3.1:8b", usage))
                .isEqualTo(new PriceTable.Cost(0, true));

        PriceTable prices = withOverrides(Map.of("llama3.1:8b", inputOutput(1e-07, 3e-07)));
        PriceTable.Cost cost = prices.cost(ProviderKind.OLLAMA, "ollama", "llama3.1:8b", usage);

        // Not in the table, so unset prices follow the override's: cache reads at its input price.
        // 1500 uncached × 1e-7 + 500 cached × 1e-7 + 1000 output × 3e-7 = 0.00015 + 0.00005 + 0.0003
        assertThat(cost.known()).isTrue();
        assertThat(cost.usd()).isCloseTo(0.0005, EXACT);
    }

    @Test
    void providerQualifiedOverrideOfALocalModel_pricesOnlyThatLocalProvider() {
        PriceTable prices = withOverrides(Map.of("gpu-box/qwen2.5:32b", inputOutput(2e-07, 2e-07)));
        Usage usage = new Usage(1_000, 1_000, 0, 0, false);

        // 1000 × 2e-7 + 1000 × 2e-7
        assertThat(prices.cost(ProviderKind.VLLM, "gpu-box", "qwen2.5:32b", usage).usd()).isCloseTo(0.0004, EXACT);
        assertThat(prices.cost(ProviderKind.VLLM, "laptop", "qwen2.5:32b", usage)).isEqualTo(new PriceTable.Cost(0, true));
    }

    @Test
    void overrideOfAnUnknownModel_withOnlyAnInputPrice_makesItKnown_withFreeOutput() {
        Usage usage = new Usage(100, 50, 0, 0, false);
        assertThat(withOverrides(Map.of()).cost(ProviderKind.OPENAI, "openai", "gpt-in-house", usage).known()).isFalse();

        PriceTable.Cost cost = withOverrides(Map.of("gpt-in-house", inputOutput(1e-06, null)))
                .cost(ProviderKind.OPENAI, "openai", "gpt-in-house", usage);

        // 100 × 1e-6 + 50 × 0
        assertThat(cost.known()).isTrue();
        assertThat(cost.usd()).isCloseTo(0.0001, EXACT);
    }

    // ---------------------------------------------------------------- price file

    @Test
    void newerPriceFile_replacesTheBundledTable_andOverridesApplyOnTop(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("prices.json");
        // LiteLLM's file opens with "sample_spec", a documentation row with text where numbers go.
        Files.writeString(file, """
                {"sample_spec": {"input_cost_per_token": 0.0, "output_cost_per_token": 0.0,
                                 "litellm_provider": "one of https://docs.litellm.ai/docs/providers",
                                 "max_input_tokens": "max input tokens, if the provider specifies it. if not default to max_tokens",
                                 "max_output_tokens": "max output tokens, if the provider specifies it. if not default to max_tokens",
                                 "mode": "one of: chat, embedding, completion, image_generation, audio_transcription"},
                 "gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-07,
                                 "cache_read_input_token_cost": 5e-08, "output_cost_per_token": 4e-07},
                 "gpt-7-preview": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 5e-06,
                                   "output_cost_per_token": 2e-05, "max_input_tokens": 400000}}
                """);

        PriceTable prices = PriceTable.load(JSON, Optional.of(file), Map.of("gpt-7-preview", inputOutput(null, 1e-05)));

        // gpt-4o-mini at the file's prices: 600 × 1e-7 + 400 cached × 5e-8 + 100 × 4e-7 = 0.00006 + 0.00002 + 0.00004
        assertThat(prices.cost(ProviderKind.OPENAI, "openai", "gpt-4o-mini", new Usage(1_000, 100, 400, 0, false)).usd())
                .isCloseTo(0.00012, EXACT);
        // A model only the new file knows, its output price overridden: 1000 × 5e-6 + 100 × 1e-5
        assertThat(prices.cost(ProviderKind.OPENAI, "openai", "gpt-7-preview", new Usage(1_000, 100, 0, 0, false)).usd())
                .isCloseTo(0.006, EXACT);
        assertThat(prices.find(ProviderKind.OPENAI, "gpt-7-preview")).hasValueSatisfying(p -> assertThat(p.maxInputTokens()).isEqualTo(400_000));
        // The file replaces the bundled table: a model only the bundled copy has is now unpriced.
        assertThat(prices.cost(ProviderKind.OPENAI, "openai", "gpt-4o", new Usage(1_000, 100, 0, 0, false)).known()).isFalse();
    }

    @Test
    void priceFileThatIsNotJson_isRefused_namingTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, "{\"gpt-4o-mini\": {\"input_cost_per_token\": ");

        assertThatThrownBy(() -> PriceTable.load(JSON, Optional.of(file), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(file.toString()).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> PriceTable.load(JSON, Optional.of(dir.resolve("missing.json")), Map.of()))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("missing.json");
    }

    // ---------------------------------------------------------------- cache writes and reasoning

    private static final PriceTable THINKING = PriceTable.parse(JSON.readTree("""
            {"acme-think": {"litellm_provider": "openai", "mode": "chat",
                            "input_cost_per_token": 3e-06, "cache_read_input_token_cost": 3e-07,
                            "cache_creation_input_token_cost": 3.75e-06, "output_cost_per_token": 1.5e-05,
                            "output_cost_per_reasoning_token": 6e-05},
             "acme-plain": {"litellm_provider": "openai", "mode": "chat",
                            "input_cost_per_token": 1e-06, "output_cost_per_token": 4e-06}}
            """));

    @Test
    void everyTermOfTheCostFormula_usesItsOwnPrice() {
        Usage usage = new Usage(10_000, 2_000, 4_000, 1_000, 1_500, false);

        PriceTable.Cost cost = THINKING.cost(ProviderKind.OPENAI, "openai", "acme-think", usage);

        // uncached input (10000 - 4000 cached - 1000 written) 5000 × 3e-6    = 0.015
        // cache reads                                         4000 × 3e-7    = 0.0012
        // cache writes                                        1000 × 3.75e-6 = 0.00375
        // plain output (2000 - 1500 reasoning)                 500 × 1.5e-5  = 0.0075
        // reasoning                                           1500 × 6e-5    = 0.09
        assertThat(cost.usd()).isCloseTo(0.11745, EXACT);
    }

    @Test
    void withoutCacheWriteOrReasoningPrices_theInputAndOutputPricesApply() {
        Usage usage = new Usage(1_000, 800, 0, 300, 600, false);

        PriceTable.Cost cost = THINKING.cost(ProviderKind.OPENAI, "openai", "acme-plain", usage);

        // 700 uncached × 1e-6 + 300 written × 1e-6 + 200 plain output × 4e-6 + 600 reasoning × 4e-6
        //   = 0.0007 + 0.0003 + 0.0008 + 0.0024
        assertThat(cost.usd()).isCloseTo(0.0042, EXACT);
    }

    @Test
    void reasoningAndCacheWriteOverrides_replaceOnlyThoseTerms() {
        PriceTable prices = THINKING.withOverrides(Map.of("acme-think", new PriceTable.PriceOverride(null, null, null, 5e-06, 1e-05)));

        PriceTable.Cost cost = prices.cost(ProviderKind.OPENAI, "openai", "acme-think", new Usage(10_000, 2_000, 4_000, 1_000, 1_500, false));

        // 5000 × 3e-6 + 4000 × 3e-7 + 1000 × 5e-6 (override) + 500 × 1.5e-5 + 1500 × 1e-5 (override)
        //   = 0.015 + 0.0012 + 0.005 + 0.0075 + 0.015
        assertThat(cost.usd()).isCloseTo(0.0437, EXACT);
    }

    @Test
    void bundledAnthropicModel_chargesCacheWritesAtItsCacheCreationPrice() {
        PriceTable prices = PriceTable.bundled(JSON);

        // Reported by the SDK for provider "anthropic", which is no configured kind.
        PriceTable.Cost cost = prices.cost(null, "anthropic", "claude-sonnet-4-20250514", new Usage(10_000, 800, 6_000, 2_000, 0, false));

        // 2000 uncached × 3e-6 + 6000 cached × 3e-7 + 2000 written × 3.75e-6 + 800 output × 1.5e-5
        //   = 0.006 + 0.0018 + 0.0075 + 0.012
        assertThat(cost.known()).isTrue();
        assertThat(cost.usd()).isCloseTo(0.0273, EXACT);
    }
}
