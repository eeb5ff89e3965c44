package dev.tollgate.config;

import java.util.List;
import java.util.Locale;

/**
 * The upstream protocols Tollgate knows, with each one's defaults. OpenAI, Ollama, vLLM and LM Studio
 * all speak the OpenAI wire format and are configuration of one adapter; Anthropic has its own.
 */
public enum ProviderKind {
    OPENAI("https://api.openai.com/v1", "",
            List.of("gpt-*", "o1*", "o3*", "o4*", "chatgpt-*", "text-embedding-*", "codex-*")),
    OPENAI_COMPATIBLE(null, null, List.of("*")),
    OLLAMA("http://localhost:11434/v1", "ollama/", List.of("*")),
    VLLM("http://localhost:8000/v1", "vllm/", List.of("*")),
    LMSTUDIO("http://localhost:1234/v1", "lmstudio/", List.of("*")),
    ANTHROPIC("https://api.anthropic.com", "", List.of("claude-*")),
    GEMINI("https://generativelanguage.googleapis.com/v1beta", "", List.of("gemini-*")),
    SIMULATED(null, "", List.of("*"));

    private final String defaultBaseUrl;
    private final String defaultPrefix;
    private final List<String> defaultModels;

    ProviderKind(String defaultBaseUrl, String defaultPrefix, List<String> defaultModels) {
        this.defaultBaseUrl = defaultBaseUrl;
        this.defaultPrefix = defaultPrefix;
        this.defaultModels = defaultModels;
    }

    /** The base URL used when the config names none; {@code null} when one is required. */
    public String defaultBaseUrl() {
        return defaultBaseUrl;
    }

    /** The model-name prefix that routes to this provider; {@code null} means "the provider's name + /". */
    public String defaultPrefix() {
        return defaultPrefix;
    }

    public List<String> defaultModels() {
        return defaultModels;
    }

    public boolean speaksOpenAi() {
        return this != SIMULATED && this != ANTHROPIC && this != GEMINI;
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static String choices() {
        StringBuilder out = new StringBuilder();
        for (ProviderKind kind : values()) {
            out.append(out.isEmpty() ? "" : ", ").append(kind.configName());
        }
        return out.toString();
    }
}
