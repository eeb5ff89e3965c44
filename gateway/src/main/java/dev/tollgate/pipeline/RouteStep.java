package dev.tollgate.pipeline;

import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.provider.Deployment;
import java.util.Optional;

/**
 * One deployment a call may be sent to, and why it is in the plan ({@code explicit: openai serves
 * gpt-4o-mini}, {@code budget: anthropic at 95.0% …, fallback openai}).
 *
 * @param request the request this target gets when it differs from the call's (a budget's fallback target
 *                gets its own model, {@code max_tokens} and {@code temperature}); empty: the call's request
 */
public record RouteStep(Deployment target, String reason, Optional<CanonicalRequest> request) {

    public static RouteStep of(Deployment target, String reason) {
        return new RouteStep(target, reason, Optional.empty());
    }

    public RouteStep withReason(String why) {
        return new RouteStep(target, why, request);
    }

    /** What this target is sent: its own request, else the call's. */
    public CanonicalRequest requestFor(CanonicalRequest call) {
        return request.orElse(call);
    }
}
