package dev.tollgate.provider;

import dev.tollgate.config.ProviderConfig;

/**
 * A concrete target of one call: a provider, the model name as that provider knows it, and the adapter
 * that talks to it. Limits per deployment (RPM, TPM) attach here in a later step.
 */
public record Deployment(ProviderConfig provider, String upstreamModel, ProviderAdapter adapter) {

    public String providerName() {
        return provider.name();
    }
}
