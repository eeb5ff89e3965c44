package dev.tollgate.api;

import dev.tollgate.store.UsageLedger;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/** {@code /health} (the process answers) and {@code /ready} (its dependencies work); open without a key. */
public final class HealthHandlers {

    private static final byte[] HEALTHY = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);

    private final UsageLedger ledger;

    public HealthHandlers(UsageLedger ledger) {
        this.ledger = ledger;
    }

    public void health(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(HEALTHY);
    }

    public void ready(ServerRequest req, ServerResponse res) {
        boolean ok = ledger.healthy();
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.status(ok ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
        String body = "{\"status\":\"" + (ok ? "ready" : "not_ready") + "\",\"checks\":{\"ledger\":\"" + (ok ? "ok" : "failing") + "\"}}";
        res.send(body.getBytes(StandardCharsets.US_ASCII));
    }
}
