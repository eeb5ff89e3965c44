package dev.tollgate.api;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Closes the connection after a response that says {@code Connection: close}, because the client asked
 * for it or the gateway chose it (a request body it could not read). Helidon 4.5 sends the header but
 * then waits for another request on the socket (helidon-io/helidon#12324), so a client waiting for the
 * promised end of the connection hangs until its own timeout.
 *
 * <p>Helidon ends a connection on {@link CloseConnectionException} once the response is written; a
 * response not yet sent (a failure an error handler answers) keeps Helidon's own behaviour.
 */
final class ConnectionCloseFilter implements Filter {

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        chain.proceed();
        // containsToken splits the values per call; most requests and responses have no Connection header at all.
        boolean close = req.headers().contains(HeaderNames.CONNECTION) && req.headers().containsToken(HeaderValues.CONNECTION_CLOSE)
                || res.headers().contains(HeaderNames.CONNECTION) && res.headers().containsToken(HeaderValues.CONNECTION_CLOSE);
        if (close && res.isSent()) {
            throw new CloseConnectionException("the response said Connection: close");
        }
    }
}
