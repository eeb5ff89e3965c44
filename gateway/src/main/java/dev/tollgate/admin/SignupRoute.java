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
 * The body names the org ({@code name} or {@code org_name}) and may give a contact {@code email} and a
 * {@code key_name}. Open without a key, limited per client address per clock hour, and off when
 * {@code signup.enabled} is false (404, as if the route did not exist). Only valid requests use one of the
 * address's signups; invalid ones (400) are counted apart against a larger allowance, so a user who gets
 * the body wrong is not locked out, and probing stays bounded.
 */
public final class SignupRoute implements Handler {

    private final SignupConfig config;
    private final KeyIssuer issuer;
    private final GovernanceRoutes governance;
    private final OpenAiErrors errors;
    private final JsonMapper json;
    private final Clock clock;
    private static final Set<String> FIELDS = Set.of("name", "org_name", "key_name", "email");
    private static final java.util.regex.Pattern EMAIL = java.util.regex.Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");

    /** Per address: [clock hour, signups made]; and [clock hour, requests refused as invalid]. */
    private final Map<String, long[]> accepted = new ConcurrentHashMap<>();
    private final Map<String, long[]> rejected = new ConcurrentHashMap<>();

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
        String address = req.remotePeer().host();
        try {
            if (!config.enabled()) {
                throw GatewayException.notFound("not_found", null, "no such route");
            }
            refuseIfOver(accepted, address, config.perAddressPerHour(), "too many signups from this address");
            Request asked = parse(req, address);
            // Only a valid request uses one of the address's signups: a mistake costs nothing but a rejected try.
            count(accepted, address, config.perAddressPerHour(), "too many signups from this address");
            Org org = new Org(GovernanceRoutes.slug(asked.orgName()), asked.orgName(), clock.instant(), asked.email());
            issuer.createOrg(org, "signup");
            KeyIssuer.Issued issued = issuer.create(new KeyIssuer.KeySpec(org.id(), asked.keyName(),
                    Set.of(Scope.INFER, Scope.ANALYTICS), Set.of(), Optional.empty(), Optional.empty(), Optional.empty()), "signup");
            ObjectNode answer = json.createObjectNode().put("org_id", org.id()).put("org_name", org.name());
            asked.email().ifPresent(email -> answer.put("contact_email", email));
            answer.set("api_key", governance.key(issued.key()).put("key", issued.secret()));
            res.status(Status.CREATED_201);
            res.send(json.writeValueAsBytes(answer));
        } catch (GatewayException e) {
            res.status(Status.create(e.status()));
            e.headers().forEach(res::header);
            res.send(errors.body(e));
        }
    }

    private record Request(String orgName, String keyName, Optional<String> email) {
    }

    /**
     * The body, validated. A 400 is counted against the address's allowance of rejected requests; past it,
     * invalid requests get 429 instead (valid ones still pass, within the signups of the hour).
     */
    private Request parse(ServerRequest req, String address) {
        try {
            JsonNode body = governance.object(req, FIELDS);
            Optional<String> orgName = GovernanceRoutes.text(body, "org_name", 128);
            Optional<String> name = GovernanceRoutes.text(body, "name", 128);
            if (orgName.isPresent() && name.isPresent() && !orgName.equals(name)) {
                throw GatewayException.badRequest("name", "name: give the org's name once, as name or as org_name (they differ)");
            }
            String orgNameValue = orgName.or(() -> name).orElseThrow(() -> GatewayException.badRequest("name",
                    "name: missing (expected: the organization's name, as name or org_name)"));
            Optional<String> email = GovernanceRoutes.text(body, "email", 254);
            if (email.isPresent() && !EMAIL.matcher(email.get()).matches()) {
                throw GatewayException.badRequest("email", "email: '" + email.get() + "' is not an email address (expected: name@example.com)");
            }
            return new Request(orgNameValue, GovernanceRoutes.text(body, "key_name", 128).orElse("first key"), email);
        } catch (GatewayException e) {
            if (e.status() == 400 && !e.code().equals("signup_rate_limited")) {
                count(rejected, address, maxRejected(), "too many invalid signup requests from this address");
            }
            throw e;
        }
    }

    /** Rejected requests are bounded too, so the route cannot be probed without limit: 4 times the signups, at least 20. */
    private int maxRejected() {
        return Math.max(20, config.perAddressPerHour() * 4);
    }

    /** Refuses, without counting, when the address has used its allowance of this clock hour. */
    private void refuseIfOver(Map<String, long[]> windows, String address, int limit, String what) {
        long now = clock.millis();
        long hour = now / 3_600_000L;
        long[] window = windows.get(address);
        if (window != null && window[0] == hour && window[1] >= limit) {
            throw limited(what, hour, now);
        }
    }

    /** Counts one request of this clock hour for the address, atomically; 429 with the seconds to the next hour when over. */
    private void count(Map<String, long[]> windows, String address, int limit, String what) {
        long now = clock.millis();
        long hour = now / 3_600_000L;
        long[] window = windows.compute(address, (k, w) -> w == null || w[0] != hour ? new long[] {hour, 1} : new long[] {hour, w[1] + 1});
        if (windows.size() > 100_000) {
            windows.entrySet().removeIf(e -> e.getValue()[0] != hour);
        }
        if (window[1] > limit) {
            throw limited(what, hour, now);
        }
    }

    private static GatewayException limited(String what, long hour, long now) {
        long retry = Math.max(1, ((hour + 1) * 3_600_000L - now) / 1000);
        return new GatewayException(429, "rate_limit_error", "signup_rate_limited", null,
                what + "; try again in " + retry + " s", Map.of("retry-after", Long.toString(retry)));
    }
}
