package dev.tollgate.policy.cache.semantic;

import java.util.Locale;

/**
 * How sure the hit decision must be before it serves a stored answer for a different prompt. Each maps to an
 * operating point chosen on the training pairs by cross-validation (see the module's decision resource):
 * {@code strict} aims at precision 0.99, {@code balanced} at 0.97, {@code lenient} at 0.95.
 */
public enum Strictness {
    STRICT, BALANCED, LENIENT;

    public static final String CHOICES = "strict, balanced or lenient";

    /** The strictness of a configuration or command-line word, or {@code null} when none is named so. */
    public static Strictness fromWire(String text) {
        for (Strictness s : values()) {
            if (s.wireName().equals(text)) {
                return s;
            }
        }
        return null;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
