package dev.tollgate.config;

import java.util.function.Function;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} in configuration values; {@code $$} stands for a
 * literal {@code $}. Interpolation runs on parsed scalar values, never on the raw YAML text, so an
 * environment variable can never inject YAML structure.
 */
final class EnvInterpolator {

    private final Function<String, String> env;

    EnvInterpolator(Function<String, String> env) {
        this.env = env;
    }

    /** Returns the expanded value; throws {@link IllegalArgumentException} saying what is missing. */
    String expand(String value) {
        if (value.indexOf('$') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '{') {
                int end = value.indexOf('}', i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed '${' (expected: ${VAR} or ${VAR:-default})");
                }
                out.append(resolve(value.substring(i + 2, end)));
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private String resolve(String expression) {
        int sep = expression.indexOf(":-");
        String name = sep < 0 ? expression : expression.substring(0, sep);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("'" + name + "' is not an environment variable name");
        }
        String found = env.apply(name);
        if (found != null && !found.isEmpty()) {
            return found;
        }
        if (sep >= 0) {
            return expression.substring(sep + 2);
        }
        throw new IllegalArgumentException("environment variable " + name + " is not set (write ${" + name
                + ":-} to make it optional)");
    }
}
