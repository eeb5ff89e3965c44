package dev.tollgate.provider;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The header fields of an upstream's answer, in the order they came, names in lower case (HTTP names are
 * case-insensitive, so one spelling is kept). A field that came more than once is kept once per line.
 */
public final class UpstreamHeaders implements Iterable<UpstreamHeaders.Field> {

    /** No fields. */
    public static final UpstreamHeaders EMPTY = new UpstreamHeaders(List.of());

    /** One header line: its lower-case name and its value, trimmed. */
    public record Field(String name, String value) {
    }

    private final List<Field> fields;

    private UpstreamHeaders(List<Field> fields) {
        this.fields = fields;
    }

    /** Fields from names and values in turn: {@code of("retry-after", "7", "x-ratelimit-limit", "60")}. */
    public static UpstreamHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values: " + namesAndValues.length + " strings (expected: pairs)");
        }
        List<Field> fields = new ArrayList<>(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.add(new Field(namesAndValues[i].toLowerCase(Locale.ROOT), namesAndValues[i + 1].strip()));
        }
        return new UpstreamHeaders(List.copyOf(fields));
    }

    /** Fields already lower-cased and trimmed by the response reader; the list is kept, not copied. */
    static UpstreamHeaders wrap(List<Field> fields) {
        return new UpstreamHeaders(fields);
    }

    /** The value of the first field of this name (any case), or {@code null} when there is none. */
    public String first(String name) {
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                return field.value();
            }
        }
        return null;
    }

    @Override
    public Iterator<Field> iterator() {
        return fields.iterator();
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
