package dev.tollgate.provider;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The status line and header fields of an HTTP/1.x answer, read from a connection; interim (1xx)
 * answers are skipped. A header block, and a chunked body's trailers, may take at most
 * {@link #MAX_HEADER_BYTES}.
 */
record ResponseHead(boolean http11, int status, UpstreamHeaders headers) {

    static final int MAX_HEADER_BYTES = 64 * 1024;
    static final String TOO_LARGE = "a header block larger than " + MAX_HEADER_BYTES + " bytes";

    static ResponseHead read(UpstreamConnection connection) throws IOException {
        while (true) {
            ResponseHead head = readOne(connection);
            if (head.status() >= 200) {
                return head;
            }
        }
    }

    private static ResponseHead readOne(UpstreamConnection connection) throws IOException {
        String line = connection.readLine(MAX_HEADER_BYTES, TOO_LARGE);
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' ' || line.length() > 12 && line.charAt(12) != ' '
                || line.charAt(7) != '0' && line.charAt(7) != '1') {
            throw new UpstreamProtocolException("a status line that is not HTTP/1.0 or HTTP/1.1");
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new UpstreamProtocolException("a status line without a three-digit status");
            }
            status = status * 10 + c - '0';
        }
        return new ResponseHead(line.charAt(7) == '1', status, fields(connection, MAX_HEADER_BYTES - line.length()));
    }

    /** Header (or trailer) lines up to the blank line that ends them. */
    static UpstreamHeaders fields(UpstreamConnection connection, int budget) throws IOException {
        List<UpstreamHeaders.Field> fields = new ArrayList<>();
        int left = budget;
        while (true) {
            String line = connection.readLine(left, TOO_LARGE);
            if (line.isEmpty()) {
                return UpstreamHeaders.wrap(fields);
            }
            left -= line.length() + 2;
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.charAt(colon - 1) == ' ') {
                throw new UpstreamProtocolException("a malformed header line");
            }
            fields.add(new UpstreamHeaders.Field(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip()));
        }
    }

    /** Whether the connection may carry another request once this answer's body was read. */
    boolean keepAlive() {
        String connection = headers.first("connection");
        return http11 ? !hasToken(connection, "close") : hasToken(connection, "keep-alive");
    }

    private static boolean hasToken(String value, String token) {
        if (value == null) {
            return false;
        }
        for (String part : value.split(",")) {
            if (part.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }
}
