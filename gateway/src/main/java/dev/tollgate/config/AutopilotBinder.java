package dev.tollgate.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Binds {@code autopilot:} and {@code catalog:}, reporting problems with their paths: a candidate must be a
 * model a configured provider serves (or an alias), a quality a level or a number from 0 to 1.
 */
final class AutopilotBinder {

    private static final Set<String> ROOT_KEYS = Set.of("models", "quality", "orgs", "router_model");
    private static final Set<String> ORG_KEYS = Set.of("models", "quality");
    private static final Set<String> TRAIT_KEYS = Set.of("quality", "tools", "vision", "json_mode", "context_window", "max_output_tokens");
    private static final Set<String> LEVELS = Set.of("cost", "balanced", "quality");

    private final List<ProviderConfig> providers;
    private final Map<String, List<String>> aliases;

    AutopilotBinder(List<ProviderConfig> providers, Map<String, List<String>> aliases) {
        this.providers = providers;
        this.aliases = aliases;
    }

    AutopilotConfig bind(ConfigTree autopilot, ConfigTree catalog) {
        autopilot.rejectUnknown(ROOT_KEYS);
        AutopilotConfig.Settings global = settings(autopilot, AutopilotConfig.DEFAULT_SETTINGS);
        Map<String, AutopilotConfig.Settings> orgs = new LinkedHashMap<>();
        ConfigTree orgTree = autopilot.child("orgs");
        for (String org : orgTree.names()) {
            ConfigTree o = orgTree.child(org);
            o.rejectUnknown(ORG_KEYS);
            orgs.put(org, settings(o, global));
        }
        Map<String, AutopilotConfig.ModelTraits> models = new LinkedHashMap<>();
        for (String model : catalog.names()) {
            models.put(model, traits(catalog.child(model)));
        }
        Optional<java.nio.file.Path> router = Optional.ofNullable(autopilot.string("router_model", null)).map(java.nio.file.Path::of);
        if (router.isPresent() && !java.nio.file.Files.isReadable(router.get())) {
            autopilot.problem("router_model", "'" + router.get() + "' cannot be read (expected: a model file of tollgate router train --out)");
        }
        return new AutopilotConfig(global, orgs, models, router);
    }

    private AutopilotConfig.Settings settings(ConfigTree t, AutopilotConfig.Settings base) {
        List<String> models = t.strings("models", base.models());
        for (int i = 0; i < models.size(); i++) {
            String model = models.get(i);
            if (!aliases.containsKey(model) && providers.stream().noneMatch(p -> p.upstreamName(model) != null)) {
                t.problem("models[" + i + "]", "'" + model + "' is not served by any configured provider (expected: a model name "
                        + "matching a provider's models or prefix, or an alias)");
            }
        }
        String quality = t.string("quality", base.quality());
        if (!validQuality(quality)) {
            t.problem("quality", "'" + quality + "' (expected: cost, balanced, quality, or a number from 0 to 1)");
            quality = base.quality();
        }
        return new AutopilotConfig.Settings(models, quality.strip().toLowerCase(Locale.ROOT));
    }

    static boolean validQuality(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (LEVELS.contains(t)) {
            return true;
        }
        try {
            double v = Double.parseDouble(t);
            return v >= 0 && v <= 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static AutopilotConfig.ModelTraits traits(ConfigTree t) {
        t.rejectUnknown(TRAIT_KEYS);
        String text = t.string("quality", null);
        Double quality = null;
        if (text != null) {
            try {
                quality = Double.parseDouble(text.strip());
            } catch (NumberFormatException e) {
                quality = Double.NaN;
            }
            if (!(quality >= 0 && quality <= 1)) {
                t.problem("quality", "'" + text + "' (expected: a number from 0 to 1, higher is stronger)");
                quality = null;
            }
        }
        return new AutopilotConfig.ModelTraits(Optional.ofNullable(quality), flag(t, "tools"), flag(t, "vision"), flag(t, "json_mode"),
                limit(t, "context_window"), limit(t, "max_output_tokens"));
    }

    private static Optional<Boolean> flag(ConfigTree t, String name) {
        return t.has(name) ? Optional.of(t.bool(name, false)) : Optional.empty();
    }

    private static Optional<Integer> limit(ConfigTree t, String name) {
        return t.has(name) ? Optional.of((int) t.number(name, 0, 1, 100_000_000)) : Optional.empty();
    }
}
