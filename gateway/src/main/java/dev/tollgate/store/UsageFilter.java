package dev.tollgate.store;

import java.util.Optional;

/** Which events a usage query covers; an empty field matches everything. */
public record UsageFilter(Optional<String> org, Optional<String> key, Optional<String> agent, Optional<String> feature,
                          Optional<String> provider, Optional<String> model) {

    public static final UsageFilter ALL = new UsageFilter(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty());

    public UsageFilter withOrg(String value) {
        return new UsageFilter(Optional.ofNullable(value), key, agent, feature, provider, model);
    }

    public UsageFilter withAgent(String value) {
        return new UsageFilter(org, key, Optional.ofNullable(value), feature, provider, model);
    }

    public UsageFilter withFeature(String value) {
        return new UsageFilter(org, key, agent, Optional.ofNullable(value), provider, model);
    }

    public UsageFilter withModel(String value) {
        return new UsageFilter(org, key, agent, feature, provider, Optional.ofNullable(value));
    }

    public UsageFilter withProvider(String value) {
        return new UsageFilter(org, key, agent, feature, Optional.ofNullable(value), model);
    }
}
