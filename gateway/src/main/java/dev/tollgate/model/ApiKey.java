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
        boolean revoked) {

    public ApiKey {
        scopes = Set.copyOf(scopes);
        allowedModels = Set.copyOf(allowedModels);
    }

    public boolean usableAt(Instant now) {
        return !revoked && expiresAt.map(now::isBefore).orElse(true);
    }

    public Principal principal() {
        return new Principal(orgId, id, scopes, allowedModels, defaultAgent, defaultFeature);
    }

    @Override
    public String toString() {
        return "ApiKey[" + id + " " + prefix + "… org=" + orgId + " scopes=" + scopes + (revoked ? " revoked" : "") + "]";
    }
}
