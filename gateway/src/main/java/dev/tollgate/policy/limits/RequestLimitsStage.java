package dev.tollgate.policy.limits;

import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.model.Principal;
import dev.tollgate.pipeline.Chain;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.provider.ProviderResponse;
import java.util.Optional;

/**
 * Parses the body with the dialect's parser (400 with the parameter at fault when it is not a valid
 * request) and attaches the call's tags: agent and feature from {@code X-Tollgate-Agent} /
 * {@code X-Tollgate-Feature}, else the key's defaults.
 */
public final class RequestLimitsStage implements Stage {

    static final int MAX_TAG_LENGTH = 128;

    @Override
    public ProviderResponse process(RequestContext ctx, Chain chain) {
        CanonicalRequest request = ctx.inbound().parser().parse(ctx.inbound().body());
        ctx.request(request);
        Principal principal = ctx.principal().orElseThrow(() -> new IllegalStateException("auth must run before limits"));
        String agent = tag(ctx, "x-tollgate-agent").or(principal::defaultAgent).orElse(null);
        String feature = tag(ctx, "x-tollgate-feature").or(principal::defaultFeature).orElse(null);
        ctx.tags(agent, feature);
        return chain.proceed(ctx);
    }

    private static Optional<String> tag(RequestContext ctx, String header) {
        Optional<String> value = ctx.inbound().header(header).map(String::strip).filter(v -> !v.isEmpty());
        if (value.isPresent() && !valid(value.get())) {
            throw GatewayException.badRequest(header, header + ": expected 1 to " + MAX_TAG_LENGTH
                    + " characters of letters, digits, '.', '_', '-', ':' or '/'");
        }
        return value;
    }

    private static boolean valid(String tag) {
        return tag.length() <= MAX_TAG_LENGTH && tag.chars().allMatch(c -> Character.isLetterOrDigit(c) || ".-_:/ ".indexOf(c) >= 0);
    }
}
