package dev.tollgate.provider;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says in words what went wrong on an upstream connection. The exceptions themselves stay in the log:
 * socket and TLS messages carry addresses, host names and certificate details, which a caller must
 * never see.
 */
public final class TransportFailure {

    private static final Logger LOG = LoggerFactory.getLogger(TransportFailure.class);

    private TransportFailure() {
    }

    /** A call that failed before its answer's headers arrived (connect, TLS, a connection dropped early, a timeout). */
    static UpstreamException beforeAnswer(String provider, Duration connectTimeout, Duration firstByte, Throwable e) {
        log(provider, "before its answer", e);
        String name = "the provider '" + provider + "'";
        if (isConnectFailure(e)) {
            String why = has(e, java.net.UnknownHostException.class) ? " (its host name does not resolve)"
                    : has(e, java.net.NoRouteToHostException.class) ? " (no route to its host)"
                    : has(e, java.net.SocketTimeoutException.class) ? " within " + seconds(connectTimeout) + " (connect_ms)"
                    : has(e, java.net.ConnectException.class) ? " (connection refused)" : "";
            return UpstreamException.of(UpstreamException.Kind.CONNECT, "could not connect to " + name + why);
        }
        if (has(e, TimeoutException.class) || has(e, java.net.SocketTimeoutException.class)) {
            return UpstreamException.of(UpstreamException.Kind.FIRST_BYTE_TIMEOUT, noAnswer(provider, firstByte));
        }
        if (has(e, javax.net.ssl.SSLException.class)) {
            return UpstreamException.of(UpstreamException.Kind.CONNECT, "could not set up a TLS connection with " + name);
        }
        return UpstreamException.of(UpstreamException.Kind.BROKEN, name + " closed the connection before the answer was complete");
    }

    /** No answer's headers within the first-byte timeout. */
    static String noAnswer(String provider, Duration firstByte) {
        return "no answer from the provider '" + provider + "' within " + seconds(firstByte) + " (first_byte_ms)";
    }

    /** A streamed body that failed mid-way: cut, reset, or silent past the idle timeout. */
    static UpstreamException midStream(Throwable e) {
        log(null, "in the middle of a stream", e);
        if (has(e, TimeoutException.class) || has(e, java.net.SocketTimeoutException.class)) {
            return UpstreamException.of(UpstreamException.Kind.BROKEN,
                    "the upstream sent nothing for longer than its idle timeout (idle_ms) before the answer was complete");
        }
        return UpstreamException.of(UpstreamException.Kind.BROKEN, "the upstream closed the connection before the answer was complete");
    }

    private static void log(String provider, String when, Throwable e) {
        String who = provider == null ? "an upstream" : "provider " + provider;
        LOG.warn("{} failed {}: {}", who, when, UpstreamHttp.describe(e));
        LOG.debug("{} failed {}", who, when, e);
    }

    private static boolean isConnectFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException) {
                return true;
            }
            if (t instanceof java.net.SocketTimeoutException && String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("connect")) {
                return true;
            }
        }
        return false;
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                return false;
            }
        }
        return false;
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
