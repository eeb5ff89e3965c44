package dev.tollgate.provider.openai;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderFactory;
import java.util.Set;

/** OpenAI's wire format: OpenAI itself and every compatible server (Ollama, vLLM, LM Studio, any base URL). */
public final class OpenAiProviderFactory implements ProviderFactory {

    @Override
    public Set<ProviderKind> kinds() {
        return Set.of(ProviderKind.OPENAI, ProviderKind.OPENAI_COMPATIBLE, ProviderKind.OLLAMA, ProviderKind.VLLM, ProviderKind.LMSTUDIO);
    }

    @Override
    public ProviderAdapter adapter(ProviderConfig config, Context context) {
        return new OpenAiAdapter(config, context.json(), context.tokens());
    }
}
