package dev.tollgate.model;

/**
 * Tokens of one call. {@code inputTokens} includes {@code cachedTokens}; {@code outputTokens} includes
 * {@code reasoningTokens}, as OpenAI reports them. {@code estimated} marks counts Tollgate made itself
 * because the upstream reported none.
 */
public record Usage(long inputTokens, long outputTokens, long cachedTokens, long reasoningTokens, boolean estimated) {

    public static final Usage NONE = new Usage(0, 0, 0, 0, false);

    public Usage {
        if (inputTokens < 0 || outputTokens < 0 || cachedTokens < 0 || reasoningTokens < 0) {
            throw new IllegalArgumentException("usage: negative token count (expected: >= 0)");
        }
    }

    public static Usage estimated(long inputTokens, long outputTokens) {
        return new Usage(inputTokens, outputTokens, 0, 0, true);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }
}
