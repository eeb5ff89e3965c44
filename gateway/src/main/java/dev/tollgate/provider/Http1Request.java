package dev.tollgate.provider;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A POST with a JSON body as the bytes that go on the wire, head and body in one array so they leave in
 * one write. Later headers replace earlier ones of the same name (any case): the call's replace the
 * defaults, the provider's configured headers replace the call's. {@code Host} and {@code content-length}
 * frame the request and are always Tollgate's own.
 */
final class Http1Request {

    private Http1Request() {
    }

    static byte[] encode(URI uri, Destination destination, String accept, Map<String, String> call, Map<String, String> configured,
                         byte[] body) {
        Map<String, String> fields = new LinkedHashMap<>();
        put(fields, "content-type", "application/json");
        put(fields, "accept", accept);
        call.forEach((name, value) -> put(fields, name, value));
        configured.forEach((name, value) -> put(fields, name, value));
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        StringBuilder head = new StringBuilder(256).append("POST ").append(path);
        if (uri.getRawQuery() != null) {
            head.append('?').append(uri.getRawQuery());
        }
        head.append(" HTTP/1.1\r\nhost: ").append(destination.hostHeader()).append("\r\ncontent-length: ").append(body.length).append("\r\n");
        fields.values().forEach(line -> head.append(line).append("\r\n"));
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    private static void put(Map<String, String> fields, String name, String value) {
        String key = name.toLowerCase(Locale.ROOT);
        if (key.equals("host") || key.equals("content-length")) {
            return;
        }
        if (name.isEmpty() || hasLineBreak(name) || hasLineBreak(value) || name.indexOf(':') >= 0) {
            throw new IllegalArgumentException("upstream header '" + (hasLineBreak(name) ? "?" : name)
                    + "': contains a line break or a colon (expected: one header line)");
        }
        fields.put(key, name + ": " + value);
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
    }
}
