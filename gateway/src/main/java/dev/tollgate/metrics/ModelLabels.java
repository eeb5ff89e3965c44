package dev.tollgate.metrics;

import java.util.Set;

/**
 * The model names metrics may carry as labels: the models the catalog knows (those {@code /v1/models}
 * lists, the configured names and aliases, and what each resolves to upstream). Any other name a client
 * sends becomes {@code other}, so made-up model names can never create series.
 */
public final class ModelLabels {

    public static final String OTHER = "other";
    public static final String NONE = "none";

    private final Set<String> known;

    public ModelLabels(Set<String> known) {
        this.known = Set.copyOf(known);
    }

    /** {@code model} when the catalog knows it, {@code none} for no model, else {@code other}. */
    public String label(String model) {
        if (model == null || model.isEmpty()) {
            return NONE;
        }
        return known.contains(model) ? model : OTHER;
    }

    public int size() {
        return known.size();
    }
}
