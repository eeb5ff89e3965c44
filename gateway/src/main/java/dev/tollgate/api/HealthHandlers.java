package dev.tollgate.api;

import dev.tollgate.store.DependencyCheck;
import dev.tollgate.store.UsageLedger;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /health} (the process answers) and {@code /ready} (its dependencies work); open without a key.
 * {@code /ready} names each dependency: the ledger (its journal and database writer), and in a scale-out
 * deployment PostgreSQL and Redis; it answers 503 when any of them keeps the instance from serving.
 */
public final class HealthHandlers {

    private static final byte[] HEALTHY = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);

    private final UsageLedger ledger;
    private final List<DependencyCheck> checks;
    private final JsonMapper json = JsonMapper.builder().build();

    public HealthHandlers(UsageLedger ledger, List<DependencyCheck> checks) {
        this.ledger = ledger;
        this.checks = List.copyOf(checks);
    }

    public void health(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(HEALTHY);
    }

    public void ready(ServerRequest req, ServerResponse res) {
        boolean ok = ledger.healthy();
        ObjectNode body = json.createObjectNode();
        ObjectNode out = json.createObjectNode();
        out.put("ledger", ok ? "ok" : "failing");
        for (DependencyCheck check : checks) {
            DependencyCheck.State state = check.state().get();
            out.put(check.name(), state.description());
            ok &= state.ready();
        }
        body.put("status", ok ? "ready" : "not_ready");
        body.set("checks", out);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.status(ok ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
        res.send(json.writeValueAsBytes(body));
    }
}
