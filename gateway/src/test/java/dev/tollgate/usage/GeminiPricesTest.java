package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.config.ProviderKind;
import dev.tollgate.model.Usage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Gemini models are priced for provider kind gemini, whichever way LiteLLM's map lists them. */
class GeminiPricesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PriceTable PRICES = PriceTable.bundled(JSON);
    private static final double EXACT = 1e-15;

    // From /work/shared/data/model_prices_and_context_window.json, entry "gemini-2.5-flash" (litellm_provider
    // vertex_ai-language-models): input 3e-07, cache read 3e-08, output 2.5e-06, reasoning 2.5e-06.
    @Test
    void bundledGemini25Flash_isPricedForKindGemini_cachedAndThoughtTokensIncluded() {
        Usage usage = new Usage(10_000, 2_000, 4_000, 0, 500, false);

        PriceTable.Cost cost = PRICES.cost(ProviderKind.GEMINI, "gemini", "gemini-2.5-flash", usage);

        assertThat(cost.known()).isTrue();
        assertThat(cost.usd()).isCloseTo(6_000 * 3e-07 + 4_000 * 3e-08 + 1_500 * 2.5e-06 + 500 * 2.5e-06, within(EXACT));
    }

    @Test
    void googleAiStudioEntry_winsOverTheVertexEntryOfTheSameName() {
        PriceTable table = PriceTable.parse(JSON.readTree("""
                {"gemini-2.5-flash": {"litellm_provider": "vertex_ai-language-models", "mode": "chat",
                                      "input_cost_per_token": 9e-07, "output_cost_per_token": 9e-06},
                 "gemini/gemini-2.5-flash": {"litellm_provider": "gemini", "mode": "chat",
                                      "input_cost_per_token": 3e-07, "output_cost_per_token": 2.5e-06},
                 "gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat",
                                 "input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07}}
                """));

        Usage usage = new Usage(1_000, 100, 0, 0, false);
        assertThat(table.cost(ProviderKind.GEMINI, "gemini", "gemini-2.5-flash", usage).usd())
                .isCloseTo(1_000 * 3e-07 + 100 * 2.5e-06, within(EXACT));
        assertThat(table.cost(ProviderKind.OPENAI_COMPATIBLE, "vertex", "gemini-2.5-flash", usage).usd())
                .as("other kinds keep the plain entry").isCloseTo(1_000 * 9e-07 + 100 * 9e-06, within(EXACT));
        assertThat(table.modelsOf("gemini")).containsExactly("gemini-2.5-flash");
        assertThat(table.modelsOf("openai")).containsExactly("gpt-4o-mini");
    }

    @Test
    void geminiListing_includesTheVertexListedChatModels() {
        assertThat(PRICES.modelsOf("gemini")).contains("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash", "gemini-flash-latest")
                .doesNotContain("gemini-2.5-flash-image");
    }
}
