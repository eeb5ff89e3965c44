package dev.tollgate.policy.routing;

import java.util.List;
import java.util.Locale;

/**
 * The bundled quality scores per known model family, in [0, 1] (higher is stronger), used when {@code catalog:}
 * gives a model none. They rank families roughly as public leaderboards do; they only decide which candidates
 * form the strong tier ({@value ModelProfile#STRONG_QUALITY} and above) and which one is the strongest, so a
 * coarse scale is enough. The first pattern that matches the name (its provider prefix removed) wins.
 */
public final class QualityDefaults {

    /** An unknown model: below the strong tier, so it is never chosen for a prompt that needs a strong model when a known one fits. */
    public static final double UNKNOWN = 0.5;

    private record Family(String pattern, double quality) {
    }

    private static final List<Family> FAMILIES = List.of(
            new Family("gpt-4o-mini*", 0.60), new Family("gpt-4.1-nano*", 0.50), new Family("gpt-4.1-mini*", 0.68),
            new Family("gpt-5-nano*", 0.62), new Family("gpt-5-mini*", 0.78), new Family("gpt-5*", 0.92),
            new Family("gpt-4.1*", 0.82), new Family("gpt-4o*", 0.80), new Family("gpt-4-turbo*", 0.78), new Family("gpt-4*", 0.75),
            new Family("gpt-3.5*", 0.45), new Family("o1-mini*", 0.78), new Family("o3-mini*", 0.82), new Family("o4-mini*", 0.85),
            new Family("o1*", 0.88), new Family("o3*", 0.92),
            new Family("claude-3-haiku*", 0.45), new Family("claude-3-5-haiku*", 0.58), new Family("claude-haiku-4*", 0.70),
            new Family("claude-3-5-sonnet*", 0.82), new Family("claude-3-7-sonnet*", 0.85), new Family("claude-sonnet-4*", 0.88),
            new Family("claude-opus-4*", 0.93), new Family("claude-3-opus*", 0.80),
            new Family("gemini-*-flash-lite*", 0.50), new Family("gemini-*-flash*", 0.66), new Family("gemini-*-pro*", 0.86),
            new Family("llama*", 0.45), new Family("mistral*", 0.45), new Family("mixtral*", 0.45), new Family("qwen*", 0.50));

    private QualityDefaults() {
    }

    /** The bundled score of {@code model} (a {@code provider/} prefix is ignored), else {@link #UNKNOWN}. */
    public static double of(String model) {
        String name = model.substring(model.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        for (Family f : FAMILIES) {
            if (ModelCatalog.matches(f.pattern(), name)) {
                return f.quality();
            }
        }
        return UNKNOWN;
    }
}
