package dev.tollgate.policy.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.ResilienceConfig;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Role;
import dev.tollgate.model.Usage;
import dev.tollgate.pipeline.AttemptDecision;
import dev.tollgate.pipeline.AttemptStage;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.FallbackStage;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.provider.Deployment;
import dev.tollgate.provider.ProviderResponse;
import dev.tollgate.provider.UpstreamException;
import dev.tollgate.provider.Wire;
import dev.tollgate.usage.PriceTable;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The retry stage over a scripted chain: how many tries, the waits it asks for, when it stops, what it hands back. */
class RetryStageTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pipeline PIPELINE = new Pipeline(List.of(), PipelineListener.NONE, PriceTable.bundled(JSON), Clock.systemUTC());

    private final List<Duration> slept = new ArrayList<>();
    private final Deque<Object> script = new ArrayDeque<>();
    private int calls;

    private static final ResilienceConfig.Retries RETRIES = new ResilienceConfig.Retries(2, java.util.Set.of(429), true, true, true, false,
            Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofSeconds(5));

    private static Deployment deployment(String name) {
        ProviderConfig p = new ProviderConfig(name, ProviderKind.OPENAI, URI.create("http://127.0.0.1:9/v1"), Optional.empty(), List.of("*"), "",
                Map.of(), TimeoutConfig.DEFAULTS, SimulatedConfig.DEFAULTS, null,
                new ResilienceConfig(RETRIES, ResilienceConfig.CircuitBreaker.DEFAULTS), 1, false);
        return new Deployment(p, "m", null);
    }

    /** The last attempt stage: answers, fails or skips as scripted, counting its calls. */
    private final AttemptStage upstream = (attempt, chain) -> {
        calls++;
        Object next = script.poll();
        if (next instanceof UpstreamException e) {
            return new AttemptDecision.Failed(attempt.step(), e);
        }
        if ("skip".equals(next)) {
            return new AttemptDecision.Skipped(attempt.step(), "circuit open: " + attempt.target().providerName(),
                    new GatewayException(503, "api_error", "circuit_open", null, "open", Map.of()));
        }
        return new AttemptDecision.Answered(attempt.step(), new ProviderResponse.Complete(new byte[0], Usage.NONE, Map.of(), Wire.OPENAI));
    };

    private RequestContext ctx(Deployment... plan) {
        RequestContext ctx = PIPELINE.newContext("r", Endpoint.CHAT, new Inbound(name -> Optional.empty(), new byte[0], null));
        ctx.request(new ChatRequest(Optional.of("m"), false, false, Optional.of(10), List.of(Message.text(Role.USER, "hi")), List.of(),
                JSON.createObjectNode()));
        ctx.route("m", List.of(plan), "explicit");
        return ctx;
    }

    private FallbackStage fallback() {
        RetryPolicy policy = new RetryPolicy(Clock.systemUTC(), bound -> bound);
        return new FallbackStage(List.of(new RetryStage(policy, slept::add), upstream));
    }

    private static UpstreamException status(int s, Map<String, String> headers) {
        return new UpstreamException(UpstreamException.Kind.STATUS, s, null, headers, "upstream answered " + s);
    }

    @Test
    void twoFailures_thenAnAnswer_waitsTheDoublingBackoff() {
        script.add(status(503, Map.of()));
        script.add(status(500, Map.of()));
        script.add("answer");

        fallback().process(ctx(deployment("a")), null);

        assertThat(calls).isEqualTo(3);
        assertThat(slept).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void retriesUsedUp_theNextStepServes_andTheReasonCountsThem() {
        script.add(status(503, Map.of()));
        script.add(status(503, Map.of()));
        script.add(status(503, Map.of()));
        script.add("answer");
        RequestContext ctx = ctx(deployment("a"), deployment("b"));

        fallback().process(ctx, null);

        assertThat(calls).isEqualTo(4);
        assertThat(ctx.routingReason()).contains("fallback: a failed (status 503, 2 retries), tried b");
    }

    @Test
    void aFailureNotCovered_isNotRetried_andRetryAfterIsWaited() {
        script.add(status(429, Map.of("retry-after", "2")));
        script.add(status(400, Map.of()));

        assertThatThrownBy(() -> fallback().process(ctx(deployment("a")), null)).isInstanceOf(GatewayException.class);

        assertThat(calls).isEqualTo(2);
        assertThat(slept).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void aSkipDuringRetries_endsThem_keepingTheUpstreamsFailure() {
        script.add(status(503, Map.of()));
        script.add("skip");
        RequestContext ctx = ctx(deployment("a"));

        assertThatThrownBy(() -> fallback().process(ctx, null))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.status()).isEqualTo(503));

        assertThat(calls).isEqualTo(2);
        assertThat(slept).hasSize(1);
        assertThat(ctx.routingReason()).contains("fallback: a failed (status 503, not retried: circuit open: a)");
    }
}
