package dev.tollgate.pipeline;

import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.provider.Deployment;

/**
 * Admits each upstream attempt of one call and settles the call when it ends: how budget reservations
 * follow the deployment actually attempted. {@link ProviderCallStage} calls {@link #admit} before each
 * attempt and {@link #failed} after an attempt that failed before answering; {@link Pipeline#finish}
 * calls {@link #settle} exactly once, however the call ended (answered, failed, refused, client gone,
 * stream cut). A stage installs one with {@link RequestContext#guard(AttemptGuard)}.
 */
public interface AttemptGuard {

    /** Admits everything and holds nothing. */
    AttemptGuard NONE = new AttemptGuard() {
        @Override
        public CanonicalRequest admit(RequestContext ctx, Deployment target, CanonicalRequest request) {
            return request;
        }

        @Override
        public void failed(RequestContext ctx, Deployment target) {
        }

        @Override
        public void settle(RequestContext ctx, UsageEvent event) {
        }
    };

    /**
     * Before an attempt on {@code target}: the request to send it ({@code request} or a rewrite of it for
     * this target), or a {@link GatewayException} to skip the target. When every target was skipped, the
     * last exception is the call's answer.
     */
    CanonicalRequest admit(RequestContext ctx, Deployment target, CanonicalRequest request);

    /** The admitted attempt on {@code target} failed before any answer: undo what {@link #admit} took. */
    void failed(RequestContext ctx, Deployment target);

    /** The call is over and {@code event} is what it is billed; called exactly once per call. */
    void settle(RequestContext ctx, UsageEvent event);
}
