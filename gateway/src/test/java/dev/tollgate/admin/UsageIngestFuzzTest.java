package dev.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.api.HttpBodies;
import dev.tollgate.model.Principal;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.pipeline.GatewayException;
import dev.tollgate.pipeline.PipelineListener;
import dev.tollgate.usage.PriceTable;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import dev.tollgate.BoundedTime;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzes the {@code POST /api/log} body validation (Jazzer; corpus in the test resources): any body is a
 * batch of valid events or a 4xx {@link GatewayException}, nothing else (the probe's
 * {@code "timestamp": 100000000000000000000} was a 500), within bounded time.
 */
class UsageIngestFuzzTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final UsageIngestRoute ROUTE = new UsageIngestRoute(JSON, new HttpBodies(1 << 20), PriceTable.bundled(JSON),
            PipelineListener.NONE, Clock.systemUTC(), Duration.ofDays(90));

    @FuzzTest(maxDuration = "30s")
    void anyBody_isAValidBatchOrA4xx(byte[] body) {
        BoundedTime.run(() -> {
            try {
                List<UsageEvent> events = ROUTE.validate(body, Principal.open());
                assertThat(events).isNotEmpty().allSatisfy(e -> {
                    assertThat(e.usage().inputTokens()).isNotNegative();
                    assertThat(e.usage().outputTokens()).isNotNegative();
                });
            } catch (GatewayException e) {
                assertThat(e.status()).as(e.getMessage()).isBetween(400, 499);
            }
        });
    }
}
