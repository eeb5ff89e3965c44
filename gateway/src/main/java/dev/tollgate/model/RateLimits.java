package dev.tollgate.model;

/**
 * Rate limits of one API key or one provider deployment. A value of {@link #NONE_SET 0} means "no limit".
 *
 * @param rpm                 requests per minute (a calendar minute, UTC)
 * @param rpd                 requests per day (a calendar day, UTC); deployments only
 * @param tpm                 tokens (input + output) per minute
 * @param maxTokensPerRequest largest prompt estimate + {@code max_tokens} one request may ask for; deployments only
 */
public record RateLimits(long rpm, long rpd, long tpm, long maxTokensPerRequest) {

    public static final long NONE_SET = 0;
    public static final RateLimits NONE = new RateLimits(0, 0, 0, 0);

    public RateLimits {
        check("rpm", rpm);
        check("rpd", rpd);
        check("tpm", tpm);
        check("max_tokens_per_request", maxTokensPerRequest);
    }

    /** Limits of an API key: requests and tokens per minute. */
    public static RateLimits perKey(long rpm, long tpm) {
        return new RateLimits(rpm, 0, tpm, 0);
    }

    public boolean any() {
        return rpm > 0 || rpd > 0 || tpm > 0 || maxTokensPerRequest > 0;
    }

    /** Whether a limit counts tokens, so requests need a token estimate. */
    public boolean countsTokens() {
        return tpm > 0 || maxTokensPerRequest > 0;
    }

    private static void check(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1, or 0 for no limit)");
        }
    }
}
