package dev.tollgate.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A request the mock upstream received. Header names are lower-case.
 *
 * @param receivedAtNanos {@link System#nanoTime()} when its headers arrived (to measure the gaps between retries)
 */
public record RecordedRequest(String method, String path, Map<String, List<String>> headers, byte[] body, long receivedAtNanos) {

    public RecordedRequest(String method, String path, Map<String, List<String>> headers, byte[] body) {
        this(method, path, headers, body, System.nanoTime());
    }

    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
