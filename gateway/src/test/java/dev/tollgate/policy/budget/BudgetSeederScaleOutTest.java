package dev.tollgate.policy.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.config.BudgetRuleConfig.Metric;
import dev.tollgate.config.BudgetRuleConfig.Period;
import dev.tollgate.config.BudgetRuleConfig;
import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.BudgetStore;
import dev.tollgate.store.Claim;
import dev.tollgate.store.OpenedResources;
import dev.tollgate.store.TestPostgres;
import dev.tollgate.store.TestRedis;
import dev.tollgate.store.postgres.PostgresBudgetStore;
import dev.tollgate.store.postgres.PostgresUsageLedger;
import dev.tollgate.store.redis.RedisCounterStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seeding budget counters with the scale-out stores: usage from the PostgreSQL ledger, resets from the
 * PostgreSQL budget store, counters into Redis, exactly as with the embedded ones; and a counter seeded
 * on one instance is the one every other instance reserves against.
 */
class BudgetSeederScaleOutTest {

    @RegisterExtension
    final OpenedResources after = new OpenedResources();


    @Test
    void countersSeedFromThePostgresLedgerMinusResets_intoRedis_sharedByEveryInstance() {
        TestPostgres.Schema schema = TestPostgres.open("seed");
        String prefix = TestRedis.prefix("seed");
        after.add(TestRedis.deleteAll(prefix));
        after.add(schema);
        PostgresUsageLedger ledger = new PostgresUsageLedger(schema.database(), Duration.ofMillis(1));
        after.add(ledger);
        BudgetStore budgets = new PostgresBudgetStore(schema.database());
        RedisCounterStore.Settings redis = new RedisCounterStore.Settings(TestRedis.URL, null, prefix, Duration.ofSeconds(5));
        RedisCounterStore seeding = new RedisCounterStore(redis, Clock.systemUTC());
        RedisCounterStore serving = new RedisCounterStore(redis, Clock.systemUTC());
        after.add(seeding);
        after.add(serving);

        Instant now = Instant.now();
        BudgetRuleConfig perAgent = new BudgetRuleConfig("tokens-per-agent", Map.of("agent", BudgetRuleConfig.EACH), Metric.TOKENS,
                Period.MONTH, ZoneOffset.UTC, 10_000, List.of(), BudgetRuleConfig.DEFAULT_ALERTS, Optional.empty());
        BudgetWindow window = BudgetWindow.of(Period.MONTH, ZoneOffset.UTC, now);
        for (int i = 0; i < 6; i++) {
            ledger.append(event("e" + i, window.start().plusMillis(i), i % 2 == 0 ? "imperium" : "scout", 100 * (i + 1)));
        }
        ledger.append(event("untagged", window.start(), null, 5_000));
        ledger.flush();
        BudgetCounter imperium = BudgetCounter.of(perAgent, Map.of("org", "acme", "agent", "imperium"), window);
        BudgetCounter scout = BudgetCounter.of(perAgent, Map.of("org", "acme", "agent", "scout"), window);
        budgets.reset(new BudgetStore.CounterReset(scout.key(), 500, now, "master"));

        List<BudgetCounter> seeded = new BudgetSeeder(ledger, budgets, seeding).seed(List.of(perAgent), now);

        // imperium: 100 + 300 + 500 tokens (+ 10 output each); scout: 200 + 400 + 600 (+ 30) minus the 500 at its reset.
        assertThat(seeded).extracting(BudgetCounter::key).containsExactlyInAnyOrder(imperium.key(), scout.key());
        assertThat(serving.values(List.of(imperium.key(), scout.key()))).containsExactly(930L, 730L);
        assertThat(serving.reserve(List.of(imperium.claim(9_070))).granted()).isTrue();
        assertThat(seeding.reserve(List.of(imperium.claim(1))).granted()).isFalse();
        assertThat(seeding.values(List.of(imperium.key()))).containsExactly(10_000L);
        assertThat(imperium.claim(1)).isEqualTo(new Claim(imperium.key(), 1, 10_000, window.end()));
    }

    private static UsageEvent event(String id, Instant at, String agent, long input) {
        return new UsageEvent(id, at, "req-" + id, "acme", "key-1", agent, "chat", "/v1/chat/completions", "proxy", "openai",
                "gpt-4o-mini", new Usage(input, 10, 0, 0, false), 0.001, true, 0, 5, -1, 200, null, false, 1, "miss", "explicit");
    }
}
