package dev.tollgate.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.model.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a provider kind serves by default is priced by the bundled map: every default model pattern of
 * every kind names models the map prices for that kind (local servers and the simulator excepted:
 * they cost nothing), and the well-known names of the README, embeddings included, have a known price.
 */
class DefaultModelPricesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PriceTable PRICES = PriceTable.bundled(JSON);

    @ParameterizedTest
    @EnumSource(value = ProviderKind.class, names = {"OPENAI", "ANTHROPIC", "GEMINI"})
    void everyDefaultPattern_ofAPricedKind_matchesModelsWithAKnownPrice(ProviderKind kind) {
        List<String> priced = PRICES.modelsOf(kind.configName());
        for (String pattern : kind.defaultModels()) {
            List<String> matching = priced.stream().filter(m -> ProviderConfig.matches(pattern, m)).toList();
            assertThat(matching).as("%s: models of pattern %s in the bundled price map", kind.configName(), pattern).isNotEmpty();
            for (String model : matching) {
                assertThat(PRICES.cost(kind, kind.configName(), model, new Usage(1_000, 0, 0, 0, false)).known())
                        .as("%s/%s", kind.configName(), model).isTrue();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProviderKind.class, names = {"OLLAMA", "VLLM", "LMSTUDIO", "SIMULATED"})
    void localServersAndTheSimulator_chargeNothing_butAKnownNothing(ProviderKind kind) {
        PriceTable.Cost cost = PRICES.cost(kind, kind.configName(), "llama3.2", new Usage(1_000, 100, 0, 0, false));

        assertThat(cost.known()).isTrue();
        assertThat(cost.usd()).isZero();
    }

    // From LiteLLM's map: text-embedding-3-small 2e-08, text-embedding-3-large 1.3e-07, text-embedding-ada-002 1e-07
    // US dollars per input token; embeddings have no output tokens.
    @ParameterizedTest
    @CsvSource({"text-embedding-3-small, 0.02", "text-embedding-3-large, 0.13", "text-embedding-ada-002, 0.10"})
    void openAiEmbeddingModels_arePricedPerInputToken(String model, double usdPerMillion) {
        PriceTable.Cost cost = PRICES.cost(ProviderKind.OPENAI, "openai", model, new Usage(1_000_000, 0, 0, 0, false));

        assertThat(cost.known()).isTrue();
        assertThat(cost.usd()).isCloseTo(usdPerMillion, within(1e-12));
        assertThat(PRICES.find(ProviderKind.OPENAI, model).orElseThrow().mode()).isEqualTo("embedding");
    }

    @Test
    void theKindsDefaultChatModels_arePriced() {
        assertThat(List.of(
                PRICES.cost(ProviderKind.OPENAI, "openai", "gpt-4o-mini", new Usage(1, 1, 0, 0, false)),
                PRICES.cost(ProviderKind.ANTHROPIC, "anthropic", "claude-haiku-4-5", new Usage(1, 1, 0, 0, false)),
                PRICES.cost(ProviderKind.GEMINI, "gemini", "gemini-2.5-flash", new Usage(1, 1, 0, 0, false))))
                .allSatisfy(c -> {
                    assertThat(c.known()).isTrue();
                    assertThat(c.usd()).isPositive();
                });
    }
}
