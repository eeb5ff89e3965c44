package dev.tollgate.api;

import dev.tollgate.api.anthropic.AnthropicErrors;
import dev.tollgate.api.openai.OpenAiErrors;
import dev.tollgate.config.ServerConfig;
import dev.tollgate.pipeline.GatewayException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.function.Consumer;

/**
 * The HTTP listener (Helidon SE on virtual threads). TCP_NODELAY is on, or small SSE writes wait
 * 40 ms for Nagle's algorithm. Unknown routes and transport-level errors answer in JSON too.
 *
 * <p>Only one HTTP/1.1 protocol is configured, without Helidon's discovered default beside it: with two
 * connection selectors Helidon first checks that the request line ends in {@code HTTP/1.1\r\n} and
 * closes the socket silently when it does not (HTTP/1.0, bare-LF lines, request lines too long to hold);
 * with one it hands every connection to the HTTP/1.1 parser, which answers those with 505, 400 and 414.
 */
public final class GatewayServer implements AutoCloseable {

    /** The longest request line served (method, path with query, version), as nginx's and Tomcat's 8 KiB; longer gets 414. */
    public static final int MAX_REQUEST_LINE_BYTES = 8192;

    private final WebServer server;
    private final DrainFilter drain;
    private final java.time.Duration grace;

    public GatewayServer(ServerConfig config, OpenAiErrors errors, AnthropicErrors anthropicErrors, RequestLog requestLog,
                         Consumer<HttpRouting.Builder> routes) {
        TransportErrors transportErrors = new TransportErrors(errors, anthropicErrors, config.maxHeaderBytes());
        DirectHandlers.Builder direct = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            direct.addHandler(type, transportErrors);
        }
        byte[] notFound = errors.body(GatewayException.notFound("not_found", null, "no such route"));
        requireFreePort(config);
        this.drain = new DrainFilter(errors, anthropicErrors);
        this.grace = java.time.Duration.ofMillis(config.shutdownGraceMs());
        this.server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .maxPayloadSize(config.maxBodyBytes() + HttpBodies.DRAIN_BYTES)
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                // Helidon's own hook would stop the listener at once on SIGTERM, cutting the calls close() drains.
                .shutdownHook(false)
                .protocolsDiscoverServices(false)
                .addProtocol(Http1Config.builder()
                        // Every response header value is a constant, a number, a checked request id, or passes
                        // ResponseHeaders.safe (visible ASCII only), so Helidon's second look at each value per
                        // response (1.4% of a proxied call's CPU) is left out; request headers are still validated.
                        .validateResponseHeaders(false)
                        .maxHeadersSize(config.maxHeaderBytes())
                        .maxPrologueLength(MAX_REQUEST_LINE_BYTES)
                        .build())
                .directHandlers(direct.build())
                .routing(r -> {
                    r.addFilter(requestLog);
                    r.addFilter(drain);
                    r.addFilter(new ConnectionCloseFilter());
                    routes.accept(r);
                    r.any((req, res) -> {
                        res.status(Status.NOT_FOUND_404);
                        res.header(HeaderNames.CONTENT_TYPE, "application/json");
                        res.send(notFound);
                    });
                })
                .build()
                .start();
        if (!server.isRunning() || server.port() < 0) {
            // Helidon logs why and returns a stopped server instead of throwing.
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + " (see the log above)");
        }
    }

    /**
     * A port that another process holds is the most common start-up failure; say so in one line before
     * Helidon tries (it would log a long trace and hand back a server that is not running).
     */
    public static void requireFreePort(ServerConfig config) {
        if (config.port() == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(config.host(), config.port()));
        } catch (BindException e) {
            throw new IllegalStateException("port " + config.port() + " is already in use (on " + config.host()
                    + "); stop what listens there, or choose another port with --port or TOLLGATE_PORT");
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage());
        }
    }

    public int port() {
        return server.port();
    }

    /**
     * Stops in order: new requests are refused (503), the running ones get up to {@code shutdown_grace_ms}
     * to finish (a stream to its end), then the listener stops and what is still running is cut.
     */
    @Override
    public void close() {
        int left = drain.drain(grace);
        if (left > 0) {
            org.slf4j.LoggerFactory.getLogger(GatewayServer.class).warn(
                    "{} request(s) still running after the shutdown grace of {} ms are cut", left, grace.toMillis());
        }
        server.stop();
    }

}
