package dev.tollgate.model;

/**
 * Tokens of one call, normalized to OpenAI's accounting: {@code inputTokens} is the whole prompt and
 * includes {@code cachedTokens} (read from the provider's prompt cache) and {@code cacheWriteTokens}
 * (written to it, Anthropic's cache creation); {@code outputTokens} includes {@code reasoningTokens}.
 * {@code estimated} marks counts Tollgate made itself because the upstream reported none.
 */
public record Usage(long inputTokens, long outputTokens, long cachedTokens, long cacheWriteTokens, long reasoningTokens,
                    boolean estimated) {

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0, false);

    public Usage {
        if (inputTokens < 0 || outputTokens < 0 || cachedTokens < 0 || cacheWriteTokens < 0 || reasoningTokens < 0) {
            throw new IllegalArgumentException("usage: negative token count (expected: >= 0)");
        }
    }

    /** Usage without prompt-cache writes, as OpenAI-compatible upstreams report it. */
    public Usage(long inputTokens, long outputTokens, long cachedTokens, long reasoningTokens, boolean estimated) {
        this(inputTokens, outputTokens, cachedTokens, 0, reasoningTokens, estimated);
    }

    public static Usage estimated(long inputTokens, long outputTokens) {
        return new Usage(inputTokens, outputTokens, 0, 0, true);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }
}
