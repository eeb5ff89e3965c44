package dev.tollgate.policy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderResponse;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelCatalogTest {

    /** Stands in for a real adapter; routing only hands it on. */
    record FakeAdapter(String name) implements ProviderAdapter {

        @Override
        public ProviderResponse chat(ChatRequest request, String upstreamModel) {
            return new ProviderResponse.Complete(new byte[0], Usage.NONE, Map.of());
        }

        @Override
        public void close() {
        }
    }

    private static ProviderConfig provider(String name, ProviderKind kind, String prefix, List<String> models) {
        return new ProviderConfig(name, kind, URI.create("http://127.0.0.1:9/v1"), Optional.empty(), models, prefix,
                Map.of(), TimeoutConfig.DEFAULTS, SimulatedConfig.DEFAULTS);
    }

    private static final ProviderConfig OPENAI = provider("openai", ProviderKind.OPENAI, "", ProviderKind.OPENAI.defaultModels());
    private static final ProviderConfig OLLAMA = provider("ollama", ProviderKind.OLLAMA, "ollama/", List.of("*"));
    private static final ProviderConfig GROQ = provider("groq", ProviderKind.OPENAI_COMPATIBLE, "groq/",
            List.of("llama-3.1-8b-instant", "mixtral-*"));
    private static final ProviderConfig AZURE = provider("azure", ProviderKind.OPENAI_COMPATIBLE, "", List.of("gpt-4o", "gpt-4o-mini"));

    private final Map<String, ProviderAdapter> adapters = new HashMap<>();

    private ModelCatalog catalog(ProviderConfig... providers) {
        Map<String, ProviderAdapter> out = new LinkedHashMap<>();
        for (ProviderConfig p : providers) {
            out.put(p.name(), adapters.computeIfAbsent(p.name(), FakeAdapter::new));
        }
        return new ModelCatalog(List.of(providers), out);
    }

    private static List<String> route(ModelCatalog catalog, String model) {
        return catalog.resolve(model).stream().map(d -> d.providerName() + ":" + d.upstreamModel()).toList();
    }

    @Test
    void prefixedModel_goesToThePrefixedProvider_withoutThePrefix() {
        List<Deployment> route = catalog(OPENAI, OLLAMA, GROQ).resolve("ollama/llama3");

        assertThat(route).hasSize(1);
        Deployment d = route.getFirst();
        assertThat(d.provider()).isEqualTo(OLLAMA);
        assertThat(d.upstreamModel()).isEqualTo("llama3");
        assertThat(d.adapter()).isSameAs(adapters.get("ollama"));
    }

    @Test
    void openAiModelName_goesToOpenAi_byItsGlobs() {
        ModelCatalog catalog = catalog(OLLAMA, OPENAI, GROQ);

        assertThat(route(catalog, "gpt-4o")).containsExactly("openai:gpt-4o");
        assertThat(route(catalog, "o3-mini")).containsExactly("openai:o3-mini");
        assertThat(route(catalog, "text-embedding-3-small")).containsExactly("openai:text-embedding-3-small");
        assertThat(catalog.resolve("gpt-4o").getFirst().adapter()).isSameAs(adapters.get("openai"));
    }

    @Test
    void explicitModelName_onAPrefixedProvider_matchesWithAndWithoutThePrefix() {
        ModelCatalog catalog = catalog(OPENAI, GROQ);

        assertThat(route(catalog, "groq/llama-3.1-8b-instant")).containsExactly("groq:llama-3.1-8b-instant");
        assertThat(route(catalog, "llama-3.1-8b-instant")).containsExactly("groq:llama-3.1-8b-instant");
    }

    @Test
    void globOnAPrefixedProvider_onlyMatchesWithThePrefix() {
        ModelCatalog catalog = catalog(OPENAI, GROQ);

        assertThat(route(catalog, "groq/mixtral-8x7b-32768")).containsExactly("groq:mixtral-8x7b-32768");
        assertThat(route(catalog, "mixtral-8x7b-32768")).isEmpty();
    }

    @Test
    void prefixedNameTheProviderDoesNotServe_isNotRouted() {
        assertThat(route(catalog(OPENAI, GROQ), "groq/whisper-large-v3")).isEmpty();
    }

    @Test
    void prefixAlone_isNotAModel() {
        assertThat(route(catalog(OPENAI, OLLAMA), "ollama/")).isEmpty();
    }

    private static final ProviderConfig GEMINI = provider("gemini", ProviderKind.GEMINI, ProviderKind.GEMINI.defaultPrefix(),
            ProviderKind.GEMINI.defaultModels());

    @Test
    void eachKindsDefaultPatterns_pickTheProviderByModelName() {
        ModelCatalog catalog = catalog(OLLAMA, GEMINI, OPENAI);

        assertThat(route(catalog, "gemini-2.5-flash")).containsExactly("gemini:gemini-2.5-flash");
        assertThat(route(catalog, "gemini-3-pro-preview")).containsExactly("gemini:gemini-3-pro-preview");
        assertThat(route(catalog, "gpt-4o-mini")).containsExactly("openai:gpt-4o-mini");
        assertThat(route(catalog, "o4-mini")).containsExactly("openai:o4-mini");
        assertThat(route(catalog, "chatgpt-4o-latest")).containsExactly("openai:chatgpt-4o-latest");
        assertThat(route(catalog, "ollama/llama3")).containsExactly("ollama:llama3");
        assertThat(route(catalog, "claude-sonnet-4-5")).as("no Anthropic provider configured").isEmpty();
        assertThat(route(catalog, "gemini/gemini-2.5-flash")).isEmpty();
    }

    @Test
    void aliases_expandToTheirTargetsInOrder_andOtherNamesToThemselves() {
        ModelCatalog catalog = new ModelCatalog(List.of(OPENAI, OLLAMA), Map.of(),
                Map.of("fast", List.of("gpt-4o-mini"), "smart", List.of("ollama/llama3.2", "gpt-4o")));

        assertThat(catalog.targets("fast")).containsExactly("gpt-4o-mini");
        assertThat(catalog.targets("smart")).containsExactly("ollama/llama3.2", "gpt-4o");
        assertThat(catalog.targets("gpt-4o")).containsExactly("gpt-4o");
        assertThat(catalog.isAlias("smart")).isTrue();
        assertThat(catalog.isAlias("gpt-4o")).isFalse();
    }

    @Test
    void unknownModel_resolvesToNothing() {
        ModelCatalog catalog = catalog(OPENAI, OLLAMA, GROQ);

        assertThat(catalog.resolve("claude-3-5-sonnet-20241022")).isEmpty();
        assertThat(catalog.resolve("llama3")).as("ollama serves it only with its prefix").isEmpty();
        assertThat(catalog.resolve("GPT-4o")).as("names are case-sensitive").isEmpty();
    }

    @Test
    void providersServingTheSameModel_areTriedInConfigurationOrder() {
        assertThat(route(catalog(OPENAI, OLLAMA, AZURE), "gpt-4o")).containsExactly("openai:gpt-4o", "azure:gpt-4o");
        assertThat(route(catalog(AZURE, OLLAMA, OPENAI), "gpt-4o")).containsExactly("azure:gpt-4o", "openai:gpt-4o");
        assertThat(route(catalog(AZURE, OPENAI), "gpt-4.1")).containsExactly("openai:gpt-4.1");
    }

    @Test
    void catchAllProviderWithoutPrefix_servesEverything_asTheLastFallback() {
        ProviderConfig sim = ProviderConfig.simulated(SimulatedConfig.DEFAULTS);
        ModelCatalog catalog = catalog(OPENAI, OLLAMA, sim);

        assertThat(route(catalog, "gpt-4o-mini")).containsExactly("openai:gpt-4o-mini", "simulated:gpt-4o-mini");
        assertThat(route(catalog, "ollama/llama3")).containsExactly("ollama:llama3", "simulated:ollama/llama3");
        assertThat(route(catalog, "anything")).containsExactly("simulated:anything");
    }

    @ParameterizedTest
    @CsvSource({
            "gpt-*, gpt-4o, true",
            "gpt-*, gpt-, true",
            "gpt-*, chatgpt-4o-latest, false",
            "gpt-*, gpt, false",
            "o1*, o1, true",
            "o1*, o1-mini, true",
            "*, '', true",
            "*, anything/at all, true",
            "*-mini, gpt-4o-mini, true",
            "*-mini, gpt-4o-mini-2024, false",
            "a*b*c, axxbyyc, true",
            "a*b*c, abc, true",
            "a*b*c, axxcyyb, false",
            "gpt-4o, gpt-4o, true",
            "gpt-4o, gpt-4o-mini, false",
            "gpt-4o, GPT-4o, false"})
    void globMatching(String pattern, String text, boolean expected) {
        assertThat(ModelCatalog.matches(pattern, text)).isEqualTo(expected);
    }

    @Test
    void globMatching_agreesWithTheEquivalentRegex_onRandomPatterns() {
        Random random = new Random(7_321);
        String alphabet = "ab-";
        for (int round = 0; round < 5_000; round++) {
            StringBuilder pattern = new StringBuilder();
            for (int i = random.nextInt(6); i > 0; i--) {
                pattern.append(random.nextInt(4) == 0 ? '*' : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(8); i > 0; i--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String regex = Pattern.quote(pattern.toString()).replace("*", "\\E.*\\Q");

            assertThat(ModelCatalog.matches(pattern.toString(), text.toString()))
                    .as("'%s' against '%s'", pattern, text)
                    .isEqualTo(text.toString().matches(regex));
        }
    }
}
