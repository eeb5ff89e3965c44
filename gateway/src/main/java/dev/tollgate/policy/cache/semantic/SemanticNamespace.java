package dev.tollgate.policy.cache.semantic;

/**
 * The partition an entry belongs to. Two conversations can only match inside one namespace.
 *
 * @param org   the org that owns the entry
 * @param model the resolved model that answered
 * @param key   everything else that changes the answer (tools, tool choice, response format, temperature, top_p,
 *              seed, max tokens, stop, ...), as the caller encodes it (a hash is fine); empty when nothing does
 */
public record SemanticNamespace(String org, String model, String key) {

    public SemanticNamespace {
        require("org", org);
        require("model", model);
        if (key == null) {
            throw new IllegalArgumentException("key: null (expected: a string, empty when nothing else changes the answer)");
        }
    }

    private static void require(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + ": " + (value == null ? "null" : "empty") + " (expected: a non-empty string)");
        }
    }
}
