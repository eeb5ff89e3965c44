package dev.tollgate.config;

import dev.tollgate.model.RateLimits;

/**
 * Gateway-wide rate-limit settings ({@code rate_limits:} in the YAML). Per-deployment limits live on each
 * provider ({@code providers[].limits}); per-key limits are stored with the key.
 *
 * @param defaultKey       limits of issued keys that have none of their own ({@code default_key: {rpm, tpm}})
 * @param defaultMaxTokens the output a request without {@code max_tokens} is assumed to ask for when tokens
 *                         per minute are reserved (settled to the actual usage when the call ends)
 */
public record RateLimitsConfig(RateLimits defaultKey, int defaultMaxTokens) {

    public static final RateLimitsConfig DEFAULTS = new RateLimitsConfig(RateLimits.NONE, 4_096);
}
