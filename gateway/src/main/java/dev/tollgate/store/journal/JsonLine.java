package dev.tollgate.store.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable buffer that one JSON object is written into, as one line. The request path journals every
 * call, and a Jackson generator per record (its buffer recycling, a stream, a copy) cost a fifth of the
 * ledger's throughput; this writes the bytes directly and keeps its array for the next record.
 *
 * <p>The output is byte for byte what Jackson's default generator writes (UTF-8; {@code \b \t \n \f \r}
 * and {@code \" \\} escaped short, other control characters and unpaired surrogates as <code>&#92;u00XX</code>;
 * doubles as {@link Double#toString}, non-finite ones as strings), so lines of either writer read alike.
 * Not thread-safe: its owner guards it.
 */
final class JsonLine {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

    private byte[] bytes = new byte[1024];
    private int size;

    /** A property name, written as {@code "name":} after a comma unless it is the object's first. */
    static byte[] name(String name, boolean first) {
        return ((first ? "{\"" : ",\"") + name + "\":").getBytes(StandardCharsets.US_ASCII);
    }

    /** Empties the buffer for the next line. */
    JsonLine clear() {
        size = 0;
        return this;
    }

    JsonLine string(byte[] name, String value) {
        raw(name);
        if (value == null) {
            raw(NULL);
            return this;
        }
        quoted(value);
        return this;
    }

    JsonLine number(byte[] name, long value) {
        raw(name);
        ensure(20);
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                raw(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
                return this;
            }
            bytes[size++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        for (int i = size + digits - 1; i >= size; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        size += digits;
        return this;
    }

    JsonLine number(byte[] name, double value) {
        raw(name);
        if (Double.isFinite(value)) {
            raw(Double.toString(value).getBytes(StandardCharsets.US_ASCII));
        } else {
            quoted(Double.toString(value));
        }
        return this;
    }

    JsonLine bool(byte[] name, boolean value) {
        raw(name);
        raw(value ? TRUE : FALSE);
        return this;
    }

    /** Closes the object and ends the line. */
    JsonLine end() {
        ensure(2);
        bytes[size++] = '}';
        bytes[size++] = '\n';
        return this;
    }

    /** The line, for one write; valid until the next {@link #clear()}. */
    ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes, 0, size);
    }

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void quoted(String s) {
        // At most 6 bytes per char (an escape), plus the quotes.
        ensure(s.length() * 6 + 2);
        byte[] b = bytes;
        int at = size;
        b[at++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                b[at++] = (byte) c;
            } else if (c < 0x80) {
                at = escape(b, at, c);
            } else if (c < 0x800) {
                b[at++] = (byte) (0xC0 | c >> 6);
                b[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[at++] = (byte) (0xF0 | cp >> 18);
                b[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
                b[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
                b[at++] = (byte) (0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                at = unicodeEscape(b, at, c);
            } else {
                b[at++] = (byte) (0xE0 | c >> 12);
                b[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                b[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        b[at++] = '"';
        size = at;
    }

    private static int escape(byte[] b, int at, char c) {
        char shortForm = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\b' -> 'b';
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\f' -> 'f';
            case '\r' -> 'r';
            default -> 0;
        };
        if (shortForm == 0) {
            return unicodeEscape(b, at, c);
        }
        b[at++] = '\\';
        b[at++] = (byte) shortForm;
        return at;
    }

    private static int unicodeEscape(byte[] b, int at, char c) {
        b[at++] = '\\';
        b[at++] = 'u';
        b[at++] = HEX[c >> 12 & 0xF];
        b[at++] = HEX[c >> 8 & 0xF];
        b[at++] = HEX[c >> 4 & 0xF];
        b[at++] = HEX[c & 0xF];
        return at;
    }

    private void raw(byte[] what) {
        ensure(what.length);
        System.arraycopy(what, 0, bytes, size, what.length);
        size += what.length;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
