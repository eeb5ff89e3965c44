package dev.tollgate.provider.anthropic.wire;

import dev.tollgate.model.Usage;
import tools.jackson.databind.JsonNode;

/**
 * Anthropic's {@code usage} object. Unlike OpenAI's {@code prompt_tokens}, {@code input_tokens} counts only
 * the prompt tokens that were neither read from nor written to the prompt cache; the whole prompt is the
 * sum of the three.
 */
public record AnthropicUsage(long inputTokens, long outputTokens, long cacheReadInputTokens, long cacheCreationInputTokens) {

    public static final AnthropicUsage NONE = new AnthropicUsage(0, 0, 0, 0);

    /** Reads a usage object; absent or null fields are 0. */
    public static AnthropicUsage of(JsonNode node) {
        return NONE.merge(node);
    }

    /**
     * This usage updated by a later report ({@code message_delta}'s usage is cumulative): fields the report
     * carries replace these, absent or null ones are kept.
     */
    public AnthropicUsage merge(JsonNode node) {
        if (node == null || !node.isObject()) {
            return this;
        }
        return new AnthropicUsage(field(node, "input_tokens", inputTokens), field(node, "output_tokens", outputTokens),
                field(node, "cache_read_input_tokens", cacheReadInputTokens),
                field(node, "cache_creation_input_tokens", cacheCreationInputTokens));
    }

    private static long field(JsonNode node, String name, long fallback) {
        JsonNode v = node.get(name);
        return v != null && v.isIntegralNumber() && v.canConvertToLong() ? Math.max(0, v.asLong()) : fallback;
    }

    /** In Tollgate's accounting: the whole prompt as input, cache reads and writes as its parts. */
    public Usage toUsage() {
        return new Usage(inputTokens + cacheReadInputTokens + cacheCreationInputTokens, outputTokens, cacheReadInputTokens,
                cacheCreationInputTokens, 0, false);
    }
}
