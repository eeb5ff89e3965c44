package dev.tollgate.api;

import dev.tollgate.api.openai.OpenAiErrors;
import dev.tollgate.metrics.GatewayMetrics;
import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.policy.auth.AuthStage;
import dev.tollgate.policy.auth.Authenticator;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code GET /metrics}: the gateway's meters in Prometheus' text format. Open by default, like
 * {@code /health}; with {@code metrics.require_key} it needs a key with the {@code admin} or
 * {@code analytics} scope (a scraper's {@code authorization} bearer token), and refuses others in
 * OpenAI's error shape (401, 403).
 */
public final class MetricsEndpoint {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final GatewayMetrics metrics;
    private final Authenticator authenticator;
    private final OpenAiErrors errors;
    private final boolean requireKey;

    public MetricsEndpoint(GatewayMetrics metrics, Authenticator authenticator, OpenAiErrors errors, boolean requireKey) {
        this.metrics = metrics;
        this.authenticator = authenticator;
        this.errors = errors;
        this.requireKey = requireKey;
    }

    public boolean requiresKey() {
        return requireKey;
    }

    public void serve(ServerRequest req, ServerResponse res) {
        if (requireKey) {
            try {
                AuthStage.checkAny(authenticator, List.of(Scope.ADMIN, Scope.ANALYTICS), name -> req.headers().first(HeaderNames.create(name)));
            } catch (GatewayException e) {
                res.status(Status.create(e.status()));
                res.header(HeaderNames.CONTENT_TYPE, "application/json");
                res.send(errors.body(e));
                return;
            }
        }
        res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        res.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
