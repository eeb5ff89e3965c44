package dev.tollgate.provider.gemini;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a JSON Schema (as OpenAI tools and {@code response_format} carry it) into the OpenAPI subset
 * Gemini's {@code parameters} and {@code responseSchema} accept. Gemini answers 400 to keywords outside
 * that subset ({@code additionalProperties}, {@code $schema}, {@code $ref}, {@code const}, …), so:
 * unknown keywords are dropped; local {@code $ref}s ({@code #/$defs/X}, {@code #/definitions/X}) are
 * inlined (recursive ones end as a plain object); {@code oneOf} becomes {@code anyOf}; {@code allOf} is
 * merged; {@code const} becomes a one-value {@code enum}; {@code type: [T, "null"]} becomes
 * {@code type: T, nullable: true}; {@code required} keeps only declared properties; formats Gemini does
 * not know and {@code enum}s on non-string types are dropped.
 */
final class GeminiSchemaMapper {

    private static final Set<String> KEPT = Set.of("type", "description", "title", "nullable", "enum", "items",
            "properties", "required", "minItems", "maxItems", "minProperties", "maxProperties", "minLength", "maxLength",
            "pattern", "minimum", "maximum", "default", "example", "propertyOrdering", "anyOf", "format");
    private static final Map<String, Set<String>> FORMATS = Map.of(
            "string", Set.of("enum", "date-time"),
            "number", Set.of("float", "double"),
            "integer", Set.of("int32", "int64"));
    private static final int MAX_DEPTH = 32;
    /** Bounds the work of inlining references: shared definitions could otherwise expand exponentially. */
    static final int MAX_NODES = 10_000;

    private final JsonNodeFactory f = JsonNodeFactory.instance;

    /** The whole schema (for local references) and the references being expanded on this path. */
    private record Scope(JsonNode root, Set<String> active, int[] budget) {

        JsonNode resolve(String pointer) {
            if (!pointer.startsWith("#/") || active.contains(pointer)) {
                return null;
            }
            JsonNode target = root.at(pointer.substring(1));
            return target.isObject() ? target : null;
        }

        Scope expanding(String pointer) {
            Set<String> more = new java.util.HashSet<>(active);
            more.add(pointer);
            return new Scope(root, more, budget);
        }
    }

    /**
     * The cleaned schema, or {@code null} when it declares no parameters at all (Gemini rejects an empty object).
     *
     * @throws IllegalArgumentException when inlining its references would make it unreasonably large
     */
    ObjectNode parameters(JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            return null;
        }
        ObjectNode out = clean(schema, new Scope(schema, Set.of(), new int[] {MAX_NODES}), 0);
        return out.path("properties").isEmpty() && !out.has("anyOf") ? null : out;
    }

    /** The cleaned schema of a structured answer. */
    ObjectNode responseSchema(JsonNode schema) {
        return schema == null || !schema.isObject() ? null : clean(schema, new Scope(schema, Set.of(), new int[] {MAX_NODES}), 0);
    }

    private ObjectNode clean(JsonNode schema, Scope root, int depth) {
        if (--root.budget()[0] < 0) {
            throw new IllegalArgumentException("the schema expands to more than " + MAX_NODES + " subschemas");
        }
        ObjectNode out = f.objectNode();
        if (depth > MAX_DEPTH || !schema.isObject()) {
            return out.put("type", "object");
        }
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.isString()) {
            JsonNode target = root.resolve(ref.asString());
            // A $ref that leads nowhere, or into its own expansion (a recursive type): the shape is unknown.
            return target == null ? out.put("type", "object") : clean(target, root.expanding(ref.asString()), depth + 1);
        }
        for (var field : schema.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            switch (key) {
                case "type" -> type(out, value);
                case "const" -> out.putArray("enum").add(value.isString() ? value.asString() : value.toString());
                case "properties" -> properties(out, value, root, depth);
                case "items" -> {
                    if (value.isObject()) {
                        out.set("items", clean(value, root, depth + 1));
                    }
                }
                case "anyOf", "oneOf" -> variants(out, value, root, depth);
                case "allOf" -> merge(out, value, root, depth);
                default -> {
                    if (KEPT.contains(key)) {
                        out.set(key, value.deepCopy());
                    }
                }
            }
        }
        tidy(out);
        return out;
    }

    private void type(ObjectNode out, JsonNode value) {
        if (value.isString()) {
            out.put("type", value.asString());
            return;
        }
        if (!value.isArray()) {
            return;
        }
        Set<String> types = new LinkedHashSet<>();
        for (JsonNode t : value) {
            if (t.isString() && !t.asString().equals("null")) {
                types.add(t.asString());
            } else if (t.isString()) {
                out.put("nullable", true);
            }
        }
        if (types.size() == 1) {
            out.put("type", types.iterator().next());
        } else if (types.size() > 1) {
            ArrayNode anyOf = out.putArray("anyOf");
            types.forEach(t -> anyOf.addObject().put("type", t));
        }
    }

    private void properties(ObjectNode out, JsonNode value, Scope root, int depth) {
        if (!value.isObject()) {
            return;
        }
        ObjectNode props = out.putObject("properties");
        for (var p : value.properties()) {
            props.set(p.getKey(), clean(p.getValue(), root, depth + 1));
        }
    }

    private void variants(ObjectNode out, JsonNode value, Scope root, int depth) {
        if (!value.isArray()) {
            return;
        }
        ArrayNode anyOf = out.has("anyOf") ? (ArrayNode) out.get("anyOf") : out.putArray("anyOf");
        for (JsonNode v : value) {
            ObjectNode cleaned = clean(v, root, depth + 1);
            if (cleaned.size() == 1 && "null".equals(cleaned.path("type").asString(""))) {
                out.put("nullable", true); // {"anyOf":[X, {"type":"null"}]}, as Pydantic writes Optional[X]
            } else {
                anyOf.add(cleaned);
            }
        }
        if (anyOf.size() == 1 && anyOf.get(0) instanceof ObjectNode only) {
            out.remove("anyOf");
            only.properties().forEach(e -> out.putIfAbsent(e.getKey(), e.getValue()));
        }
    }

    private void merge(ObjectNode out, JsonNode value, Scope root, int depth) {
        if (!value.isArray()) {
            return;
        }
        for (JsonNode part : value) {
            ObjectNode cleaned = clean(part, root, depth + 1);
            for (var e : cleaned.properties()) {
                switch (e.getKey()) {
                    case "properties" -> {
                        ObjectNode props = out.has("properties") ? (ObjectNode) out.get("properties") : out.putObject("properties");
                        e.getValue().properties().forEach(p -> props.set(p.getKey(), p.getValue()));
                    }
                    case "required" -> {
                        ArrayNode required = out.has("required") ? (ArrayNode) out.get("required") : out.putArray("required");
                        e.getValue().forEach(required::add);
                    }
                    default -> out.putIfAbsent(e.getKey(), e.getValue());
                }
            }
        }
    }

    /** Drops what Gemini would refuse in an otherwise valid schema. */
    private void tidy(ObjectNode out) {
        String type = out.path("type").asString("");
        if (out.has("format") && !FORMATS.getOrDefault(type, Set.of()).contains(out.path("format").asString(""))) {
            out.remove("format");
        }
        if (out.has("enum")) {
            if (!type.isEmpty() && !type.equals("string") || !out.get("enum").isArray()) {
                out.remove("enum");
            } else {
                ArrayNode strings = f.arrayNode();
                out.get("enum").forEach(v -> strings.add(v.isString() ? v.asString() : v.toString()));
                out.set("enum", strings);
                out.put("type", "string");
            }
        }
        if (out.has("required")) {
            JsonNode props = out.path("properties");
            ArrayNode kept = f.arrayNode();
            Set<String> seen = new LinkedHashSet<>();
            out.get("required").forEach(r -> {
                if (r.isString() && props.has(r.asString()) && seen.add(r.asString())) {
                    kept.add(r.asString());
                }
            });
            if (kept.isEmpty()) {
                out.remove("required");
            } else {
                out.set("required", kept);
            }
        }
        if (out.has("properties") && out.get("properties").isEmpty()) {
            out.remove("properties");
        }
    }
}
