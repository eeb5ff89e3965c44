package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Alert;
import dev.tollgate.store.postgres.PostgresAlertStore;
import dev.tollgate.store.sqlite.SqliteAlertStore;
import dev.tollgate.store.sqlite.SqliteDatabase;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link AlertStore} contract, run over every implementation: SQLite and PostgreSQL (real server). */
class AlertStoreContractTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00.500Z");

    enum Impl {
        SQLITE {
            @Override
            AlertStore open(Path dir, OpenedResources after) {
                return new SqliteAlertStore(SqliteDatabase.openAsync(dir.resolve("tollgate.db")));
            }
        },
        POSTGRES {
            @Override
            AlertStore open(Path dir, OpenedResources after) {
                TestPostgres.Schema schema = TestPostgres.open("alerts");
                after.add(schema);
                return new PostgresAlertStore(schema.database());
            }
        };

        abstract AlertStore open(Path dir, OpenedResources after);
    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Impl.class)
    @interface EveryStore {
    }

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenedResources after = new OpenedResources();


    @EveryStore
    void anAlert_roundTripsEveryField_andItsScopeOrder(Impl impl) {
        AlertStore store = impl.open(dir, after);
        Map<String, String> scope = new LinkedHashMap<>();
        scope.put("provider", "anthropic");
        scope.put("agent", "imperium");
        scope.put("note", "a=b, c\\d");
        Alert threshold = new Alert("a1", T0, "threshold|b1|agent=imperium|critical|2026-11", "threshold", "critical", "acme", "b1",
                "anthropic-monthly", scope, "tokens", "month", Instant.parse("2026-11-01T00:00:00Z"), 133_000, 140_000,
                "budget 'anthropic-monthly' at 95% of 140000 tokens");
        Alert spike = new Alert("a2", T0.plusSeconds(1), "spike|global|2026-11-23T10", "spike", "warning", null, null, null, Map.of(),
                "cost_usd", null, null, 5_000_000, 1_200_000, "spend this hour is 4.2x the trailing average");

        assertThat(store.add(threshold)).isTrue();
        assertThat(store.add(spike)).isTrue();

        List<Alert> listed = store.list(query(Optional.empty()));
        assertThat(listed).containsExactly(spike, threshold);
        assertThat(listed.get(1).scope().keySet()).containsExactly("provider", "agent", "note");
    }

    @EveryStore
    void aSecondAlertWithTheSameDedupKey_isRefused_andTheFirstStays(Impl impl) {
        AlertStore store = impl.open(dir, after);
        Alert first = alert("a1", "acme", "threshold|b1|warning", "warning", T0);

        assertThat(store.add(first)).isTrue();
        assertThat(store.add(alert("a2", "acme", "threshold|b1|warning", "critical", T0.plusSeconds(5)))).isFalse();

        assertThat(store.list(query(Optional.empty()))).containsExactly(first);
    }

    @EveryStore
    void list_filtersByOrgLevelTypeSinceAndAgent_newestFirst_limited(Impl impl) {
        AlertStore store = impl.open(dir, after);
        Alert a = alert("a", "acme", "k-a", "warning", T0);
        Alert b = alert("b", "acme", "k-b", "critical", T0.plusSeconds(10));
        Alert c = alert("c", "globex", "k-c", "warning", T0.plusSeconds(20));
        Alert global = alert("g", null, "k-g", "warning", T0.plusSeconds(30));
        // Two alerts of the same millisecond: the later insert is listed first.
        Alert d = alert("d", "acme", "k-d", "warning", T0.plusSeconds(10));
        Alert scout = new Alert("s", T0.plusSeconds(40), "k-s", "forecast", "warning", "acme", "b2", "scout-daily",
                Map.of("agent", "scout"), "tokens", "day", T0, 90, 100, "forecast passes the budget");
        for (Alert x : List.of(a, b, c, global, d, scout)) {
            store.add(x);
        }

        assertThat(store.list(query(Optional.empty()))).containsExactly(scout, global, c, d, b, a);
        assertThat(store.list(query(Optional.of("acme")))).containsExactly(scout, d, b, a);
        assertThat(store.list(new AlertStore.Query(Optional.of("acme"), Optional.of("warning"), Optional.empty(), Optional.empty(),
                Optional.empty(), 100))).containsExactly(scout, d, a);
        assertThat(store.list(new AlertStore.Query(Optional.empty(), Optional.empty(), Optional.of("threshold"),
                Optional.of(T0.plusSeconds(10)), Optional.empty(), 100))).containsExactly(global, c, d, b);
        assertThat(store.list(new AlertStore.Query(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("imperium"), 100))).containsExactly(global, c, d, b, a);
        assertThat(store.list(new AlertStore.Query(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("scout"), 100))).containsExactly(scout);
        assertThat(store.list(new AlertStore.Query(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), 2))).containsExactly(scout, global);
    }

    @EveryStore
    void rearm_movesMatchingKeysAside_soTheyMayFireAgain_andLeavesOthers(Impl impl) {
        AlertStore store = impl.open(dir, after);
        // '%' and '_' are literal characters of the prefix, not patterns.
        Alert matching = alert("a1", "acme", "threshold|b_1%|agent=imperium|warning", "warning", T0);
        Alert lookalike = alert("a2", "acme", "threshold|bX1%|agent=imperium|warning", "warning", T0.plusSeconds(1));
        Alert otherAgent = alert("a3", "acme", "threshold|b_1%|agent=scout|warning", "warning", T0.plusSeconds(2));
        store.add(matching);
        store.add(lookalike);
        store.add(otherAgent);

        store.rearm("threshold|b_1%|agent=imperium|", "#reset-1");

        assertThat(store.add(alert("a4", "acme", "threshold|b_1%|agent=imperium|warning", "warning", T0.plusSeconds(3)))).isTrue();
        assertThat(store.add(alert("a5", "acme", "threshold|bX1%|agent=imperium|warning", "warning", T0.plusSeconds(4)))).isFalse();
        assertThat(store.add(alert("a6", "acme", "threshold|b_1%|agent=scout|warning", "warning", T0.plusSeconds(5)))).isFalse();
        assertThat(store.list(query(Optional.empty()))).extracting(Alert::id, Alert::dedupKey).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a4", "threshold|b_1%|agent=imperium|warning"),
                org.assertj.core.groups.Tuple.tuple("a3", "threshold|b_1%|agent=scout|warning"),
                org.assertj.core.groups.Tuple.tuple("a2", "threshold|bX1%|agent=imperium|warning"),
                org.assertj.core.groups.Tuple.tuple("a1", "threshold|b_1%|agent=imperium|warning#reset-1"));
    }

    /** Instances that see a budget pass a threshold at once all try to add its alert: exactly one add wins. */
    @EveryStore
    void concurrentAddsOfOneAlert_storeItOnce_andExactlyOneWins(Impl impl) throws Exception {
        AlertStore store = impl.open(dir, after);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        int wins = 0;
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int n = t;
                results.add(pool.submit(() -> {
                    go.await();
                    int won = 0;
                    for (int i = 0; i < 20; i++) {
                        won += store.add(alert("t" + n + "-" + i, "acme", "threshold|b1|level-" + i, "warning", T0.plusMillis(i))) ? 1 : 0;
                    }
                    return won;
                }));
            }
            go.countDown();
            for (Future<Integer> r : results) {
                wins += r.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(wins).isEqualTo(20);
        assertThat(store.list(query(Optional.empty()))).hasSize(20);
    }

    private static AlertStore.Query query(Optional<String> org) {
        return new AlertStore.Query(org, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 100);
    }

    private static Alert alert(String id, String org, String dedup, String level, Instant at) {
        return new Alert(id, at, dedup, "threshold", level, org, "b1", "rule-b1", Map.of("agent", "imperium"), "tokens", "month",
                Instant.parse("2026-11-01T00:00:00Z"), 80, 100, "budget 'rule-b1' at 80% of 100 tokens");
    }
}
