package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.RateLimitsConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Principal;
import dev.tollgate.model.RateLimits;
import dev.tollgate.model.Role;
import dev.tollgate.model.Scope;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.policy.auth.AuthStage;
import dev.tollgate.policy.auth.Authenticator;
import dev.tollgate.policy.limits.RequestLimitsStage;
import dev.tollgate.policy.ratelimit.RateLimitPolicy;
import dev.tollgate.policy.ratelimit.RateLimitStage;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.store.memory.InMemoryCounterStore;
import dev.tollgate.usage.TokenCounter;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Refusals before routing reach the listeners, those before authentication too (they get no usage event,
 * but metrics can count them): 413, 401, 403, 400 and a key's 429, each reported once, in the real stages.
 * Only calls whose key passed authentication and the route's scope get a usage event.
 */
class RefusalsReachListenersTest {

    private static final Principal LIMITED = new Principal("acme", "key_limited", Set.of(Scope.INFER), Set.of(), Optional.empty(),
            Optional.empty(), false, RateLimits.perKey(1, 0));
    private static final Principal READER = new Principal("acme", "key_reader", Set.of(Scope.ANALYTICS), Set.of(), Optional.empty(),
            Optional.empty());

    private final RecordingListener listener = new RecordingListener();
    private final Pipeline pipeline = pipeline();

    private Pipeline pipeline() {
        Clock clock = Clock.systemUTC();
        Authenticator keys = presented -> presented.map(k -> switch (k) {
            case "tg-limited" -> LIMITED;
            case "tg-reader" -> READER;
            default -> null;
        });
        RateLimitPolicy limits = new RateLimitPolicy(new InMemoryCounterStore(clock), new TokenCounter(), RateLimitsConfig.DEFAULTS, clock);
        Stage answering = (ctx, chain) -> new ProviderResponse.Complete(new byte[0], Usage.NONE, Map.of());
        return new Pipeline(List.of(new AuthStage(keys, Scope.INFER), new RequestLimitsStage(), new RateLimitStage(limits), answering),
                listener, null, clock);
    }

    private static ChatRequest parse(byte[] body) {
        if (body.length == 0) {
            throw GatewayException.badRequest(null, "request body is not valid JSON");
        }
        return new ChatRequest(Optional.of("m"), false, false, Optional.empty(), List.of(Message.text(Role.USER, "hi")), List.of(),
                JsonNodeFactory.instance.objectNode());
    }

    /** Runs one call with {@code key} (or none); returns the status the client got. */
    private int call(String key, Inbound.BodyReader body) {
        Map<String, String> headers = key == null ? Map.of() : Map.of("authorization", "Bearer " + key);
        RequestContext ctx = pipeline.newContext("req", Endpoint.CHAT,
                Inbound.reading(h -> Optional.ofNullable(headers.get(h)), body, RefusalsReachListenersTest::parse));
        try (Answer answer = pipeline.execute(ctx)) {
            return switch (answer) {
                case Answer.Failed failed -> {
                    assertThat(ctx.ending()).contains(Ending.REFUSED);
                    yield failed.error().status();
                }
                case Answer.Whole whole -> whole.deliver().status();
                case Answer.Streamed streamed -> throw new AssertionError("no stream was asked for");
            };
        }
    }

    @Test
    void everyRefusalBeforeRouting_isReportedOnce_andOnlyAuthenticatedCallsGetAUsageEvent() {
        Inbound.BodyReader valid = () -> new byte[] {'{', '}'};
        int tooLarge = call("tg-limited", () -> {
            throw GatewayException.payloadTooLarge(1024);
        });
        int noKey = call(null, valid);
        int wrongKey = call("tg-unknown", valid);
        int noScope = call("tg-reader", valid);
        int badBody = call("tg-limited", () -> new byte[0]);
        int answered = call("tg-limited", valid);
        int limited = call("tg-limited", valid);

        assertThat(List.of(tooLarge, noKey, wrongKey, noScope, badBody, answered, limited)).containsExactly(413, 401, 401, 403, 400, 200, 429);
        assertThat(listener.refused).extracting(GatewayException::status).containsExactly(413, 401, 401, 403, 400, 429);
        // A key without the route's scope is refused before it becomes the call's principal, as an unknown one is.
        assertThat(listener.completed).extracting(UsageEvent::status).containsExactly(400, 200, 429);
        assertThat(listener.completed).extracting(UsageEvent::keyId).containsOnly("key_limited");
    }
}
