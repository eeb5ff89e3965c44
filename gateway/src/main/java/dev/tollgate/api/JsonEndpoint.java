package dev.tollgate.api;

import dev.tollgate.api.openai.OpenAiErrors;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.policy.auth.AuthStage;
import dev.tollgate.policy.auth.Authenticator;
import dev.tollgate.store.StoreUnavailableException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON route outside the proxy pipeline (analytics, ingestion, governance): authenticates with the
 * route's scope, runs the body, and answers JSON; errors are rendered like the proxy's.
 */
public final class JsonEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(JsonEndpoint.class);

    /** The work of one route, given the caller. Throws {@link GatewayException} to refuse. */
    @FunctionalInterface
    public interface Body {
        JsonNode answer(ServerRequest request, Principal caller);
    }

    private final Authenticator authenticator;
    private final OpenAiErrors errors;
    private final JsonMapper json;

    public JsonEndpoint(Authenticator authenticator, OpenAiErrors errors, JsonMapper json) {
        this.authenticator = authenticator;
        this.errors = errors;
        this.json = json;
    }

    public Handler of(Scope scope, Body body) {
        return (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            try {
                Principal caller = AuthStage.check(authenticator, scope, name -> req.headers().first(HeaderNames.create(name)));
                JsonNode answer = body.answer(req, caller);
                res.send(json.writeValueAsBytes(answer));
            } catch (GatewayException e) {
                send(res, e);
            } catch (RuntimeException e) {
                java.util.Optional<StoreUnavailableException> outage = StoreUnavailableException.of(e);
                if (outage.isPresent()) {
                    send(res, Pipeline.unavailable(outage.get()));
                    return;
                }
                LOG.error("{} {} failed inside the gateway", req.prologue().method().text(), req.path().path(), e);
                send(res, new GatewayException(500, "server_error", "internal_error", null, "the gateway failed to handle this request", Map.of()));
            }
        };
    }

    private void send(ServerResponse res, GatewayException e) {
        res.status(Status.create(e.status()));
        ResponseHeaders.passOn(res, e.headers());
        res.send(errors.body(e));
    }
}
