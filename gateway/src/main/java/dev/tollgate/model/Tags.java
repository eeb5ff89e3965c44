package dev.tollgate.model;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Optional;

/**
 * Agent and feature tags ({@code X-Tollgate-Agent}, {@code ai_name}, {@code /…/{agent}}, budget scopes):
 * 1 to 128 Unicode letters (with their combining marks), digits, spaces or {@code . _ - : /}, normalised
 * to NFC so that the same name typed two ways is one tag. Nothing else, so no control character, line
 * break or markup ever reaches a log line, a header or the ledger.
 */
public final class Tags {

    public static final int MAX_LENGTH = 128;
    public static final String EXPECTED = "1 to " + MAX_LENGTH + " letters, digits, spaces, '.', '_', '-', ':' or '/'";

    private Tags() {
    }

    /** The NFC form of {@code raw} (stripped), when it is a valid tag. */
    public static Optional<String> parse(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String tag = Normalizer.normalize(raw.strip(), Normalizer.Form.NFC);
        int length = tag.codePointCount(0, tag.length());
        if (length < 1 || length > MAX_LENGTH || !tag.codePoints().allMatch(Tags::allowed)) {
            return Optional.empty();
        }
        return Optional.of(tag);
    }

    /**
     * A tag from an HTTP header value. Header values are ASCII on the wire (the server reads other bytes
     * as U+FFFD), so a name with other characters is sent percent-encoded as UTF-8, as in a URL
     * ({@code ag%C3%A9nt}, {@code %E4%BB%A3%E7%90%86}); '%' is no tag character, so this is unambiguous.
     */
    public static Optional<String> fromHeader(String value) {
        if (value == null || value.indexOf('\uFFFD') >= 0) {
            return Optional.empty();
        }
        return value.indexOf('%') < 0 ? parse(value) : percentDecoded(value).flatMap(Tags::parse);
    }

    /** Whether a header value carried bytes that are not ASCII (which the server cannot read as text). */
    public static boolean hasRawNonAscii(String headerValue) {
        return headerValue != null && headerValue.indexOf('\uFFFD') >= 0;
    }

    static Optional<String> percentDecoded(String value) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                if (c >= 0x80) {
                    return Optional.empty();
                }
                bytes.write(c);
                continue;
            }
            if (i + 2 >= value.length() || Character.digit(value.charAt(i + 1), 16) < 0 || Character.digit(value.charAt(i + 2), 16) < 0) {
                return Optional.empty();
            }
            bytes.write(Character.digit(value.charAt(i + 1), 16) * 16 + Character.digit(value.charAt(i + 2), 16));
            i += 2;
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static boolean allowed(int c) {
        if (Character.isLetter(c) || Character.isDigit(c) || ". _-:/".indexOf(c) >= 0) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
    }
}
