package dev.tollgate.api;

import dev.tollgate.pipeline.LogContext;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Gives every request its id and a log context, and writes its access-log line. The id is the client's
 * {@code X-Tollgate-Request-Id} when it is a sane token, else a fresh one; it answers in
 * {@code x-tollgate-request-id} on every response and is the id of the call's usage event. While the
 * request runs, the MDC holds {@code request_id}, {@code route} (the route's template, set by
 * {@link RouteTable}) and {@code org} (set once the key is known), so every log line of the request
 * carries them. The access line ({@code tollgate.access}) follows the response with its status and
 * latency: at INFO in the JSON log format, at DEBUG otherwise. No header or body is ever logged.
 *
 * <p>Installed first, so it wraps every other filter and the route (a stream's relay included).
 */
public final class RequestLog implements Filter {

    private static final String REQUEST_ID = LogContext.REQUEST_ID;
    private static final String ROUTE = LogContext.ROUTE;
    private static final String STATUS = LogContext.STATUS;
    private static final String LATENCY_MS = LogContext.LATENCY_MS;

    private static final Logger ACCESS = LoggerFactory.getLogger("tollgate.access");
    /** The classifier the request id is kept under in Helidon's request context. */
    private static final Class<RequestLog> ID_KEY = RequestLog.class;

    private final Level accessLevel;

    /** @param accessAtInfo whether access lines are logged at INFO (the JSON format) rather than DEBUG */
    public RequestLog(boolean accessAtInfo) {
        this.accessLevel = accessAtInfo ? Level.INFO : Level.DEBUG;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        String id = ResponseHeaders.requestId(req.headers().first(ResponseHeaders.REQUEST_ID_NAME).orElse(null));
        req.context().register(ID_KEY, id);
        res.header(ResponseHeaders.REQUEST_ID_NAME, id);
        MDC.put(REQUEST_ID, id);
        try {
            chain.proceed();
        } finally {
            if (ACCESS.isEnabledForLevel(accessLevel)) {
                access(req, res, (System.nanoTime() - start) / 1_000_000);
            }
            MDC.clear();
        }
    }

    private void access(RoutingRequest req, RoutingResponse res, long latencyMs) {
        int status = res.status().code();
        String route = MDC.get(ROUTE);
        MDC.put(STATUS, Integer.toString(status));
        MDC.put(LATENCY_MS, Long.toString(latencyMs));
        if (route == null) {
            // No route matched (a 404, or a request refused before routing): the method alone, never the raw path.
            route = req.prologue().method().text() + " (no route)";
            MDC.put(ROUTE, route);
        }
        ACCESS.atLevel(accessLevel).log("{} {} {} ms", route, status, latencyMs);
    }

    /** The id {@link RequestLog} gave this request; a fresh one when the filter did not run (a route served alone). */
    public static String requestId(ServerRequest req) {
        return req.context().get(ID_KEY, String.class)
                .orElseGet(() -> ResponseHeaders.requestId(req.headers().first(ResponseHeaders.REQUEST_ID_NAME).orElse(null)));
    }
}
