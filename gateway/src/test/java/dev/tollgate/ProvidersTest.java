package dev.tollgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderFactory;
import dev.tollgate.provider.anthropic.AnthropicAdapter;
import dev.tollgate.provider.gemini.GeminiAdapter;
import dev.tollgate.provider.openai.OpenAiAdapter;
import dev.tollgate.provider.openai.OpenAiProviderFactory;
import dev.tollgate.provider.simulated.SimulatedAdapter;
import dev.tollgate.usage.TokenCounter;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The provider factory list: every kind of the table is built by exactly one factory. */
class ProvidersTest {

    private static final ProviderFactory.Context CONTEXT = new ProviderFactory.Context(JsonMapper.builder().build(), new TokenCounter(),
            Clock.systemUTC());

    private static ProviderConfig provider(String name, ProviderKind kind) {
        URI base = kind == ProviderKind.SIMULATED ? null : URI.create("http://127.0.0.1:9/v1");
        return new ProviderConfig(name, kind, base, Optional.empty(), kind.defaultModels(), "", Map.of(), TimeoutConfig.DEFAULTS,
                SimulatedConfig.DEFAULTS);
    }

    @Test
    void everyKind_hasExactlyOneFactory() {
        assertThat(Providers.byKind(Providers.FACTORIES)).containsOnlyKeys(ProviderKind.values());
    }

    @Test
    void aKindWithoutFactory_orWithTwo_isRefusedWithItsName() {
        assertThatThrownBy(() -> Providers.byKind(List.of(new OpenAiProviderFactory())))
                .hasMessageContaining("provider kind anthropic has no factory");
        List<ProviderFactory> twice = new ArrayList<>(Providers.FACTORIES);
        twice.add(new OpenAiProviderFactory());
        assertThatThrownBy(() -> Providers.byKind(twice)).hasMessageContaining("is served by two factories: OpenAiProviderFactory and OpenAiProviderFactory");
    }

    @Test
    void eachConfiguredProvider_getsTheAdapterOfItsKind_inConfigurationOrder() {
        List<ProviderConfig> configs = List.of(provider("local", ProviderKind.OLLAMA), provider("claude", ProviderKind.ANTHROPIC),
                provider("google", ProviderKind.GEMINI), provider("sim", ProviderKind.SIMULATED), provider("openai", ProviderKind.OPENAI));
        try (Providers providers = Providers.build(configs, CONTEXT)) {
            Map<String, ProviderAdapter> adapters = providers.adapters();
            assertThat(adapters.keySet()).containsExactly("local", "claude", "google", "sim", "openai");
            assertThat(adapters.get("local")).isInstanceOf(OpenAiAdapter.class);
            assertThat(adapters.get("claude")).isInstanceOf(AnthropicAdapter.class);
            assertThat(adapters.get("google")).isInstanceOf(GeminiAdapter.class);
            assertThat(adapters.get("sim")).isInstanceOf(SimulatedAdapter.class);
            assertThat(adapters.get("openai")).isInstanceOf(OpenAiAdapter.class);
        }
    }

    @Test
    void perKindFacts_comeFromTheOneTable() {
        assertThat(ProviderKind.ANTHROPIC.defaultMaxTokens()).hasValue(4_096);
        assertThat(ProviderKind.OPENAI.defaultMaxTokens()).isEmpty();
        assertThat(List.of(ProviderKind.OLLAMA.pricing(), ProviderKind.VLLM.pricing(), ProviderKind.LMSTUDIO.pricing()))
                .containsOnly(ProviderKind.Pricing.FREE);
        assertThat(ProviderKind.GEMINI.listedUnder()).containsExactly("gemini", "vertex_ai-language-models");
        assertThat(ProviderKind.byName("openai-compatible")).contains(ProviderKind.OPENAI_COMPATIBLE);
        assertThat(ProviderKind.byName("groq")).isEmpty();
        assertThat(ProviderKind.OPENAI_COMPATIBLE.needsBaseUrl()).isTrue();
        assertThat(ProviderKind.SIMULATED.needsBaseUrl()).isFalse();
    }
}
