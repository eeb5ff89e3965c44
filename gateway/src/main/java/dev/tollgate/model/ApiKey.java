package dev.tollgate.model;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A stored API key: everything but the secret, which is shown once at creation and kept only as its
 * SHA-256. {@code prefix} is the secret's first characters, enough to recognize a key in a list.
 */
public record ApiKey(
        String id,
        String orgId,
        String name,
        String prefix,
        byte[] hash,
        Set<Scope> scopes,
        Set<String> allowedModels,
        Optional<String> defaultAgent,
        Optional<String> defaultFeature,
        Optional<Instant> expiresAt,
        Instant createdAt,
        Optional<Instant> lastUsedAt,
        boolean revoked,
        RateLimits rateLimits) {

    public ApiKey {
        scopes = Set.copyOf(scopes);
        allowedModels = Set.copyOf(allowedModels);
        rateLimits = rateLimits == null ? RateLimits.NONE : rateLimits;
    }

    /** A key without rate limits of its own. */
    public ApiKey(String id, String orgId, String name, String prefix, byte[] hash, Set<Scope> scopes, Set<String> allowedModels,
                  Optional<String> defaultAgent, Optional<String> defaultFeature, Optional<Instant> expiresAt, Instant createdAt,
                  Optional<Instant> lastUsedAt, boolean revoked) {
        this(id, orgId, name, prefix, hash, scopes, allowedModels, defaultAgent, defaultFeature, expiresAt, createdAt, lastUsedAt,
                revoked, RateLimits.NONE);
    }

    public ApiKey withRateLimits(RateLimits limits) {
        return new ApiKey(id, orgId, name, prefix, hash, scopes, allowedModels, defaultAgent, defaultFeature, expiresAt, createdAt,
                lastUsedAt, revoked, limits);
    }

    public boolean usableAt(Instant now) {
        return !revoked && expiresAt.map(now::isBefore).orElse(true);
    }

    public Principal principal() {
        return new Principal(orgId, id, scopes, allowedModels, defaultAgent, defaultFeature, false, rateLimits);
    }

    @Override
    public String toString() {
        return "ApiKey[" + id + " " + prefix + "… org=" + orgId + " scopes=" + scopes + (revoked ? " revoked" : "") + "]";
    }
}
