package dev.tollgate.config;

/** A credential from configuration. Its {@code toString} never shows the value, so logs cannot leak it. */
public record Secret(String value) {

    public Secret {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("secret: empty (expected: a non-empty value)");
        }
    }

    @Override
    public String toString() {
        return "Secret[****]";
    }
}
