package dev.tollgate.policy.limits;

import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Tags;
import dev.tollgate.pipeline.Chain;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.pipeline.Stage;
import dev.tollgate.provider.ProviderResponse;
import java.util.Optional;

/**
 * Parses the body with the dialect's parser (400 with the parameter at fault when it is not a valid
 * request) and attaches the call's tags: agent and feature from {@code X-Tollgate-Agent} /
 * {@code X-Tollgate-Feature} (UTF-8, normalised to NFC, see {@link Tags}), else the key's defaults.
 */
public final class RequestLimitsStage implements Stage {

    @Override
    public ProviderResponse process(RequestContext ctx, Chain chain) {
        Principal principal = ctx.principal().orElseThrow(() -> new IllegalStateException("auth must run before limits"));
        CanonicalRequest request = ctx.inbound().parser().parse(ctx.inbound().body(), principal);
        ctx.request(request);
        String agent = tag(ctx, "x-tollgate-agent").or(principal::defaultAgent).orElse(null);
        String feature = tag(ctx, "x-tollgate-feature").or(principal::defaultFeature).orElse(null);
        ctx.tags(agent, feature);
        return chain.proceed(ctx);
    }

    private static Optional<String> tag(RequestContext ctx, String header) {
        Optional<String> value = ctx.inbound().header(header).filter(v -> !v.isBlank());
        if (value.isEmpty()) {
            return value;
        }
        if (Tags.hasRawNonAscii(value.get())) {
            throw GatewayException.badRequest(header, header + ": holds bytes that are not ASCII; header values are ASCII, "
                    + "so send a name with other letters percent-encoded as UTF-8 (agént as ag%C3%A9nt)");
        }
        return Optional.of(Tags.fromHeader(value.get()).orElseThrow(() ->
                GatewayException.badRequest(header, header + ": expected " + Tags.EXPECTED + " (other letters percent-encoded as UTF-8)")));
    }
}
