package dev.tollgate.api;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Helidon header names by their text, made once: {@link HeaderNames#create} looks the text up and lower-cases it on
 * every call, several times per request. Only for names the gateway's own code asks for (a fixed set), never for
 * names a client or an upstream sent, so the map stays small.
 */
final class HeaderNameCache {

    private static final ConcurrentHashMap<String, HeaderName> NAMES = new ConcurrentHashMap<>();

    private HeaderNameCache() {
    }

    static HeaderName of(String name) {
        HeaderName known = NAMES.get(name);
        return known != null ? known : NAMES.computeIfAbsent(name, HeaderNames::create);
    }
}
