package dev.tollgate.bench;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.UpstreamHttp;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The floor row of the peers bench: Tollgate's HTTP server (Helidon SE on virtual threads, configured as
 * {@code api.GatewayServer} configures it) and Tollgate's upstream client ({@link UpstreamHttp}, blocking HTTP/1.1) forwarding a
 * chat completion's bytes to the upstream and its answer back, with no Tollgate logic in between: no parsing, no
 * key, no routing, no ledger. What Tollgate costs above this row is its own code; this row is what the chosen
 * libraries cost.
 *
 * <p>Usage: {@code java -cp 'bench/target/classes:bench/target/lib/*' dev.tollgate.bench.FloorProxy PORT UPSTREAM_BASE_URL}
 */
public final class FloorProxy {

    private FloorProxy() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: FloorProxy PORT UPSTREAM_BASE_URL (e.g. 18091 http://127.0.0.1:18080/v1)");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        URI target = URI.create(args[1].replaceAll("/+$", "") + "/chat/completions");
        ProviderConfig provider = new ProviderConfig("floor", ProviderKind.OPENAI, target, Optional.empty(), List.of("*"), "",
                Map.of(), TimeoutConfig.DEFAULTS, null);
        UpstreamHttp upstream = new UpstreamHttp(provider, (status, body, headers) ->
                UpstreamException.of(UpstreamException.Kind.BROKEN, "upstream answered " + status));
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                .protocolsDiscoverServices(false)
                .addProtocol(Http1Config.builder().build())
                .routing(r -> r.post("/v1/chat/completions", (req, res) -> {
                    byte[] body;
                    try (InputStream in = req.content().inputStream()) {
                        body = in.readAllBytes();
                    }
                    try {
                        byte[] answer = upstream.complete(target, body, Map.of("authorization", "Bearer sk-floor"));
                        res.header(HeaderNames.CONTENT_TYPE, "application/json");
                        res.send(answer);
                    } catch (UpstreamException e) {
                        res.status(Status.BAD_GATEWAY_502).send(e.getMessage());
                    }
                }))
                .build()
                .start();
        System.out.println("floor proxy on http://127.0.0.1:" + server.port() + " -> " + target);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            upstream.close();
        }));
    }
}
