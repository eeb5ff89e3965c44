package dev.tollgate.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import org.postgresql.PGConnection;

/**
 * The columns of a multi-row statement that sends each column as one array ({@code unnest(?::text[],
 * ?::int8[], ...)}): a whole batch is one statement and one round trip. The column names and the
 * placeholders come from the same list as the values, so they cannot drift apart.
 */
final class ArrayColumns<T> {

    private record Column<T>(String name, String type, Function<List<T>, Object> values) {
    }

    private final List<Column<T>> columns = new ArrayList<>();

    /**
     * A text column. PostgreSQL text cannot hold U+0000, and one such value would fail its whole batch on
     * every retry, so it is stored as U+FFFD (the replacement character) instead.
     */
    ArrayColumns<T> text(String name, Function<T, String> value) {
        return add(name, "text", rows -> rows.stream().map(value).map(ArrayColumns::storable).toArray(String[]::new));
    }

    static String storable(String text) {
        return text == null || text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
    }

    ArrayColumns<T> int8(String name, ToLongFunction<T> value) {
        return add(name, "int8", rows -> rows.stream().mapToLong(value).toArray());
    }

    ArrayColumns<T> int4(String name, ToIntFunction<T> value) {
        return add(name, "int4", rows -> rows.stream().mapToInt(value).toArray());
    }

    ArrayColumns<T> float8(String name, ToDoubleFunction<T> value) {
        return add(name, "float8", rows -> rows.stream().mapToDouble(value).toArray());
    }

    ArrayColumns<T> bool(String name, Predicate<T> value) {
        return add(name, "bool", rows -> {
            boolean[] out = new boolean[rows.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = value.test(rows.get(i));
            }
            return out;
        });
    }

    private ArrayColumns<T> add(String name, String type, Function<List<T>, Object> values) {
        columns.add(new Column<>(name, type, values));
        return this;
    }

    /** {@code id, ts_ms, ...} */
    String names() {
        return String.join(", ", columns.stream().map(Column::name).toList());
    }

    /** {@code unnest(?::text[], ?::int8[], ...)} */
    String unnest() {
        return "unnest(" + String.join(", ", columns.stream().map(c -> "?::" + c.type() + "[]").toList()) + ")";
    }

    /** Binds each column's values of {@code rows} as one array parameter. */
    void bind(Connection c, PreparedStatement s, List<T> rows) throws SQLException {
        // pgjdbc's own createArrayOf takes primitive arrays as they are, without boxing every value.
        PGConnection pg = c.unwrap(PGConnection.class);
        for (int i = 0; i < columns.size(); i++) {
            Column<T> column = columns.get(i);
            s.setArray(i + 1, pg.createArrayOf(column.type(), column.values().apply(rows)));
        }
    }
}
