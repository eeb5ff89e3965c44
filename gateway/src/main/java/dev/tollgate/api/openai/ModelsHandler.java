package dev.tollgate.api.openai;

import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.policy.auth.AuthStage;
import dev.tollgate.policy.auth.Authenticator;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /v1/models}: the models this gateway serves, in OpenAI's list shape. */
public final class ModelsHandler implements Handler {

    private final Authenticator authenticator;
    private final OpenAiErrors errors;
    private final byte[] body;

    /** @param models model name → the provider that serves it */
    public ModelsHandler(Authenticator authenticator, OpenAiErrors errors, JsonMapper json, Map<String, String> models) {
        this.authenticator = authenticator;
        this.errors = errors;
        ObjectNode root = json.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        models.forEach((id, owner) -> data.addObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", owner));
        this.body = json.writeValueAsBytes(root);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            AuthStage.check(authenticator, Scope.INFER, name -> req.headers().first(HeaderNames.create(name)));
        } catch (GatewayException e) {
            res.status(Status.create(e.status()));
            res.send(errors.body(e));
            return;
        }
        res.send(body);
    }
}
