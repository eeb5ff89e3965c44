package dev.tollgate.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.testing.FakeClock;
import dev.tollgate.testing.GatewayExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The gateway looks for spikes by itself, every {@code spike_check_seconds}; nobody calls the check. */
class SpikeScheduleTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final FakeClock CLOCK = new FakeClock(Instant.parse("2026-11-23T09:40:00Z"));

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.yaml("""
            providers:
              - {name: sim, kind: simulated}
            alerts:
              spike_multiple: 4
              spike_trailing_hours: 6
              spike_check_seconds: 1
            """).clock(CLOCK);

    @Test
    void aSpikeIsFoundByThePeriodicCheck() {
        Instant hour = Instant.parse("2026-11-23T09:00:00Z");
        for (int h = 1; h <= 6; h++) {
            gateway.ledger().append(event(hour.minus(Duration.ofHours(h)).plusSeconds(60), 100));
        }
        gateway.ledger().append(event(hour.plusSeconds(120), 300));
        gateway.ledger().append(event(hour.plusSeconds(180), 300)); // 600 tokens this hour: 6× the average of 100
        gateway.ledger().flush();

        await().atMost(Duration.ofSeconds(15)).until(() -> alerts().size() == 1);
        JsonNode spike = alerts().get(0);
        assertThat(spike.path("type").asString()).isEqualTo("spike");
        assertThat(spike.path("metric").asString()).as("nothing was priced, so tokens").isEqualTo("tokens");
        assertThat(spike.path("value").asLong()).isEqualTo(600);
        assertThat(spike.path("limit").asLong()).isEqualTo(400);
        assertThat(spike.path("scope").path("agent").asString()).isEqualTo("crawler");
    }

    private static JsonNode alerts() {
        return JSON.readTree(gateway.get("/api/token-usage/alerts?type=spike&agent=crawler").body()).path("data");
    }

    private static UsageEvent event(Instant time, long tokens) {
        return new UsageEvent(UUID.randomUUID().toString(), time, "req-" + UUID.randomUUID(), "default", "open", "crawler", null, "chat",
                "proxy", "sim", "tollgate-sim", new Usage(tokens, 0, 0, 0, false), 0, false, 0, 5, -1, 200, null, false, 1, "miss", null);
    }
}
