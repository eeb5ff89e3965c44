package dev.tollgate.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The autopilot ({@code autopilot:}) and the catalog's per-model settings ({@code catalog:}). Every org gets the
 * global candidates and quality, changed where {@code autopilot.orgs.<org>} says otherwise.
 *
 * @param global the settings of every org without an entry in {@code orgs}
 * @param orgs   org id → its settings (the global ones with the org's own changes applied)
 * @param models model name → what configuration says of it, over the price map and the bundled defaults
 * @param routerModel {@code autopilot.router_model}: a model file of {@code tollgate router train}; empty: the bundled one
 */
public record AutopilotConfig(Settings global, Map<String, Settings> orgs, Map<String, ModelTraits> models,
                              Optional<java.nio.file.Path> routerModel) {

    /** With the bundled router model. */
    public AutopilotConfig(Settings global, Map<String, Settings> orgs, Map<String, ModelTraits> models) {
        this(global, orgs, models, Optional.empty());
    }

    /**
     * @param models  the candidate models (or aliases), in any order; empty: the default candidates (the concrete
     *                models the providers list, else the default model)
     * @param quality {@code cost}, {@code balanced}, {@code quality} or a target from 0 to 1
     */
    public record Settings(List<String> models, String quality) {
        public Settings {
            models = List.copyOf(models);
        }
    }

    /** What configuration says of one model; an empty field keeps the price map's value (or the bundled default). */
    public record ModelTraits(Optional<Double> quality, Optional<Boolean> tools, Optional<Boolean> vision, Optional<Boolean> json,
                              Optional<Integer> contextWindow, Optional<Integer> maxOutputTokens) {
        public static final ModelTraits NONE = new ModelTraits(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    public static final String DEFAULT_QUALITY = "balanced";
    public static final Settings DEFAULT_SETTINGS = new Settings(List.of(), DEFAULT_QUALITY);
    public static final AutopilotConfig DEFAULTS = new AutopilotConfig(DEFAULT_SETTINGS, Map.of(), Map.of());

    public AutopilotConfig {
        orgs = Map.copyOf(orgs);
        models = Map.copyOf(models);
    }

    /** The settings that apply to {@code org}. */
    public Settings forOrg(String org) {
        Settings own = org == null ? null : orgs.get(org);
        return own == null ? global : own;
    }

    public ModelTraits traits(String model) {
        return models.getOrDefault(model, ModelTraits.NONE);
    }
}
