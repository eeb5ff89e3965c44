package dev.tollgate;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.metrics.ModelLabels;
import dev.tollgate.policy.routing.ModelCatalog;
import dev.tollgate.usage.PriceTable;
import java.util.HashSet;
import java.util.Set;

/** The label values metrics may carry, from the configuration and the catalog (so clients cannot add any). */
final class MetricsLabels {

    private MetricsLabels() {
    }

    /** Every model name {@code /v1/models} lists, each alias, and the upstream name each resolves to. */
    static ModelLabels models(TollgateConfig config, ModelCatalog catalog, PriceTable prices) {
        Set<String> known = new HashSet<>();
        for (String model : catalog.listed(config.defaultModel(), prices::modelsOf)) {
            known.add(model);
            catalog.resolve(model).forEach(d -> known.add(d.upstreamModel()));
        }
        catalog.aliases().forEach((alias, targets) -> {
            known.add(alias);
            targets.forEach(t -> {
                known.add(t);
                catalog.resolve(t).forEach(d -> known.add(d.upstreamModel()));
            });
        });
        return new ModelLabels(known);
    }

    /** The configured providers' names, and the provider kinds (what SDK-reported calls name). */
    static Set<String> providers(TollgateConfig config) {
        Set<String> out = new HashSet<>();
        config.providers().stream().map(ProviderConfig::name).forEach(out::add);
        for (ProviderKind kind : ProviderKind.values()) {
            out.add(kind.configName());
        }
        return out;
    }
}
