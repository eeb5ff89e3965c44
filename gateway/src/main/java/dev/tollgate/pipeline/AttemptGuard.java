package dev.tollgate.pipeline;

import dev.tollgate.model.CanonicalRequest;
import dev.tollgate.provider.Deployment;

/**
 * Admits each upstream attempt of one call: how budget reservations follow the deployment actually
 * attempted. {@link ProviderCallStage} calls {@link #admit} before each attempt and {@link #failed} after
 * an attempt that failed before answering. A stage installs one with {@link RequestContext#guard(AttemptGuard)};
 * what it still holds when the call ends is settled like every policy's, through
 * {@link RequestContext#onSettle} (run once when the pipeline settles the call, however it ended).
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
    };

    /**
     * Before an attempt on {@code target}: the request to send it ({@code request} or a rewrite of it for
     * this target), or a {@link GatewayException} to skip the target. When every target was skipped, the
     * last exception is the call's answer.
     */
    CanonicalRequest admit(RequestContext ctx, Deployment target, CanonicalRequest request);

    /** The admitted attempt on {@code target} failed before any answer: undo what {@link #admit} took. */
    void failed(RequestContext ctx, Deployment target);
}
