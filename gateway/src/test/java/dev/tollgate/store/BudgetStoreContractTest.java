package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.store.BudgetStore.CounterReset;
import dev.tollgate.store.BudgetStore.StoredBudget;
import dev.tollgate.store.postgres.PostgresBudgetStore;
import dev.tollgate.store.sqlite.SqliteBudgetStore;
import dev.tollgate.store.sqlite.SqliteDatabase;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link BudgetStore} contract, run over every implementation: SQLite and PostgreSQL (real server). */
class BudgetStoreContractTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00.250Z");

    enum Impl {
        SQLITE {
            @Override
            BudgetStore open(Path dir, OpenedResources after) {
                return new SqliteBudgetStore(SqliteDatabase.openAsync(dir.resolve("tollgate.db")));
            }
        },
        POSTGRES {
            @Override
            BudgetStore open(Path dir, OpenedResources after) {
                TestPostgres.Schema schema = TestPostgres.open("budgets");
                after.add(schema);
                return new PostgresBudgetStore(schema.database());
            }
        };

        abstract BudgetStore open(Path dir, OpenedResources after);
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
    void rules_roundTrip_andAreListedByName(Impl impl) {
        BudgetStore store = impl.open(dir, after);
        StoredBudget beta = new StoredBudget("beta", "acme", "{\"limit\":100}", T0);
        StoredBudget global = new StoredBudget("Zeta", null, "{\"limit\":5,\"scope\":{\"agent\":\"*\"}}", T0.plusMillis(1));
        StoredBudget alpha = new StoredBudget("alpha", "globex", "{\"name\":\"alpha\",\"note\":\"ünïcödé ✓\"}", T0.plusSeconds(3));

        store.put(beta);
        store.put(global);
        store.put(alpha);

        // Byte order: upper case before lower case.
        assertThat(store.budgets()).containsExactly(global, alpha, beta);
        assertThat(store.budget("Zeta")).contains(global);
        assertThat(store.budget("zeta")).isEmpty();
    }

    @EveryStore
    void put_replacesARuleOfTheSameName_andDeleteSaysWhetherThereWasOne(Impl impl) {
        BudgetStore store = impl.open(dir, after);
        store.put(new StoredBudget("daily", "acme", "{\"limit\":100}", T0));
        StoredBudget replaced = new StoredBudget("daily", null, "{\"limit\":250}", T0.plusSeconds(60));

        store.put(replaced);

        assertThat(store.budgets()).containsExactly(replaced);
        assertThat(store.delete("daily")).isTrue();
        assertThat(store.delete("daily")).isFalse();
        assertThat(store.budgets()).isEmpty();
        assertThat(store.budget("daily")).isEmpty();
    }

    @EveryStore
    void aReset_replacesTheEarlierResetOfItsCounter_only(Impl impl) {
        BudgetStore store = impl.open(dir, after);
        CounterReset first = new CounterReset("budget|b1|tokens|agent=imperium|2026-11", 1_000, T0, "master");
        CounterReset other = new CounterReset("budget|b1|tokens|agent=scout|2026-11", 7, T0.plusSeconds(1), "key-9");
        CounterReset again = new CounterReset("budget|b1|tokens|agent=imperium|2026-11", 5_000_000_000L, T0.plusSeconds(2), "key-1");

        store.reset(first);
        store.reset(other);
        store.reset(again);

        assertThat(store.resets()).containsExactlyInAnyOrder(again, other);
    }

    @EveryStore
    void concurrentPuts_ofManyRules_storeEveryOne_andTheLastVersionOfEach(Impl impl) throws Exception {
        BudgetStore store = impl.open(dir, after);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int n = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int v = 0; v < 10; v++) {
                        store.put(new StoredBudget("rule-" + n, "org-" + n, "{\"version\":" + v + "}", T0.plusMillis(v)));
                        store.reset(new CounterReset("counter-" + n, v, T0.plusMillis(v), "t" + n));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.budgets()).hasSize(threads).allSatisfy(b -> {
            assertThat(b.definition()).isEqualTo("{\"version\":9}");
            assertThat(b.updatedAt()).isEqualTo(T0.plusMillis(9));
        });
        assertThat(store.resets()).hasSize(threads).allSatisfy(r -> assertThat(r.offset()).isEqualTo(9));
    }
}
