package dev.tollgate.sdk;

/**
 * The tokens of one call in Tollgate's accounting (the same as {@code POST /api/log}): {@code input} is
 * the whole prompt and includes {@code cached} (read from the provider's prompt cache) and
 * {@code cacheWrite} (written to it); {@code output} includes {@code reasoning}. {@code estimated} marks
 * counts the SDK made itself because the provider reported none (a stream closed before its usage).
 */
public record TokenUsage(long input, long output, long cached, long cacheWrite, long reasoning, boolean estimated) {

    /** No tokens: a call that failed before the provider counted anything. */
    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0, 0, false);

    public TokenUsage {
        require("input", input, input >= 0, ">= 0");
        require("output", output, output >= 0, ">= 0");
        require("cached", cached, cached >= 0, ">= 0");
        require("cacheWrite", cacheWrite, cacheWrite >= 0, ">= 0");
        require("reasoning", reasoning, reasoning >= 0, ">= 0");
        if (cached + cacheWrite > input) {
            throw new IllegalArgumentException("cached " + cached + " + cacheWrite " + cacheWrite
                    + " (expected: at most input " + input + ", which includes them)");
        }
        require("reasoning", reasoning, reasoning <= output, "at most output " + output + ", which includes them");
    }

    public static TokenUsage of(long input, long output) {
        return new TokenUsage(input, output, 0, 0, 0, false);
    }

    /** Tokens of {@code input} read from the provider's prompt cache. */
    public TokenUsage withCached(long value) {
        return new TokenUsage(input, output, value, cacheWrite, reasoning, estimated);
    }

    /** Tokens of {@code input} written to the provider's prompt cache. */
    public TokenUsage withCacheWrite(long value) {
        return new TokenUsage(input, output, cached, value, reasoning, estimated);
    }

    /** Tokens of {@code output} spent on reasoning. */
    public TokenUsage withReasoning(long value) {
        return new TokenUsage(input, output, cached, cacheWrite, value, estimated);
    }

    /** The same counts, marked as the SDK's estimate rather than the provider's report. */
    public TokenUsage asEstimate() {
        return new TokenUsage(input, output, cached, cacheWrite, reasoning, true);
    }

    public long total() {
        return input + output;
    }

    private static void require(String field, long value, boolean ok, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: " + expected + ")");
        }
    }
}
