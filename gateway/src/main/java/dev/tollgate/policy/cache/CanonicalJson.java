package dev.tollgate.policy.cache;

import dev.tollgate.model.Sha256;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.JsonNode;

/**
 * One spelling per JSON value, so equal requests hash equally whatever order or number format a client used:
 * object keys sorted (by UTF-16 code units, as RFC 8785 does), no whitespace, strings escaped the standard way,
 * numbers by value ({@code 1}, {@code 1.0} and {@code 1e0} are all {@code 1}; {@code 0.70} is {@code 0.7}).
 */
final class CanonicalJson {

    private CanonicalJson() {
    }

    static String of(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out);
        return out.toString();
    }

    /** The SHA-256 of the canonical form of {@code parts}, written as one JSON array; lower-case hex. */
    static String sha256(List<JsonNode> parts) {
        StringBuilder out = new StringBuilder(512);
        out.append('[');
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            write(parts.get(i), out);
        }
        out.append(']');
        return HexFormat.of().formatHex(Sha256.of(out.toString()));
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            List<String> names = new ArrayList<>(node.propertyNames());
            names.sort(null);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(names.get(i), out);
                out.append(':');
                write(node.get(names.get(i)), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isString()) {
            string(node.asString(), out);
        } else if (node.isNumber()) {
            out.append(number(node));
        } else if (node.isBoolean()) {
            out.append(node.asBoolean());
        } else {
            string(node.asString(), out);
        }
    }

    private static String number(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        double d = node.asDouble();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "null";
        }
        BigDecimal value = node.decimalValue().stripTrailingZeros();
        return value.scale() <= 0 ? value.toBigInteger().toString() : value.toPlainString();
    }

    private static void string(String text, StringBuilder out) {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        out.append('"');
    }
}
