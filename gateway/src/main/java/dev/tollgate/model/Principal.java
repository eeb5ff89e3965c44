package dev.tollgate.model;

import java.util.Optional;
import java.util.Set;

/**
 * Who is calling, after authentication. {@code allowedModels} empty means any model.
 *
 * @param keyId the key's public id (never its secret)
 */
public record Principal(
        String orgId,
        String keyId,
        Set<Scope> scopes,
        Set<String> allowedModels,
        Optional<String> defaultAgent,
        Optional<String> defaultFeature) {

    public static final String DEFAULT_ORG = "default";

    public Principal {
        scopes = Set.copyOf(scopes);
        allowedModels = Set.copyOf(allowedModels);
    }

    /** The principal of every call when no master key is configured: the default org, all scopes. */
    public static Principal open() {
        return new Principal(DEFAULT_ORG, "open", Set.of(Scope.values()), Set.of(), Optional.empty(), Optional.empty());
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }

    public boolean mayUse(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }
}
