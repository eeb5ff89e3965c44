package dev.tollgate.pipeline;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.provider.ProviderResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Ends a call that a test set up by hand (principal, request, a policy's admission), the way the pipeline
 * ends every call: through {@link Pipeline#execute} and its {@link Answer}, with the listener given.
 */
public final class CallEnds {

    private CallEnds() {
    }

    /** Answers {@code ctx} with {@code usage} and delivers it: the call settles as {@link Ending#DELIVERED}. */
    public static UsageEvent delivered(RequestContext ctx, Usage usage) {
        Stage answering = (c, chain) -> new ProviderResponse.Complete(new byte[0], usage, Map.of());
        try (Answer answer = new Pipeline(List.of(answering), PipelineListener.NONE, null, Clock.systemUTC()).execute(ctx)) {
            return ((Answer.Whole) answer).deliver();
        }
    }

    /** Ends {@code ctx} with {@code error} before any upstream was tried: it settles as {@link Ending#REFUSED}. */
    public static GatewayException refused(RequestContext ctx, GatewayException error) {
        Stage refusing = (c, chain) -> {
            throw error;
        };
        try (Answer answer = new Pipeline(List.of(refusing), PipelineListener.NONE, null, Clock.systemUTC()).execute(ctx)) {
            return ((Answer.Failed) answer).error();
        }
    }
}
