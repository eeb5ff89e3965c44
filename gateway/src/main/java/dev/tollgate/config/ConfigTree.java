package dev.tollgate.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * A read cursor over one YAML mapping that knows its path ({@code providers[1].timeouts}) and collects
 * every problem instead of stopping at the first, so {@code tollgate config check} can list them all.
 * Scalars are interpolated from the environment as they are read.
 */
final class ConfigTree {

    private final JsonNode node;
    private final String path;
    private final List<String> problems;
    private final EnvInterpolator env;

    ConfigTree(JsonNode node, String path, List<String> problems, EnvInterpolator env) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        this.env = env;
    }

    String path() {
        return path;
    }

    boolean has(String name) {
        return node != null && node.has(name) && !node.get(name).isNull();
    }

    /** Whether the setting is written at all, even as {@code null} or {@code ""}. */
    boolean declares(String name) {
        return node != null && node.has(name);
    }

    void problem(String name, String message) {
        problems.add(at(name) + ": " + message);
    }

    ConfigTree child(String name) {
        JsonNode value = node == null ? null : node.get(name);
        if (value != null && !value.isNull() && !value.isObject()) {
            problem(name, "expected a mapping, found " + kind(value));
            value = null;
        }
        return new ConfigTree(value, at(name), problems, env);
    }

    List<ConfigTree> list(String name) {
        JsonNode value = node == null ? null : node.get(name);
        List<ConfigTree> items = new ArrayList<>();
        if (value == null || value.isNull()) {
            return items;
        }
        if (!value.isArray()) {
            problem(name, "expected a list, found " + kind(value));
            return items;
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String itemPath = at(name) + "[" + i + "]";
            if (!item.isObject()) {
                problems.add(itemPath + ": expected a mapping, found " + kind(item));
                continue;
            }
            items.add(new ConfigTree(item, itemPath, problems, env));
        }
        return items;
    }

    String string(String name, String fallback) {
        JsonNode value = node == null ? null : node.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isValueNode() || value.isBinary()) {
            problem(name, "expected a text value, found " + kind(value));
            return fallback;
        }
        try {
            String expanded = env.expand(value.asString());
            return expanded.isEmpty() ? fallback : expanded;
        } catch (IllegalArgumentException e) {
            problem(name, e.getMessage());
            return fallback;
        }
    }

    long number(String name, long fallback, long min, long max) {
        String text = string(name, null);
        if (text == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(text.trim().replace("_", ""));
            if (parsed < min || parsed > max) {
                problem(name, parsed + " (expected: " + min + " to " + max + ")");
                return fallback;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problem(name, "'" + text + "' (expected: a whole number from " + min + " to " + max + ")");
            return fallback;
        }
    }

    /** A non-negative decimal (prices per token, such as 1.5e-7), or {@code null} when unset. */
    Double decimal(String name) {
        String text = string(name, null);
        if (text == null) {
            return null;
        }
        try {
            double parsed = Double.parseDouble(text.trim());
            if (parsed < 0 || Double.isNaN(parsed) || Double.isInfinite(parsed)) {
                problem(name, text + " (expected: a number >= 0, in US dollars per token)");
                return null;
            }
            return parsed;
        } catch (NumberFormatException e) {
            problem(name, "'" + text + "' (expected: a number >= 0, in US dollars per token)");
            return null;
        }
    }

    /** The keys of this mapping, in file order. */
    List<String> names() {
        List<String> out = new ArrayList<>();
        if (node != null) {
            node.propertyNames().forEach(out::add);
        }
        return out;
    }

    boolean bool(String name, boolean fallback) {
        String text = string(name, null);
        if (text == null) {
            return fallback;
        }
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> {
                problem(name, "'" + text + "' (expected: true or false)");
                yield fallback;
            }
        };
    }

    List<String> strings(String name, List<String> fallback) {
        JsonNode value = node == null ? null : node.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (value.isValueNode()) {
            return List.of(string(name, ""));
        }
        if (!value.isArray()) {
            problem(name, "expected a list of text values, found " + kind(value));
            return fallback;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isValueNode() || item.isNull()) {
                problems.add(at(name) + "[" + i + "]: expected a text value, found " + kind(item));
                continue;
            }
            try {
                out.add(env.expand(item.asString()));
            } catch (IllegalArgumentException e) {
                problems.add(at(name) + "[" + i + "]: " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    Map<String, String> stringMap(String name) {
        ConfigTree map = child(name);
        Map<String, String> out = new LinkedHashMap<>();
        if (map.node == null) {
            return out;
        }
        for (var entry : map.node.properties()) {
            out.put(entry.getKey(), map.string(entry.getKey(), ""));
        }
        return out;
    }

    /** Flags keys this mapping does not know; a typo must not silently fall back to a default. */
    void rejectUnknown(Set<String> known) {
        if (node == null) {
            return;
        }
        for (String name : node.propertyNames()) {
            if (!known.contains(name)) {
                problem(name, "unknown setting (expected one of: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    private String at(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String kind(JsonNode value) {
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        return "'" + value.asString() + "'";
    }
}
