package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.Deployment;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The fallback stage over the attempt chain: each attempt's decision is a value (answered, skipped by a
 * policy, failed upstream); skipped and failed steps are passed, the most useful refusal wins when none
 * answers, and the routing reason names every step tried.
 */
class FallbackStageTest {

    private final List<String> called = new ArrayList<>();
    private final Map<String, FakeAdapter> upstreams = new java.util.HashMap<>();

    private Deployment deployment(String name, boolean fails) {
        FakeAdapter adapter = fails ? new FakeAdapter().failing(500) : new FakeAdapter().whole("{}", Usage.NONE);
        upstreams.put(name, adapter);
        return adapter.deployment(name, "m");
    }

    private static RequestContext ctx(List<Deployment> route) {
        RequestContext ctx = new RequestContext("r", Endpoint.CHAT, Clock.systemUTC().instant(), System.nanoTime(),
                new Inbound(h -> Optional.empty(), new byte[0], b -> null));
        ctx.request(new ChatRequest(Optional.of("m"), false, false, Optional.empty(), List.of(Message.text(Role.USER, "hi")), List.of(),
                JsonNodeFactory.instance.objectNode()));
        if (!route.isEmpty()) {
            ctx.route("m", route, "explicit: " + route.getFirst().providerName() + " serves m");
        }
        return ctx;
    }

    private static GatewayException limited(long retryAfter) {
        return new GatewayException(429, "rate_limit_error", "rate_limit_exceeded", null, "full", Map.of("retry-after", Long.toString(retryAfter)));
    }

    /** A rate-limit-like attempt stage: skips the named targets with their refusal. */
    private static AttemptStage refusing(Map<String, GatewayException> refusals) {
        return (attempt, chain) -> {
            GatewayException refusal = refusals.get(attempt.target().providerName());
            return refusal == null ? chain.proceed(attempt)
                    : AttemptDecision.skip(attempt, "rate limit: " + attempt.target().providerName() + " at its limit", refusal);
        };
    }

    /** Records which upstreams the chain called, then calls them. */
    private AttemptStage recordingCall() {
        UpstreamCallStage call = new UpstreamCallStage(PipelineListener.NONE);
        return (attempt, chain) -> {
            called.add(attempt.target().providerName());
            return call.attempt(attempt, chain);
        };
    }

    private FallbackStage stage(AttemptStage... before) {
        List<AttemptStage> chain = new ArrayList<>(List.of(before));
        chain.add(recordingCall());
        return new FallbackStage(chain);
    }

    @Test
    void aFirstStepThatAnswers_keepsThePlansReason() {
        RequestContext ctx = ctx(List.of(deployment("a", false), deployment("b", false)));
        stage().process(ctx, null);
        assertThat(called).containsExactly("a");
        assertThat(ctx.routingReason()).contains("explicit: a serves m");
    }

    @Test
    void aSkippedDeployment_isPassed_andTheReasonSaysSo() {
        RequestContext ctx = ctx(List.of(deployment("a", false), deployment("b", false)));
        stage(refusing(Map.of("a", limited(5)))).process(ctx, null);
        assertThat(called).containsExactly("b");
        assertThat(ctx.deployment()).map(Deployment::providerName).contains("b");
        assertThat(ctx.attempts()).isEqualTo(1);
        assertThat(ctx.routingReason()).contains("rate limit: a at its limit, tried b");
    }

    @Test
    void whenEveryDeploymentRefuses_theRateLimitThatResetsSoonestIsThrown_andNoUpstreamIsCalled() {
        GatewayException tooBig = new GatewayException(400, "invalid_request_error", "max_tokens_per_request_exceeded", "max_tokens", "big", Map.of());
        RequestContext ctx = ctx(List.of(deployment("a", false), deployment("b", false), deployment("c", false)));
        GatewayException thrown = catchThrowableOfType(GatewayException.class,
                () -> stage(refusing(Map.of("a", tooBig, "b", limited(40), "c", limited(7)))).process(ctx, null));
        assertThat(thrown.headers()).containsEntry("retry-after", "7");
        assertThat(called).isEmpty();
        assertThat(ctx.attempts()).isZero();
        assertThat(ctx.routingReason()).contains("rate limit: a at its limit; rate limit: b at its limit; rate limit: c at its limit");

        GatewayException onlyTooBig = catchThrowableOfType(GatewayException.class, () -> stage(refusing(Map.of("a", tooBig, "b", tooBig,
                "c", tooBig))).process(ctx(List.of(deployment("a", false), deployment("b", false), deployment("c", false))), null));
        assertThat(onlyTooBig.status()).isEqualTo(400);
    }

    @Test
    void anUpstreamFailure_stillFallsBack_pastASkippedDeployment_andTheReasonNamesEveryStep() {
        RequestContext ok = ctx(List.of(deployment("a", true), deployment("b", false), deployment("c", false)));
        stage(refusing(Map.of("b", limited(5)))).process(ok, null);
        assertThat(called).containsExactly("a", "c");
        assertThat(ok.routingReason()).contains("fallback: a failed (status 500); rate limit: b at its limit, tried c");
        assertThat(ok.attempts()).isEqualTo(2);
    }

    @Test
    void whenAllFail_theUpstreamFailureWinsOverARefusal() {
        RequestContext failed = ctx(List.of(deployment("a", true), deployment("b", false)));
        GatewayException thrown = catchThrowableOfType(GatewayException.class,
                () -> stage(refusing(Map.of("b", limited(5)))).process(failed, null));
        assertThat(thrown.status()).isEqualTo(502);
        assertThat(called).containsExactly("a");
        assertThat(failed.routingReason()).contains("fallback: a failed (status 500); rate limit: b at its limit");
    }

    @Test
    void aFailureAnotherDeploymentCouldNotFix_isNotRetried() {
        FakeAdapter rejecting = new FakeAdapter().failing(400);
        RequestContext ctx = ctx(List.of(rejecting.deployment("a", "m"), deployment("b", false)));
        GatewayException thrown = catchThrowableOfType(GatewayException.class, () -> stage().process(ctx, null));
        assertThat(thrown.status()).isEqualTo(400);
        assertThat(called).containsExactly("a");
        assertThat(upstreams.get("b").calls()).isZero();
    }

    /** A budget-like attempt stage: reserves on the named targets (recording it) and gives back what a failed attempt took. */
    private static final class RecordingReservation implements AttemptStage {
        final List<String> events = new ArrayList<>();
        final Map<String, GatewayException> refusals;

        RecordingReservation(Map<String, GatewayException> refusals) {
            this.refusals = refusals;
        }

        @Override
        public AttemptDecision attempt(Attempt attempt, AttemptChain chain) {
            String name = attempt.target().providerName();
            GatewayException refusal = refusals.get(name);
            if (refusal != null) {
                events.add("refused " + name);
                return AttemptDecision.skip(attempt, "budget: " + name + " is out", refusal);
            }
            events.add("reserved " + name);
            AttemptDecision decision = chain.proceed(attempt);
            if (!(decision instanceof AttemptDecision.Answered)) {
                events.add("released " + name);
            }
            return decision;
        }
    }

    @Test
    void budgetsReserveBeforeTheRateLimit_andWhatTheyReservedIsReleasedWhenTheRateLimitThenSkips() {
        RequestContext ctx = ctx(List.of(deployment("a", false), deployment("b", false)));
        RecordingReservation budgets = new RecordingReservation(Map.of());
        stage(budgets, refusing(Map.of("a", limited(5)))).process(ctx, null);
        assertThat(budgets.events).containsExactly("reserved a", "released a", "reserved b");
        assertThat(called).containsExactly("b");
    }

    @Test
    void aTargetTheBudgetsRefuse_neverReachesTheRateLimit_andOnATieTheLaterRefusalIsTheAnswer() {
        List<String> asked = new ArrayList<>();
        AttemptStage rateLimit = (attempt, chain) -> {
            asked.add(attempt.target().providerName());
            return chain.proceed(attempt);
        };
        GatewayException exceeded = new GatewayException(429, "budget_exceeded", "budget_exceeded", null, "a is out", Map.of("retry-after", "600"));
        GatewayException both = new GatewayException(429, "budget_exceeded", "both_exhausted", null, "both out", Map.of("retry-after", "600"));
        RequestContext ctx = ctx(List.of(deployment("a", false), deployment("b", false)));
        GatewayException thrown = catchThrowableOfType(GatewayException.class,
                () -> stage(new RecordingReservation(Map.of("a", exceeded, "b", both)), rateLimit).process(ctx, null));
        assertThat(thrown.code()).isEqualTo("both_exhausted");
        assertThat(asked).isEmpty();
        assertThat(called).isEmpty();
        assertThat(ctx.routingReason()).contains("budget: a is out; budget: b is out");
    }

    @Test
    void anAttemptStageProceedingTwice_isAProgrammingError() {
        AttemptStage twice = (attempt, chain) -> {
            chain.proceed(attempt);
            return chain.proceed(attempt);
        };
        RequestContext ctx = ctx(List.of(deployment("a", false)));
        IllegalStateException e = catchThrowableOfType(IllegalStateException.class, () -> stage(twice).process(ctx, null));
        assertThat(e).hasMessageContaining("must call proceed() at most once");
    }
}
