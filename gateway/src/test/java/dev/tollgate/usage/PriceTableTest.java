package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.config.ProviderKind;
import dev.tollgate.model.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

class PriceTableTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PriceTable PRICES = PriceTable.bundled(JSON);

    // From /work/shared/data/model_prices_and_context_window.json, entry "gpt-4o-mini" (US dollars per token):
    //   "input_cost_per_token": 1.5e-07, "cache_read_input_token_cost": 7.5e-08, "output_cost_per_token": 6e-07,
    //   "max_input_tokens": 128000, "max_output_tokens": 16384.
    private static final double GPT_4O_MINI_INPUT = 1.5e-07;
    private static final double GPT_4O_MINI_CACHE_READ = 7.5e-08;
    private static final double GPT_4O_MINI_OUTPUT = 6e-07;

    private static final double EXACT = 1e-15;

    @Test
    void gpt4oMini_isPricedPerToken_fromTheBundledTable() {
        PriceTable.Cost cost = PRICES.cost(ProviderKind.OPENAI, "gpt-4o-mini", new Usage(1_000_000, 1_000_000, 0, 0, false));

        assertThat(cost.known()).isTrue();
        // 1M input tokens × $0.15/M + 1M output tokens × $0.60/M
        assertThat(cost.usd()).isCloseTo(0.15 + 0.60, within(EXACT));
    }

    @Test
    void cachedInputTokens_arePricedAtTheCacheReadRate() {
        Usage usage = new Usage(2_006, 300, 1_920, 64, false);

        PriceTable.Cost cost = PRICES.cost(ProviderKind.OPENAI, "gpt-4o-mini", usage);

        double expected = (2_006 - 1_920) * GPT_4O_MINI_INPUT + 1_920 * GPT_4O_MINI_CACHE_READ + 300 * GPT_4O_MINI_OUTPUT;
        // By hand: 86 × 1.5e-7 + 1920 × 7.5e-8 + 300 × 6e-7 = 0.0000129 + 0.000144 + 0.00018
        assertThat(expected).isCloseTo(0.0003369, within(EXACT));
        assertThat(cost.usd()).isCloseTo(expected, within(EXACT));
        assertThat(cost.known()).isTrue();
    }

    @Test
    void anthropicModel_pricesCacheReadsAndCacheWritesAtTheirOwnRates() {
        // "claude-sonnet-4-5": input 3e-06, cache_read_input_token_cost 3e-07, cache_creation_input_token_cost 3.75e-06,
        // output 1.5e-05. The prompt of 7,095 tokens: 2,095 plain, 4,000 read from the cache, 1,000 written to it.
        Usage usage = new Usage(7_095, 503, 4_000, 1_000, 0, false);

        PriceTable.Cost cost = PRICES.cost(ProviderKind.ANTHROPIC, "anthropic", "claude-sonnet-4-5", usage);

        // By hand: 2095 × 3e-6 + 4000 × 3e-7 + 1000 × 3.75e-6 + 503 × 1.5e-5 = 0.006285 + 0.0012 + 0.00375 + 0.007545
        assertThat(cost.known()).isTrue();
        assertThat(cost.usd()).isCloseTo(0.01878, within(1e-12));
    }

    @Test
    void reasoningTokens_areAlreadyPartOfOutput_andNotChargedTwice() {
        PriceTable.Cost without = PRICES.cost(ProviderKind.OPENAI, "gpt-4o-mini", new Usage(100, 500, 0, 0, false));
        PriceTable.Cost with = PRICES.cost(ProviderKind.OPENAI, "gpt-4o-mini", new Usage(100, 500, 0, 400, false));

        assertThat(with.usd()).isEqualTo(without.usd());
    }

    @Test
    void bundledEntry_carriesItsPricesAndContextWindow() {
        PriceTable.ModelPrice price = PRICES.find(ProviderKind.OPENAI, "gpt-4o-mini").orElseThrow();

        assertThat(price.input()).isEqualTo(GPT_4O_MINI_INPUT);
        assertThat(price.cacheRead()).isEqualTo(GPT_4O_MINI_CACHE_READ);
        assertThat(price.output()).isEqualTo(GPT_4O_MINI_OUTPUT);
        assertThat(price.maxInputTokens()).isEqualTo(128_000);
        assertThat(price.maxOutputTokens()).isEqualTo(16_384);
        assertThat(price.provider()).isEqualTo("openai");
        assertThat(price.mode()).isEqualTo("chat");
    }

    @Test
    void unknownModelOnAPaidProvider_hasAnUnknownCost() {
        PriceTable.Cost cost = PRICES.cost(ProviderKind.OPENAI, "gpt-9-imaginary", new Usage(10, 10, 0, 0, false));

        assertThat(cost.known()).isFalse();
        assertThat(cost.usd()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = ProviderKind.class, names = {"OLLAMA", "VLLM", "LMSTUDIO"})
    void localProviders_areFreeAndKnown_evenForPricedNames(ProviderKind kind) {
        for (String model : new String[] {"gpt-4o-mini", "llama3.1:8b"}) {
            PriceTable.Cost cost = PRICES.cost(kind, model, new Usage(5_000, 5_000, 0, 0, false));

            assertThat(cost.known()).isTrue();
            assertThat(cost.usd()).isZero();
        }
    }

    @Test
    void simulatedProvider_withAnUnknownModel_isFree() {
        PriceTable.Cost cost = PRICES.cost(ProviderKind.SIMULATED, "tollgate-sim", new Usage(5_000, 5_000, 0, 0, false));

        assertThat(cost.known()).isTrue();
        assertThat(cost.usd()).isZero();
    }

    @Test
    void simulatedProvider_withAKnownModel_isPricedLikeIt() {
        Usage usage = new Usage(1_000, 200, 0, 0, false);

        assertThat(PRICES.cost(ProviderKind.SIMULATED, "gpt-4o-mini", usage))
                .isEqualTo(PRICES.cost(ProviderKind.OPENAI, "gpt-4o-mini", usage));
    }

    @Test
    void missingCacheReadPrice_fallsBackToTheInputPrice() {
        PriceTable table = PriceTable.parse(JSON.readTree("""
                {"sample_spec": {"note": "no input price: skipped"},
                 "acme-1": {"litellm_provider": "openai", "mode": "chat",
                            "input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06}}
                """));

        PriceTable.Cost cost = table.cost(ProviderKind.OPENAI, "acme-1", new Usage(1_000, 100, 400, 0, false));

        assertThat(cost.usd()).isCloseTo(1_000 * 2e-06 + 100 * 8e-06, within(EXACT));
        assertThat(table.find(ProviderKind.OPENAI, "sample_spec")).isEmpty();
    }

    @Test
    void providerQualifiedEntry_isFoundByTheKindsName() {
        PriceTable table = PriceTable.parse(JSON.readTree("""
                {"vllm/x": {"input_cost_per_token": 1e-06, "output_cost_per_token": 1e-06},
                 "openai_compatible/acme-2": {"input_cost_per_token": 3e-06, "output_cost_per_token": 0}}
                """));

        assertThat(table.cost(ProviderKind.OPENAI_COMPATIBLE, "acme-2", new Usage(10, 0, 0, 0, false)).usd())
                .isCloseTo(3e-05, within(EXACT));
    }
}
