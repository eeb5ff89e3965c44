package dev.tollgate.store;

import java.util.Locale;

/** What usage can be grouped by; each is a column of the events and of the rollups. */
public enum UsageDimension {
    ORG("org_id"), KEY("key_id"), AGENT("agent"), FEATURE("feature"), PROVIDER("provider"), MODEL("model");

    private final String column;

    UsageDimension(String column) {
        this.column = column;
    }

    public String column() {
        return column;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The dimension of a query parameter ({@code by=agent}), or {@code null}. */
    public static UsageDimension fromWire(String text) {
        for (UsageDimension d : values()) {
            if (d.wireName().equals(text)) {
                return d;
            }
        }
        return null;
    }
}
