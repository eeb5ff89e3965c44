package dev.tollgate.admin;

import dev.tollgate.api.openai.OpenAiErrors;
import dev.tollgate.config.SignupConfig;
import dev.tollgate.model.Org;
import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.policy.auth.KeyIssuer;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /signup}: self-serve creation of an org and its first key ({@code infer} + {@code analytics}).
 * Open without a key, limited per client address per clock hour, and off when {@code signup.enabled} is
 * false (404, as if the route did not exist).
 */
public final class SignupRoute implements Handler {

    private final SignupConfig config;
    private final KeyIssuer issuer;
    private final GovernanceRoutes governance;
    private final OpenAiErrors errors;
    private final JsonMapper json;
    private final Clock clock;
    private final Map<String, long[]> perAddress = new ConcurrentHashMap<>();

    public SignupRoute(SignupConfig config, KeyIssuer issuer, GovernanceRoutes governance, OpenAiErrors errors, JsonMapper json, Clock clock) {
        this.config = config;
        this.issuer = issuer;
        this.governance = governance;
        this.errors = errors;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            if (!config.enabled()) {
                throw GatewayException.notFound("not_found", null, "no such route");
            }
            admit(req.remotePeer().host());
            JsonNode body = governance.object(req, Set.of("org_name", "key_name"));
            String name = GovernanceRoutes.requiredText(body, "org_name", 128);
            Org org = new Org(GovernanceRoutes.slug(name), name, clock.instant());
            issuer.createOrg(org, "signup");
            KeyIssuer.Issued issued = issuer.create(new KeyIssuer.KeySpec(org.id(),
                    GovernanceRoutes.text(body, "key_name", 128).orElse("first key"), Set.of(Scope.INFER, Scope.ANALYTICS), Set.of(),
                    Optional.empty(), Optional.empty(), Optional.empty()), "signup");
            ObjectNode answer = json.createObjectNode().put("org_id", org.id()).put("org_name", org.name());
            answer.set("api_key", governance.key(issued.key()).put("key", issued.secret()));
            res.status(Status.CREATED_201);
            res.send(json.writeValueAsBytes(answer));
        } catch (GatewayException e) {
            res.status(Status.create(e.status()));
            e.headers().forEach(res::header);
            res.send(errors.body(e));
        }
    }

    /** A fixed window per clock hour and address; refuses with 429 and the seconds to the next hour. */
    private void admit(String address) {
        long now = clock.millis();
        long hour = now / 3_600_000L;
        long[] window = perAddress.compute(address, (k, w) -> w == null || w[0] != hour ? new long[] {hour, 1} : new long[] {hour, w[1] + 1});
        if (window[1] > config.perAddressPerHour()) {
            long retry = Math.max(1, ((hour + 1) * 3_600_000L - now) / 1000);
            throw new GatewayException(429, "rate_limit_error", "signup_rate_limited", null,
                    "too many signups from this address; try again in " + retry + " s", Map.of("retry-after", Long.toString(retry)));
        }
        if (perAddress.size() > 100_000) {
            perAddress.entrySet().removeIf(e -> e.getValue()[0] != hour);
        }
    }
}
