package dev.tollgate.model;

import java.util.Optional;
import java.util.Set;

/**
 * Who is calling, after authentication. {@code allowedModels} empty means any model.
 *
 * @param keyId   the key's public id (never its secret)
 * @param allOrgs the caller may act on every org (the master key); other keys act within their own org
 * @param rateLimits the key's own rate limits ({@link RateLimits#NONE} when it has none)
 */
public record Principal(
        String orgId,
        String keyId,
        Set<Scope> scopes,
        Set<String> allowedModels,
        Optional<String> defaultAgent,
        Optional<String> defaultFeature,
        boolean allOrgs,
        RateLimits rateLimits) {

    public static final String DEFAULT_ORG = "default";

    public Principal {
        scopes = Set.copyOf(scopes);
        allowedModels = Set.copyOf(allowedModels);
        rateLimits = rateLimits == null ? RateLimits.NONE : rateLimits;
    }

    /** A caller without rate limits of its own. */
    public Principal(String orgId, String keyId, Set<Scope> scopes, Set<String> allowedModels, Optional<String> defaultAgent,
                     Optional<String> defaultFeature, boolean allOrgs) {
        this(orgId, keyId, scopes, allowedModels, defaultAgent, defaultFeature, allOrgs, RateLimits.NONE);
    }

    /** A key of one org. */
    public Principal(String orgId, String keyId, Set<Scope> scopes, Set<String> allowedModels, Optional<String> defaultAgent,
                     Optional<String> defaultFeature) {
        this(orgId, keyId, scopes, allowedModels, defaultAgent, defaultFeature, false);
    }

    /** The principal of every call when no master key is configured: the default org, all scopes. */
    public static Principal open() {
        return new Principal(DEFAULT_ORG, "open", Set.of(Scope.values()), Set.of(), Optional.empty(), Optional.empty(), true);
    }

    /** Whether this caller may act on {@code org}. */
    public boolean mayActOn(String org) {
        return allOrgs || orgId.equals(org);
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }

    public boolean mayUse(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }
}
