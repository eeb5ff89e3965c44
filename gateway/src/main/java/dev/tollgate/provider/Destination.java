package dev.tollgate.provider;

import java.net.URI;
import java.util.Locale;

/** Where a connection goes: scheme, host and port, the key of the keep-alive pool. */
record Destination(boolean tls, String host, int port) {

    static Destination of(URI uri) {
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("upstream URL scheme '" + scheme + "' (expected: http or https with a host)");
        }
        boolean tls = scheme.equals("https");
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Destination(tls, host, uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort());
    }

    /** The value of the request's {@code Host} header: the port only when it is not the scheme's. */
    String hostHeader() {
        String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? name : name + ":" + port;
    }

    /** An IPv4 or IPv6 literal, which TLS server name indication must not carry. */
    boolean hostIsAddress() {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
    }
}
