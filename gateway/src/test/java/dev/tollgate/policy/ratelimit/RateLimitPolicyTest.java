package dev.tollgate.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.RateLimitsConfig;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TimeoutConfig;
import dev.tollgate.model.ChatRequest;
import dev.tollgate.model.Message;
import dev.tollgate.model.Principal;
import dev.tollgate.model.RateLimits;
import dev.tollgate.model.Role;
import dev.tollgate.model.Scope;
import dev.tollgate.model.Usage;
import dev.tollgate.pipeline.CallEnds;
import dev.tollgate.pipeline.Endpoint;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.Inbound;
import dev.tollgate.pipeline.Pipeline;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.pipeline.RequestContext;
import dev.tollgate.provider.Deployment;
import dev.tollgate.store.memory.InMemoryCounterStore;
import dev.tollgate.usage.TokenCounter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

class RateLimitPolicyTest {

    private static final TokenCounter TOKENS = new TokenCounter();
    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-23T21:17:42.250Z"));
    private final InMemoryCounterStore counters = new InMemoryCounterStore(clock);
    private final RateLimitPolicy policy = new RateLimitPolicy(counters, TOKENS, new RateLimitsConfig(RateLimits.NONE, 500), clock);
    private final Pipeline pipeline = new Pipeline(List.of(), PipelineListener.NONE, null, clock);

    private RequestContext call(Optional<Integer> maxTokens) {
        RequestContext ctx = pipeline.newContext("req", Endpoint.CHAT, new Inbound(h -> Optional.empty(), new byte[0], b -> null));
        ctx.principal(new Principal("acme", "key_1", Set.of(Scope.INFER), Set.of(), Optional.empty(), Optional.empty()));
        ctx.request(new ChatRequest(Optional.of("gpt-4o-mini"), false, false, maxTokens,
                List.of(Message.text(Role.USER, "Say hello to the rate limiter.")), List.of(), JsonNodeFactory.instance.objectNode()));
        return ctx;
    }

    private static Deployment deployment(String name, RateLimits limits) {
        ProviderConfig p = new ProviderConfig(name, ProviderKind.OPENAI, URI.create("http://127.0.0.1:9/v1"), Optional.empty(),
                List.of("*"), name + "/", Map.of(), TimeoutConfig.DEFAULTS, SimulatedConfig.DEFAULTS, limits);
        return new Deployment(p, "gpt-4o-mini", null);
    }

    @Test
    void keyRpm_admitsUpToTheLimit_thenRefusesWith429_untilTheMinuteEnds() {
        RateLimits limits = RateLimits.perKey(3, 0);
        for (int i = 0; i < 3; i++) {
            RequestContext ctx = call(Optional.empty());
            assertThat(policy.admitKey(ctx, "key_1", limits)).isNull();
            assertThat(ctx.responseHeaders()).containsEntry("x-ratelimit-limit-requests", "3")
                    .containsEntry("x-ratelimit-remaining-requests", Integer.toString(2 - i))
                    .containsEntry("x-ratelimit-reset-requests", "18s");
        }
        GatewayException refused = policy.admitKey(call(Optional.empty()), "key_1", limits);
        assertThat(refused).isNotNull();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.type()).isEqualTo("rate_limit_error");
        assertThat(refused.code()).isEqualTo("rate_limit_exceeded");
        assertThat(refused.headers()).containsEntry("retry-after", "18").containsEntry("x-ratelimit-limit-requests", "3")
                .containsEntry("x-ratelimit-remaining-requests", "0").containsEntry("x-ratelimit-reset-requests", "18s");
        assertThat(refused.getMessage()).contains("3 requests per minute");

        clock.advance(Duration.ofMillis(17_749));
        assertThat(policy.admitKey(call(Optional.empty()), "key_1", limits)).as("still the same minute").isNotNull();
        clock.advance(Duration.ofMillis(1));
        assertThat(policy.admitKey(call(Optional.empty()), "key_1", limits)).as("the next minute").isNull();
    }

    @Test
    void otherKeys_haveTheirOwnWindows() {
        RateLimits limits = RateLimits.perKey(1, 0);
        assertThat(policy.admitKey(call(Optional.empty()), "key_1", limits)).isNull();
        assertThat(policy.admitKey(call(Optional.empty()), "key_2", limits)).isNull();
        assertThat(policy.admitKey(call(Optional.empty()), "key_1", limits)).isNotNull();
    }

    @Test
    void tpm_reservesPromptPlusMaxTokens_andSettlesToTheBilledUsage() {
        RateLimits limits = RateLimits.perKey(0, 1_000);
        RequestContext first = call(Optional.of(300));
        assertThat(policy.admitKey(first, "key_1", limits)).isNull();
        int prompt = first.promptTokensEstimate();
        assertThat(prompt).isPositive();
        assertThat(first.responseHeaders()).containsEntry("x-ratelimit-remaining-tokens", Long.toString(1_000 - prompt - 300));

        CallEnds.delivered(first, new Usage(20, 5, 0, 0, false));
        RequestContext second = call(Optional.of(300));
        assertThat(policy.admitKey(second, "key_1", limits)).isNull();
        assertThat(second.responseHeaders()).containsEntry("x-ratelimit-remaining-tokens", Long.toString(1_000 - 25 - prompt - 300));

        CallEnds.refused(second, GatewayException.badRequest(null, "x"));
        // A second settlement is a programming error: refused, and it settles nothing again.
        assertThatThrownBy(() -> CallEnds.delivered(second, new Usage(999, 0, 0, 0, false)))
                .isInstanceOf(IllegalStateException.class);
        RequestContext third = call(Optional.of(0));
        assertThat(policy.admitKey(third, "key_1", limits)).isNull();
        assertThat(third.responseHeaders()).containsEntry("x-ratelimit-remaining-tokens", Long.toString(1_000 - 25 - prompt));
    }

    @Test
    void withoutMaxTokens_theConfiguredDefaultIsReserved() {
        RequestContext ctx = call(Optional.empty());
        assertThat(policy.admitKey(ctx, "key_1", RateLimits.perKey(0, 10_000))).isNull();
        assertThat(ctx.responseHeaders()).containsEntry("x-ratelimit-remaining-tokens",
                Long.toString(10_000 - ctx.promptTokensEstimate() - 500));
    }

    @Test
    void withoutMaxTokens_theAssumedOutputIsCappedAtTheMinutesLimit_soTheRequestStillFits() {
        RequestContext ctx = call(Optional.empty()); // prompt + 500 assumed > 100
        assertThat(policy.admitKey(ctx, "key_1", RateLimits.perKey(0, 100))).isNull();
        assertThat(ctx.responseHeaders()).containsEntry("x-ratelimit-remaining-tokens", "0");
        assertThat(policy.admitKey(call(Optional.empty()), "key_1", RateLimits.perKey(0, 100)).headers()).containsKey("retry-after");
    }

    @Test
    void aRequestLargerThanAWholeMinute_isRefusedWithoutRetryAfter() {
        GatewayException refused = policy.admitKey(call(Optional.of(5_000)), "key_1", RateLimits.perKey(0, 1_000));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.headers()).doesNotContainKey("retry-after");
        assertThat(refused.getMessage()).contains("1000 tokens per minute");
    }

    @Test
    void deployment_overMaxTokensPerRequest_isRefusedFor400_andCountsNothing() {
        Deployment small = deployment("small", new RateLimits(10, 0, 0, 100));
        GatewayException refused = policy.admitDeployment(call(Optional.of(200)), small);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.code()).isEqualTo("max_tokens_per_request_exceeded");
        assertThat(refused.param()).isEqualTo("max_tokens");
        RequestContext fits = call(Optional.of(50));
        assertThat(policy.admitDeployment(fits, small)).isNull();
        assertThat(fits.responseHeaders()).containsEntry("x-ratelimit-remaining-requests", "9");
    }

    @Test
    void deploymentRpd_refusesUntilTheUtcDayEnds() {
        Deployment d = deployment("daily", new RateLimits(0, 2, 0, 0));
        assertThat(policy.admitDeployment(call(Optional.empty()), d)).isNull();
        assertThat(policy.admitDeployment(call(Optional.empty()), d)).isNull();
        GatewayException refused = policy.admitDeployment(call(Optional.empty()), d);
        long untilMidnight = Duration.between(clock.instant(), Instant.parse("2026-11-24T00:00:00Z")).toSeconds() + 1;
        assertThat(refused.headers()).containsEntry("retry-after", Long.toString(untilMidnight));
        assertThat(refused.getMessage()).contains("2 requests per day");
    }

    @Test
    void headers_showTheLimitWithTheLeastRemaining() {
        RequestContext ctx = call(Optional.empty());
        assertThat(policy.admitKey(ctx, "key_1", RateLimits.perKey(100, 0))).isNull();
        assertThat(policy.admitDeployment(ctx, deployment("d", new RateLimits(5, 0, 0, 0)))).isNull();
        assertThat(ctx.responseHeaders()).containsEntry("x-ratelimit-limit-requests", "5").containsEntry("x-ratelimit-remaining-requests", "4");
        assertThat(policy.admitKey(ctx, "key_9", RateLimits.perKey(100, 0))).isNull();
        assertThat(ctx.responseHeaders()).containsEntry("x-ratelimit-limit-requests", "5");
    }

    @Test
    void aDeploymentThatDidNotServeTheCall_settlesItsTokensToZero() {
        Deployment tried = deployment("tried", new RateLimits(0, 0, 10_000, 0));
        RequestContext ctx = call(Optional.of(100));
        assertThat(policy.admitDeployment(ctx, tried)).isNull();
        CallEnds.delivered(ctx, new Usage(50, 50, 0, 0, false)); // no deployment attempted in ctx
        RequestContext next = call(Optional.of(0));
        assertThat(policy.admitDeployment(next, tried)).isNull();
        assertThat(next.responseHeaders()).containsEntry("x-ratelimit-remaining-tokens", Long.toString(10_000 - next.promptTokensEstimate()));
    }

    @Test
    void concurrentCalls_neverPassTheLimit_andTheLimitIsReachedExactly() throws Exception {
        RateLimits limits = RateLimits.perKey(1_000, 0);
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int t = 0; t < 16; t++) {
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 200; i++) {
                        if (policy.admitKey(call(Optional.empty()), "key_1", limits) == null) {
                            admitted.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            start.countDown();
        }
        assertThat(admitted).hasValue(1_000);
    }
}
