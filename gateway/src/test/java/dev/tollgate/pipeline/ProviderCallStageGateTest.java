package dev.tollgate.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.Usage;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.ProviderAdapter;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.UpstreamException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

/** The provider call stage with an attempt gate: refused deployments are skipped; the most useful refusal wins. */
class ProviderCallStageGateTest {

    private final List<String> called = new ArrayList<>();

    private Deployment deployment(String name, boolean fails) {
        ProviderAdapter adapter = new ProviderAdapter() {
            @Override
            public ProviderResponse chat(ChatRequest request, String upstreamModel) {
                called.add(name);
                if (fails) {
                    throw new UpstreamException(UpstreamException.Kind.STATUS, 500, null, Map.of(), name + " is down");
                }
                return new ProviderResponse.Complete(new byte[0], Usage.NONE, Map.of());
            }

            @Override
            public void close() {
            }
        };
        return new Deployment(new ProviderConfig(name, ProviderKind.OPENAI, URI.create("http://127.0.0.1:9/v1"), Optional.empty(),
                List.of("*"), name + "/", Map.of(), TimeoutConfig.DEFAULTS, SimulatedConfig.DEFAULTS), "m", adapter);
    }

    private static RequestContext ctx(List<Deployment> route) {
        RequestContext ctx = new RequestContext("r", Endpoint.CHAT, Clock.systemUTC().instant(), System.nanoTime(),
                new Inbound(h -> Optional.empty(), new byte[0], b -> null));
        ctx.request(new ChatRequest(Optional.of("m"), false, false, Optional.empty(), List.of(Message.text(Role.USER, "hi")), List.of(),
                JsonNodeFactory.instance.objectNode()));
        ctx.route("m", route, "explicit");
        return ctx;
    }

    private static GatewayException limited(long retryAfter) {
        return new GatewayException(429, "rate_limit_error", "rate_limit_exceeded", null, "full", Map.of("retry-after", Long.toString(retryAfter)));
    }

    private static AttemptGate refusing(Map<String, GatewayException> refusals) {
        return (ctx, target) -> refusals.get(target.providerName());
    }

    @Test
    void aRefusedDeployment_isSkipped_andTheReasonSaysSo() {
        RequestContext ctx = ctx(List.of(deployment("a", false), deployment("b", false)));
        new ProviderCallStage(PipelineListener.NONE, refusing(Map.of("a", limited(5)))).process(ctx, null);
        assertThat(called).containsExactly("b");
        assertThat(ctx.deployment()).map(Deployment::providerName).contains("b");
        assertThat(ctx.attempts()).isEqualTo(1);
        assertThat(ctx.routingReason()).contains("rate limit: a at its limit, tried b");
    }

    @Test
    void whenEveryDeploymentRefuses_theRateLimitThatResetsSoonestIsThrown_andNoUpstreamIsCalled() {
        GatewayException tooBig = new GatewayException(400, "invalid_request_error", "max_tokens_per_request_exceeded", "max_tokens", "big", Map.of());
        RequestContext ctx = ctx(List.of(deployment("a", false), deployment("b", false), deployment("c", false)));
        GatewayException thrown = catchThrowableOfType(GatewayException.class, () -> new ProviderCallStage(PipelineListener.NONE,
                refusing(Map.of("a", tooBig, "b", limited(40), "c", limited(7)))).process(ctx, null));
        assertThat(thrown.headers()).containsEntry("retry-after", "7");
        assertThat(called).isEmpty();
        assertThat(ctx.attempts()).isZero();

        GatewayException onlyTooBig = catchThrowableOfType(GatewayException.class, () -> new ProviderCallStage(PipelineListener.NONE,
                refusing(Map.of("a", tooBig, "b", tooBig, "c", tooBig))).process(ctx(List.of(deployment("a", false), deployment("b", false),
                deployment("c", false))), null));
        assertThat(onlyTooBig.status()).isEqualTo(400);
    }

    @Test
    void anUpstreamFailure_stillFallsBack_pastARefusedDeployment_andWinsOverTheRefusalWhenAllFail() {
        RequestContext ok = ctx(List.of(deployment("a", true), deployment("b", false), deployment("c", false)));
        new ProviderCallStage(PipelineListener.NONE, refusing(Map.of("b", limited(5)))).process(ok, null);
        assertThat(called).containsExactly("a", "c");
        assertThat(ok.routingReason()).contains("fallback: a failed (status 500), tried c");

        called.clear();
        RequestContext failed = ctx(List.of(deployment("a", true), deployment("b", false)));
        GatewayException thrown = catchThrowableOfType(GatewayException.class, () -> new ProviderCallStage(PipelineListener.NONE,
                refusing(Map.of("b", limited(5)))).process(failed, null));
        assertThat(thrown.status()).isEqualTo(502);
        assertThat(called).containsExactly("a");
    }

    @Test
    void theOpenGate_admitsEverything() {
        assertThat(AttemptGate.OPEN.admit(ctx(List.of()), deployment("a", false))).isNull();
    }

    /** A budget guard that admits named targets (recording what it holds) and refuses the rest. */
    private static final class RecordingGuard implements AttemptGuard {
        final List<String> events = new ArrayList<>();
        final Map<String, GatewayException> refusals;

        RecordingGuard(Map<String, GatewayException> refusals) {
            this.refusals = refusals;
        }

        @Override
        public dev.tollgate.model.CanonicalRequest admit(RequestContext ctx, Deployment target, dev.tollgate.model.CanonicalRequest request) {
            GatewayException refusal = refusals.get(target.providerName());
            if (refusal != null) {
                events.add("refused " + target.providerName());
                throw refusal;
            }
            events.add("reserved " + target.providerName());
            return request;
        }

        @Override
        public void failed(RequestContext ctx, Deployment target) {
            events.add("released " + target.providerName());
        }
    }

    @Test
    void budgetsAdmitBeforeTheGate_andWhatTheyReservedIsReleasedWhenTheGateThenRefuses() {
        RequestContext ctx = ctx(List.of(deployment("a", false), deployment("b", false)));
        RecordingGuard guard = new RecordingGuard(Map.of());
        ctx.guard(guard);
        new ProviderCallStage(PipelineListener.NONE, refusing(Map.of("a", limited(5)))).process(ctx, null);
        assertThat(guard.events).containsExactly("reserved a", "released a", "reserved b");
        assertThat(called).containsExactly("b");
    }

    @Test
    void aTargetTheBudgetsRefuse_neverReachesTheGate_andOnATieTheLaterRefusalIsTheAnswer() {
        List<String> asked = new ArrayList<>();
        AttemptGate gate = (c, target) -> {
            asked.add(target.providerName());
            return null;
        };
        GatewayException exceeded = new GatewayException(429, "budget_exceeded", "budget_exceeded", null, "a is out", Map.of("retry-after", "600"));
        GatewayException both = new GatewayException(429, "budget_exceeded", "both_exhausted", null, "both out", Map.of("retry-after", "600"));
        RequestContext ctx = ctx(List.of(deployment("a", false), deployment("b", false)));
        ctx.guard(new RecordingGuard(Map.of("a", exceeded, "b", both)));
        GatewayException thrown = catchThrowableOfType(GatewayException.class,
                () -> new ProviderCallStage(PipelineListener.NONE, gate).process(ctx, null));
        assertThat(thrown.code()).isEqualTo("both_exhausted");
        assertThat(asked).isEmpty();
        assertThat(called).isEmpty();
    }
}
