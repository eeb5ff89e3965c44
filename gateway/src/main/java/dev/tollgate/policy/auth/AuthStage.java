package dev.tollgate.policy.auth;

import dev.tollgate.model.Principal;
import dev.tollgate.model.Scope;
import dev.tollgate.pipeline.Chain;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.provider.ProviderResponse;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.MDC;

/**
 * First stage: finds the caller's key ({@code Authorization: Bearer …} or Anthropic's {@code x-api-key}),
 * asks the {@link Authenticator} who it is, and requires the route's scope. 401 for a missing or unknown
 * key, 403 for a missing scope. The caller's org joins the request's log context ({@link dev.tollgate.pipeline.LogContext#ORG}).
 */
public final class AuthStage implements Stage {


    private final Authenticator authenticator;
    private final Scope required;

    public AuthStage(Authenticator authenticator, Scope required) {
        this.authenticator = authenticator;
        this.required = required;
    }

    @Override
    public ProviderResponse process(RequestContext ctx, Chain chain) {
        ctx.principal(check(authenticator, required, ctx.inbound()::header));
        return chain.proceed(ctx);
    }

    /** Authenticates a request outside the pipeline (reads like {@code /v1/models}) the same way. */
    public static Principal check(Authenticator authenticator, Scope required, Function<String, Optional<String>> headers) {
        return checkAny(authenticator, List.of(required), headers);
    }

    /** Like {@link #check}, for a route that any one of {@code anyOf} opens ({@code /metrics}: admin or analytics). */
    public static Principal checkAny(Authenticator authenticator, List<Scope> anyOf, Function<String, Optional<String>> headers) {
        Optional<String> key = presentedKey(headers);
        Principal principal = authenticator.authenticate(key).orElseThrow(() -> GatewayException.unauthorized(key.isEmpty()
                ? "missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'"
                : "invalid API key"));
        MDC.put(dev.tollgate.pipeline.LogContext.ORG, principal.orgId());
        if (anyOf.stream().noneMatch(principal::has)) {
            String names = anyOf.stream().map(s -> "'" + s.name().toLowerCase(java.util.Locale.ROOT) + "'").collect(Collectors.joining(" or "));
            throw GatewayException.forbidden("missing_scope", "this key lacks the " + names + " scope needed here");
        }
        return principal;
    }

    static Optional<String> presentedKey(Function<String, Optional<String>> headers) {
        Optional<String> authorization = headers.apply("authorization");
        if (authorization.isPresent()) {
            String value = authorization.get().strip();
            if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String key = value.substring(7).strip();
                return key.isEmpty() ? Optional.empty() : Optional.of(key);
            }
            return Optional.empty();
        }
        return headers.apply("x-api-key").map(String::strip).filter(k -> !k.isEmpty());
    }
}
