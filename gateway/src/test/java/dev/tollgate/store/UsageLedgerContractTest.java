package dev.tollgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.journal.JournaledUsageLedger;
import dev.tollgate.store.memory.InMemoryUsageLedger;
import dev.tollgate.store.postgres.PostgresUsageLedger;
import dev.tollgate.store.sqlite.SqliteUsageLedger;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link UsageLedger} contract, run over every implementation: in memory, SQLite, PostgreSQL (a fresh
 * schema per test on the real server, see {@link TestPostgres}), and the journal wrapped around SQLite
 * and around PostgreSQL (what the gateway runs, embedded and scaled out).
 *
 * <p>Costs in these tests are multiples of 1/1024 dollar, so every sum is exact in binary floating point
 * whatever the order of addition, and totals are compared with {@code equals}, field by field. Expected
 * totals are summed here by hand ({@link #sum}), not with the main code's {@link UsageTotals#of}.
 *
 * <p>Design note on its length: this is one contract, kept in one file on purpose. Every test runs over the
 * same table of implementations ({@link Impl}) against the same hand-summed oracle, and the sections
 * (idempotency, cache and routing savings, periods, filters, breakdowns, months, errors, retention, recent,
 * series, concurrency) are each a few tests of one part of the {@link UsageLedger} interface. Split by
 * section, each file would repeat the table and the oracle, and an implementation added to one file could be
 * missed in another.
 */
class UsageLedgerContractTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A Tuesday; every period below is placed relative to it. */
    private static final Instant DAY = Instant.parse("2026-03-10T00:00:00Z");
    private static final Instant NEXT_DAY = DAY.plus(Duration.ofDays(1));

    /** The ledgers under test. */
    enum Impl {
        IN_MEMORY {
            @Override
            UsageLedger open(Path dir, OpenedResources after) {
                return new InMemoryUsageLedger();
            }
        },
        SQLITE {
            @Override
            UsageLedger open(Path dir, OpenedResources after) {
                return new SqliteUsageLedger(dir.resolve("tollgate.db"));
            }
        },
        JOURNALED_SQLITE {
            @Override
            UsageLedger open(Path dir, OpenedResources after) {
                return new JournaledUsageLedger(new SqliteUsageLedger(dir.resolve("tollgate.db")), dir.resolve("journal"), JSON);
            }
        },
        POSTGRES {
            @Override
            UsageLedger open(Path dir, OpenedResources after) {
                TestPostgres.Schema schema = TestPostgres.open("ledger");
                after.add(schema);
                return new PostgresUsageLedger(schema.database(), Duration.ofMillis(2));
            }
        },
        JOURNALED_POSTGRES {
            @Override
            UsageLedger open(Path dir, OpenedResources after) {
                return new JournaledUsageLedger(POSTGRES.open(dir, after), dir.resolve("journal"), JSON);
            }
        };

        /** Opens a ledger; what must be released after it is closed goes to {@code after}. */
        abstract UsageLedger open(Path dir, OpenedResources after);
    }

    /** Runs a test once per ledger implementation. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Impl.class)
    @interface EveryLedger {
    }

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenedResources after = new OpenedResources();

    private UsageLedger open(Impl impl) {
        return after.add(impl.open(dir, after));
    }

    private static void store(UsageLedger ledger, List<UsageEvent> events) {
        events.forEach(ledger::append);
        ledger.flush();
    }

    // ---------------------------------------------------------------- idempotency

    @EveryLedger
    void sameIdAppendedTwice_countsOnceInTotalsBreakdownAndMonthly(Impl impl) {
        UsageLedger ledger = open(impl);
        UsageEvent first = at("evt-1", "2026-03-10T09:15:00Z").cost(0.5).input(100).build();
        UsageEvent other = at("evt-2", "2026-03-10T10:15:00Z").cost(0.25).input(40).build();
        // The same id again, with different content: the first stored version wins, nothing is added.
        UsageEvent replayed = at("evt-1", "2026-03-10T11:15:00Z").cost(8.0).input(9_999).model("gpt-4o").build();

        store(ledger, List.of(first, first, other));
        store(ledger, List.of(replayed, first));

        UsageTotals expected = UsageOracle.sum(List.of(first, other));
        assertThat(ledger.count()).isEqualTo(2);
        assertThat(ledger.totals(UsageFilter.ALL, DAY, NEXT_DAY)).isEqualTo(expected);
        assertThat(ledger.breakdown(UsageDimension.MODEL, UsageFilter.ALL, DAY, NEXT_DAY))
                .containsExactly(new UsageGroup(null, List.of("gpt-4o-mini"), expected));
        assertThat(ledger.monthly(List.of(UsageDimension.MODEL), UsageFilter.ALL, YearMonth.of(2026, 3), YearMonth.of(2026, 3)))
                .containsExactly(new UsageGroup("2026-03", List.of("gpt-4o-mini"), expected));
        assertThat(ledger.recent(10)).containsExactly(other, first);
    }

    // ---------------------------------------------------------------- cache hits

    @EveryLedger
    void cacheHits_areSummedPerTier_withWhatTheySaved_inTotalsBreakdownAndSeries(Impl impl) {
        UsageLedger ledger = open(impl);
        UsageEvent miss = at("miss", "2026-03-10T09:00:00Z").cost(0.5).build();
        UsageEvent exact1 = at("exact-1", "2026-03-10T09:05:00Z").cacheHit("exact", 0.5).build();
        UsageEvent exact2 = at("exact-2", "2026-03-10T10:05:00Z").cacheHit("exact", 0.25).model("gpt-4o").build();
        UsageEvent semantic = at("semantic", "2026-03-10T10:06:00Z").cacheHit("semantic", 0.125).build();
        UsageEvent workflow = at("workflow", "2026-03-10T11:00:00Z").cacheHit("workflow", 2.0).build();
        List<UsageEvent> all = List.of(miss, exact1, exact2, semantic, workflow);
        store(ledger, all);

        UsageTotals totals = ledger.totals(UsageFilter.ALL, DAY, NEXT_DAY);
        assertThat(totals).isEqualTo(UsageOracle.sum(all));
        assertThat(totals.cache()).isEqualTo(new CacheTotals(2, 0.75, 1, 0.125, 1, 2.0));
        assertThat(totals.cacheHitRate()).isEqualTo(4 / 5.0);
        assertThat(ledger.breakdown(UsageDimension.MODEL, UsageFilter.ALL, DAY, NEXT_DAY))
                .extracting(g -> g.key() + ":" + g.totals().cache().exactHits() + "/" + g.totals().cache().hits())
                .containsExactlyInAnyOrder("gpt-4o-mini:1/3", "gpt-4o:1/1");
        assertThat(ledger.series(UsageFilter.ALL, DAY, NEXT_DAY, java.time.temporal.ChronoUnit.HOURS))
                .extracting(b -> b.totals().cache().hits()).containsExactly(1L, 2L, 1L);
    }

    // ---------------------------------------------------------------- routing savings

    @EveryLedger
    void routingSavings_areKeptPerEvent_andSummedInTotalsAndBreakdown(Impl impl) {
        UsageLedger ledger = open(impl);
        UsageEvent routed = at("routed", "2026-03-10T09:00:00Z").cost(0.25).routingFree(1.0).build();
        UsageEvent routedToo = at("routed-too", "2026-03-10T10:00:00Z").cost(0.5).routingFree(0.625).model("gpt-4o").build();
        UsageEvent explicit = at("explicit", "2026-03-10T11:00:00Z").cost(2.0).build();
        List<UsageEvent> all = List.of(routed, routedToo, explicit);
        store(ledger, all);

        UsageTotals totals = ledger.totals(UsageFilter.ALL, DAY, NEXT_DAY);
        assertThat(totals).isEqualTo(UsageOracle.sum(all));
        assertThat(totals.routingSavedUsd()).isEqualTo(0.875);
        assertThat(ledger.breakdown(UsageDimension.MODEL, UsageFilter.ALL, DAY, NEXT_DAY))
                .extracting(g -> g.key() + ":" + g.totals().routingSavedUsd())
                .containsExactlyInAnyOrder("gpt-4o-mini:0.75", "gpt-4o:0.125");
        assertThat(ledger.recent(10)).extracting(UsageEvent::routingFreeCostUsd).containsExactly(2.0, 0.625, 1.0);
    }

    // ---------------------------------------------------------------- periods and bucket widening

    /**
     * Events around one day, and the periods asked of them. Periods are answered from rollup buckets:
     * a period whose both ends fall on UTC midnight uses daily buckets and is exact; any other is widened
     * to whole hours (start rounded down, end rounded up), so it may include calls from just outside it.
     */
    @EveryLedger
    void periods_areWidenedToWholeHours_unlessBothEndsAreMidnight(Impl impl) {
        UsageLedger ledger = open(impl);
        UsageEvent dayBefore = at("prev-22:00", "2026-03-09T22:00:00Z").cost(1.0).build();
        UsageEvent nine10 = at("09:10", "2026-03-10T09:10:00Z").cost(0.5).build();
        UsageEvent nine50 = at("09:50", "2026-03-10T09:50:00Z").cost(0.25).build();
        UsageEvent ten05 = at("10:05", "2026-03-10T10:05:00Z").cost(0.125).build();
        UsageEvent late = at("23:59:59.999", "2026-03-10T23:59:59.999Z").cost(2.0).build();
        UsageEvent nextMidnight = at("next-00:00", "2026-03-11T00:00:00Z").cost(4.0).build();
        store(ledger, List.of(dayBefore, nine10, nine50, ten05, late, nextMidnight));

        // Both ends at midnight: daily buckets, exactly the day; the next midnight is excluded ([from, to)).
        assertThat(ledger.totals(UsageFilter.ALL, DAY, NEXT_DAY)).isEqualTo(UsageOracle.sum(List.of(nine10, nine50, ten05, late)));
        // Three whole days.
        assertThat(ledger.totals(UsageFilter.ALL, DAY.minus(Duration.ofDays(1)), DAY.plus(Duration.ofDays(2))))
                .isEqualTo(UsageOracle.sum(List.of(dayBefore, nine10, nine50, ten05, late, nextMidnight)));
        // 09:30 to 10:00 is widened to the 09:00 hour: 09:10 is counted although it is before 09:30.
        assertThat(ledger.totals(UsageFilter.ALL, time("2026-03-10T09:30:00Z"), time("2026-03-10T10:00:00Z")))
                .isEqualTo(UsageOracle.sum(List.of(nine10, nine50)));
        // An end one millisecond past 10:00 is widened to 11:00, taking in 10:05.
        assertThat(ledger.totals(UsageFilter.ALL, time("2026-03-10T09:30:00Z"), time("2026-03-10T10:00:00.001Z")))
                .isEqualTo(UsageOracle.sum(List.of(nine10, nine50, ten05)));
        // Whole hours are not widened: [10:00, 23:00) has only 10:05.
        assertThat(ledger.totals(UsageFilter.ALL, time("2026-03-10T10:00:00Z"), time("2026-03-10T23:00:00Z")))
                .isEqualTo(UsageOracle.sum(List.of(ten05)));
        // Midnight to one millisecond past the next midnight: hourly, so the next day's 00:00 hour is in.
        assertThat(ledger.totals(UsageFilter.ALL, DAY, NEXT_DAY.plusMillis(1)))
                .isEqualTo(UsageOracle.sum(List.of(nine10, nine50, ten05, late, nextMidnight)));
        // A start after midnight with an end at midnight is hourly too: [12:00, 24:00).
        assertThat(ledger.totals(UsageFilter.ALL, time("2026-03-10T12:00:00Z"), NEXT_DAY)).isEqualTo(UsageOracle.sum(List.of(late)));
        // A period with nothing in it.
        assertThat(ledger.totals(UsageFilter.ALL, time("2026-03-10T11:00:00Z"), time("2026-03-10T12:00:00Z")))
                .isEqualTo(UsageTotals.ZERO);
        // Breakdowns widen the same way.
        assertThat(ledger.breakdown(UsageDimension.MODEL, UsageFilter.ALL, time("2026-03-10T09:30:00Z"), time("2026-03-10T10:00:00Z")))
                .containsExactly(new UsageGroup(null, List.of("gpt-4o-mini"), UsageOracle.sum(List.of(nine10, nine50))));
    }

    // ---------------------------------------------------------------- filters (seeded random matrix)

    @EveryLedger
    void everyFilter_selectsExactlyTheMatchingCalls(Impl impl) {
        UsageLedger ledger = open(impl);
        List<UsageEvent> events = randomDay(new Random(20_260_310L), 400);
        store(ledger, events);

        Instant six = time("2026-03-10T06:00:00Z");
        Instant eighteen = time("2026-03-10T18:00:00Z");
        for (UsageFilter filter : filters()) {
            List<UsageEvent> matching = events.stream().filter(UsageOracle.matches(filter)).toList();
            assertThat(ledger.totals(filter, DAY, NEXT_DAY)).as("%s over the day", filter).isEqualTo(UsageOracle.sum(matching));
            assertThat(ledger.totals(filter, six, eighteen)).as("%s from 06:00 to 18:00", filter)
                    .isEqualTo(UsageOracle.sum(matching.stream().filter(e -> !e.time().isBefore(six) && e.time().isBefore(eighteen)).toList()));
            assertThat(ledger.recent(filter, 1_000)).as("%s recent", filter)
                    .containsExactlyElementsOf(matching.stream().sorted(Comparator.comparing(UsageEvent::time).reversed()).toList());
            for (UsageDimension by : UsageDimension.values()) {
                assertThat(ledger.breakdown(by, filter, DAY, NEXT_DAY)).as("%s by %s", filter, by)
                        .containsExactlyInAnyOrderElementsOf(UsageOracle.groups(List.of(by), matching))
                        .isSortedAccordingTo(CONTRACT_ORDER);
            }
        }
    }

    /** Each dimension's values (one matching nothing; {@code ""} for untagged calls), and some combinations. */
    private static List<UsageFilter> filters() {
        List<UsageFilter> filters = new ArrayList<>();
        for (String org : List.of("acme", "globex", "initech")) {
            filters.add(UsageFilter.ALL.withOrg(org));
        }
        for (String agent : List.of("imperium", "scout", "", "nobody")) {
            filters.add(UsageFilter.ALL.withAgent(agent));
        }
        for (String feature : List.of("chat", "plan")) {
            filters.add(UsageFilter.ALL.withFeature(feature));
        }
        for (String provider : List.of("openai", "anthropic")) {
            filters.add(UsageFilter.ALL.withProvider(provider));
        }
        for (String model : List.of("gpt-4o-mini", "claude-sonnet-4", "o3-mini")) {
            filters.add(UsageFilter.ALL.withModel(model));
        }
        filters.add(UsageFilter.ALL.withOrg("acme").withAgent("scout"));
        filters.add(UsageFilter.ALL.withProvider("openai").withModel("o3-mini").withFeature("plan"));
        filters.add(UsageFilter.ALL.withProvider("anthropic").withModel("gpt-4o-mini"));
        filters.add(new UsageFilter(Optional.empty(), Optional.of("key-2"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty()));
        return filters;
    }

    // ---------------------------------------------------------------- breakdowns

    @EveryLedger
    void breakdown_isOrderedByCostDescending_thenRequestsDescending(Impl impl) {
        UsageLedger ledger = open(impl);
        List<UsageEvent> events = new ArrayList<>();
        events.add(at("a1", "2026-03-10T01:00:00Z").model("model-a").cost(0.75).build());
        for (int i = 0; i < 3; i++) {
            events.add(at("b" + i, "2026-03-10T02:0" + i + ":00Z").model("model-b").cost(0.25).build());
        }
        events.add(at("c1", "2026-03-10T03:00:00Z").model("model-c").cost(1.5).build());
        for (int i = 0; i < 5; i++) {
            events.add(at("d" + i, "2026-03-10T04:0" + i + ":00Z").model("model-d").cost(0).build());
        }
        for (int i = 0; i < 2; i++) {
            events.add(at("e" + i, "2026-03-10T05:0" + i + ":00Z").model("model-e").cost(0).build());
        }
        Collections.shuffle(events, new Random(7));
        store(ledger, events);

        List<UsageGroup> rows = ledger.breakdown(UsageDimension.MODEL, UsageFilter.ALL, DAY, NEXT_DAY);

        // c: $1.50; b and a tie at $0.75, b has 3 requests to a's 1; d and e tie at $0, d has 5 to e's 2.
        assertThat(rows).extracting(UsageGroup::key).containsExactly("model-c", "model-b", "model-a", "model-d", "model-e");
        assertThat(rows).extracting(g -> g.totals().requests()).containsExactly(1L, 3L, 1L, 5L, 2L);
        assertThat(rows).extracting(g -> g.totals().costUsd()).containsExactly(1.5, 0.75, 0.75, 0.0, 0.0);
    }

    @EveryLedger
    void twoDimensionBreakdown_groupsByAgentAndProvider_inTheOrderAsked(Impl impl) {
        UsageLedger ledger = open(impl);
        UsageEvent imperiumOpenAi1 = at("1", "2026-03-10T01:00:00Z").agent("imperium").provider("openai").cost(0.5).input(10).build();
        UsageEvent imperiumOpenAi2 = at("2", "2026-03-10T02:00:00Z").agent("imperium").provider("openai").cost(0.25).input(20).build();
        UsageEvent imperiumAnthropic = at("3", "2026-03-10T03:00:00Z").agent("imperium").provider("anthropic").cost(2.0).input(30).build();
        UsageEvent scoutOpenAi = at("4", "2026-03-10T04:00:00Z").agent("scout").provider("openai").cost(0.125).input(40).build();
        UsageEvent untaggedAnthropic = at("5", "2026-03-10T05:00:00Z").agent(null).provider("anthropic").cost(1.0).input(50).build();
        store(ledger, List.of(imperiumOpenAi1, imperiumOpenAi2, imperiumAnthropic, scoutOpenAi, untaggedAnthropic));

        List<UsageGroup> rows = ledger.breakdown(List.of(UsageDimension.AGENT, UsageDimension.PROVIDER), UsageFilter.ALL, DAY, NEXT_DAY);

        assertThat(rows).containsExactly(
                new UsageGroup(null, List.of("imperium", "anthropic"), UsageOracle.sum(List.of(imperiumAnthropic))),
                new UsageGroup(null, List.of("", "anthropic"), UsageOracle.sum(List.of(untaggedAnthropic))),
                new UsageGroup(null, List.of("imperium", "openai"), UsageOracle.sum(List.of(imperiumOpenAi1, imperiumOpenAi2))),
                new UsageGroup(null, List.of("scout", "openai"), UsageOracle.sum(List.of(scoutOpenAi))));
        assertThat(ledger.breakdown(List.of(UsageDimension.PROVIDER, UsageDimension.AGENT), UsageFilter.ALL.withAgent("imperium"), DAY, NEXT_DAY))
                .containsExactly(
                        new UsageGroup(null, List.of("anthropic", "imperium"), UsageOracle.sum(List.of(imperiumAnthropic))),
                        new UsageGroup(null, List.of("openai", "imperium"), UsageOracle.sum(List.of(imperiumOpenAi1, imperiumOpenAi2))));
    }

    // ---------------------------------------------------------------- months

    @EveryLedger
    void monthly_splitsAtTheUtcMonthBoundary_oldestMonthFirst(Impl impl) {
        UsageLedger ledger = open(impl);
        UsageEvent septemberLast = at("sep-30", "2026-09-30T23:59:59.999Z").provider("openai").cost(16.0).build();
        UsageEvent octoberNoon = at("oct-31-noon", "2026-10-31T12:00:00Z").provider("anthropic").cost(0.25).build();
        UsageEvent octoberLast = at("oct-31-last", "2026-10-31T23:59:59.999Z").provider("openai").cost(0.5).build();
        UsageEvent novemberFirst = at("nov-1-first", "2026-11-01T00:00:00Z").provider("openai").cost(0.125).build();
        UsageEvent novemberMorning = at("nov-1-eight", "2026-11-01T08:00:00Z").provider("anthropic").cost(1.0).build();
        UsageEvent decemberFirst = at("dec-1", "2026-12-01T00:00:00Z").provider("openai").cost(32.0).build();
        store(ledger, List.of(decemberFirst, novemberMorning, novemberFirst, octoberLast, octoberNoon, septemberLast));

        List<UsageGroup> months = ledger.monthly(List.of(UsageDimension.PROVIDER), UsageFilter.ALL, YearMonth.of(2026, 10), YearMonth.of(2026, 11));

        assertThat(months).containsExactly(
                new UsageGroup("2026-10", List.of("openai"), UsageOracle.sum(List.of(octoberLast))),
                new UsageGroup("2026-10", List.of("anthropic"), UsageOracle.sum(List.of(octoberNoon))),
                new UsageGroup("2026-11", List.of("anthropic"), UsageOracle.sum(List.of(novemberMorning))),
                new UsageGroup("2026-11", List.of("openai"), UsageOracle.sum(List.of(novemberFirst))));
        assertThat(ledger.monthly(List.of(UsageDimension.MODEL), UsageFilter.ALL.withProvider("openai"), YearMonth.of(2026, 9), YearMonth.of(2026, 12)))
                .extracting(UsageGroup::month, g -> g.totals().costUsd())
                .containsExactly(tuple("2026-09", 16.0), tuple("2026-10", 0.5),
                        tuple("2026-11", 0.125), tuple("2026-12", 32.0));
        // The last millisecond of October is in October's last day, not in November's first.
        assertThat(ledger.totals(UsageFilter.ALL, time("2026-10-31T00:00:00Z"), time("2026-11-01T00:00:00Z")))
                .isEqualTo(UsageOracle.sum(List.of(octoberNoon, octoberLast)));
        assertThat(ledger.totals(UsageFilter.ALL, time("2026-11-01T00:00:00Z"), time("2026-11-02T00:00:00Z")))
                .isEqualTo(UsageOracle.sum(List.of(novemberFirst, novemberMorning)));
    }

    // ---------------------------------------------------------------- errors

    @EveryLedger
    void errors_countCallsWithANon2xxStatusOrAnErrorCode(Impl impl) {
        UsageLedger ledger = open(impl);
        List<UsageEvent> events = List.of(
                at("ok-200", "2026-03-10T01:00:00Z").status(200, null).build(),
                at("ok-204", "2026-03-10T01:01:00Z").status(204, null).build(),
                at("ok-299", "2026-03-10T01:02:00Z").status(299, null).build(),
                at("err-199", "2026-03-10T01:03:00Z").status(199, null).build(),
                at("err-300", "2026-03-10T01:04:00Z").status(300, null).build(),
                at("err-429", "2026-03-10T01:05:00Z").status(429, "upstream_rate_limited").build(),
                at("err-502", "2026-03-10T01:06:00Z").status(502, "upstream_error").model("gpt-4o").build(),
                // A stream cut after its 200 went out: the status is 200, the error code says it failed.
                at("err-cut", "2026-03-10T01:07:00Z").status(200, "stream_interrupted").model("gpt-4o").build());
        store(ledger, events);

        assertThat(ledger.totals(UsageFilter.ALL, DAY, NEXT_DAY).errors()).isEqualTo(5);
        assertThat(ledger.totals(UsageFilter.ALL, DAY, NEXT_DAY).requests()).isEqualTo(8);
        assertThat(ledger.breakdown(UsageDimension.MODEL, UsageFilter.ALL, DAY, NEXT_DAY))
                .extracting(UsageGroup::key, g -> g.totals().requests(), g -> g.totals().errors())
                .containsExactlyInAnyOrder(tuple("gpt-4o-mini", 6L, 3L),
                        tuple("gpt-4o", 2L, 2L));
        assertThat(ledger.monthly(List.of(UsageDimension.ORG), UsageFilter.ALL, YearMonth.of(2026, 3), YearMonth.of(2026, 3)))
                .singleElement().satisfies(g -> assertThat(g.totals().errors()).isEqualTo(5));
    }

    @EveryLedger
    void refusedCalls_areCountedAsRefused_notAsCallsWithoutAPrice(Impl impl) {
        UsageLedger ledger = open(impl);
        store(ledger, List.of(
                at("budget", "2026-03-10T01:00:00Z").refused(429, "budget_exceeded").build(),
                at("rate", "2026-03-10T01:01:00Z").refused(429, "rate_limit_exceeded").build(),
                at("unpriced", "2026-03-10T01:02:00Z").model("my-own-model").cost(0).priceKnown(false).build(),
                at("priced", "2026-03-10T01:03:00Z").build(),
                at("upstream-failed", "2026-03-10T01:04:00Z").status(502, "upstream_error").build()));

        UsageTotals totals = ledger.totals(UsageFilter.ALL, DAY, NEXT_DAY);
        assertThat(totals.requests()).isEqualTo(5);
        assertThat(totals.errors()).isEqualTo(3);
        assertThat(totals.refused()).isEqualTo(2);
        assertThat(totals.priceUnknown()).as("only the call of a model without a price").isEqualTo(1);
        assertThat(ledger.breakdown(UsageDimension.PROVIDER, UsageFilter.ALL, DAY, NEXT_DAY))
                .extracting(UsageGroup::key, g -> g.totals().refused(), g -> g.totals().priceUnknown())
                .containsExactlyInAnyOrder(tuple("", 2L, 0L), tuple("openai", 0L, 1L));
        assertThat(ledger.monthly(List.of(UsageDimension.ORG), UsageFilter.ALL, YearMonth.of(2026, 3), YearMonth.of(2026, 3)))
                .singleElement().satisfies(g -> assertThat(g.totals().refused()).isEqualTo(2));
    }

    // ---------------------------------------------------------------- retention

    @EveryLedger
    void pruneBefore_deletesRawEvents_butRollupsStillCountThem(Impl impl) {
        UsageLedger ledger = open(impl);
        UsageEvent old1 = at("old-1", "2026-03-08T10:00:00Z").agent("scout").cost(0.5).build();
        UsageEvent old2 = at("old-2", "2026-03-08T23:59:59.999Z").agent("imperium").cost(0.25).build();
        UsageEvent kept1 = at("kept-1", "2026-03-09T00:00:00Z").agent("scout").cost(1.0).build();
        UsageEvent kept2 = at("kept-2", "2026-03-10T12:00:00Z").agent("imperium").cost(2.0).build();
        List<UsageEvent> all = List.of(old1, old2, kept1, kept2);
        store(ledger, all);
        Instant from = time("2026-03-08T00:00:00Z");

        long deleted = ledger.pruneBefore(time("2026-03-09T00:00:00Z"));

        assertThat(deleted).isEqualTo(2);
        assertThat(ledger.count()).isEqualTo(2);
        assertThat(ledger.recent(10)).containsExactly(kept2, kept1);
        assertThat(ledger.totals(UsageFilter.ALL, from, NEXT_DAY)).isEqualTo(UsageOracle.sum(all));
        assertThat(ledger.totals(UsageFilter.ALL, time("2026-03-08T10:00:00Z"), time("2026-03-08T11:00:00Z"))).isEqualTo(UsageOracle.sum(List.of(old1)));
        assertThat(ledger.breakdown(UsageDimension.AGENT, UsageFilter.ALL, from, NEXT_DAY))
                .containsExactly(new UsageGroup(null, List.of("imperium"), UsageOracle.sum(List.of(old2, kept2))),
                        new UsageGroup(null, List.of("scout"), UsageOracle.sum(List.of(old1, kept1))));
        assertThat(ledger.monthly(List.of(UsageDimension.AGENT), UsageFilter.ALL.withAgent("scout"), YearMonth.of(2026, 3), YearMonth.of(2026, 3)))
                .containsExactly(new UsageGroup("2026-03", List.of("scout"), UsageOracle.sum(List.of(old1, kept1))));
        assertThat(ledger.pruneBefore(time("2026-03-09T00:00:00Z"))).isZero();
    }

    // ---------------------------------------------------------------- recent

    @EveryLedger
    void recent_isNewestFirst_filteredAndLimited(Impl impl) {
        UsageLedger ledger = open(impl);
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            events.add(at("r" + i, DAY.plusSeconds(60L * i)).agent(i % 3 == 0 ? "scout" : "imperium")
                    .provider(i % 2 == 0 ? "openai" : "anthropic").feature(i % 5 == 0 ? "plan" : "chat").build());
        }
        List<UsageEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(42));
        store(ledger, shuffled);

        assertThat(ledger.recent(3)).extracting(UsageEvent::id).containsExactly("r29", "r28", "r27");
        assertThat(ledger.recent(UsageFilter.ALL.withAgent("scout"), 4)).extracting(UsageEvent::id).containsExactly("r27", "r24", "r21", "r18");
        assertThat(ledger.recent(UsageFilter.ALL.withAgent("scout").withProvider("openai"), 100)).extracting(UsageEvent::id)
                .containsExactly("r24", "r18", "r12", "r6", "r0");
        assertThat(ledger.recent(UsageFilter.ALL.withFeature("plan"), 100)).extracting(UsageEvent::id)
                .containsExactly("r25", "r20", "r15", "r10", "r5", "r0");
        assertThat(ledger.recent(UsageFilter.ALL.withModel("gpt-4o"), 100)).isEmpty();
        assertThat(ledger.recent(100)).containsExactlyElementsOf(events.reversed());
    }

    @EveryLedger
    void recentPages_walkTheWholeListingOnce_evenWithTiesInTime_andAnUnknownCursorIsRefused(Impl impl) {
        UsageLedger ledger = open(impl);
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            // Three events per second: pages must break ties the same way on every read.
            events.add(at("p" + i, DAY.plusSeconds(i / 3)).agent(i % 2 == 0 ? "scout" : "imperium").build());
        }
        store(ledger, events);
        List<UsageEvent> listing = ledger.recent(100);

        for (UsageFilter filter : List.of(UsageFilter.ALL, UsageFilter.ALL.withAgent("scout"))) {
            List<UsageEvent> walked = new ArrayList<>();
            Optional<String> cursor = Optional.empty();
            for (int page = 0; page < 20; page++) {
                List<UsageEvent> got = ledger.recent(filter, 5, cursor);
                walked.addAll(got);
                if (got.size() < 5) {
                    break;
                }
                cursor = Optional.of(got.getLast().id());
            }
            assertThat(walked).as("%s", filter).containsExactlyElementsOf(ledger.recent(filter, 100));
        }
        assertThat(listing).hasSize(23).doesNotHaveDuplicates();
        assertThat(listing.getFirst().time()).isEqualTo(DAY.plusSeconds(7));
        assertThat(ledger.recent(UsageFilter.ALL, 2, Optional.of(listing.get(20).id()))).containsExactly(listing.get(21), listing.get(22));
        assertThat(ledger.recent(UsageFilter.ALL, 2, Optional.of(listing.getLast().id()))).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ledger.recent(UsageFilter.ALL, 5, Optional.of("no-such-event")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-event");
    }

    // ---------------------------------------------------------------- time series

    @EveryLedger
    void series_hourlyAndDaily_sumEachBucketsCalls_andAddUpToTheTotalsOfThePeriod(Impl impl) {
        UsageLedger ledger = open(impl);
        Random random = new Random(7);
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            // Over four days around DAY, so a period has partial days at both ends.
            Instant t = DAY.minus(Duration.ofDays(1)).plusMillis(random.nextLong(Duration.ofDays(4).toMillis()));
            events.add(at("s" + i, t).org(i % 3 == 0 ? "acme" : "globex").agent(i % 2 == 0 ? "scout" : "imperium")
                    .input(random.nextInt(1_000)).output(random.nextInt(500)).cost(random.nextInt(4_096) / 1024.0).build());
        }
        store(ledger, events);
        Instant from = DAY.minus(Duration.ofHours(7)).plusSeconds(1_234);
        Instant to = NEXT_DAY.plus(Duration.ofHours(30)).plusSeconds(99);
        long[] range = UsageBuckets.range(from, to);

        for (UsageFilter filter : List.of(UsageFilter.ALL, UsageFilter.ALL.withOrg("acme"), UsageFilter.ALL.withOrg("acme").withAgent("scout"))) {
            for (java.time.temporal.ChronoUnit unit : List.of(java.time.temporal.ChronoUnit.HOURS, java.time.temporal.ChronoUnit.DAYS)) {
                java.util.Map<Instant, List<UsageEvent>> expected = new java.util.TreeMap<>();
                for (UsageEvent e : events) {
                    long ms = e.time().toEpochMilli();
                    boolean matches = filter.org().map(o -> o.equals(e.orgId())).orElse(true)
                            && filter.agent().map(a -> a.equals(e.agent())).orElse(true);
                    if (matches && ms >= range[0] && ms < range[1]) {
                        expected.computeIfAbsent(e.time().truncatedTo(unit), k -> new ArrayList<>()).add(e);
                    }
                }
                List<UsageBucket> series = ledger.series(filter, from, to, unit);

                assertThat(series).extracting(UsageBucket::start).as("%s %s", filter, unit).containsExactlyElementsOf(expected.keySet());
                for (UsageBucket b : series) {
                    assertThat(b.totals()).as("%s %s %s", filter, unit, b.start()).isEqualTo(UsageOracle.sum(expected.get(b.start())));
                }
                assertThat(series.stream().map(UsageBucket::totals).reduce(UsageTotals.ZERO, UsageTotals::plus))
                        .isEqualTo(ledger.totals(filter, from, to));
            }
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ledger.series(UsageFilter.ALL, from, to, java.time.temporal.ChronoUnit.MINUTES))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- concurrency

    @EveryLedger
    void sixteenWritersAndTwoReaders_endWithExactlyTheSumsOfEveryAppend(Impl impl) throws Exception {
        UsageLedger ledger = open(impl);
        List<List<UsageEvent>> perWriter = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            List<UsageEvent> mine = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                mine.add(concurrentEvent(t, i));
            }
            perWriter.add(mine);
        }
        List<UsageEvent> all = perWriter.stream().flatMap(List::stream).toList();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

        List<Integer> reads = appendWhileReading(perWriter, ledger::append, 2, writing -> readUntilDone(ledger, writing, violations));
        ledger.flush();

        assertThat(violations).isEmpty();
        assertThat(reads).hasSize(2).allSatisfy(n -> assertThat(n).isPositive());
        UsageTotals expected = UsageOracle.sum(all);
        assertThat(expected.requests()).isEqualTo(16_000);
        assertThat(expected.errors()).isEqualTo(160);
        assertThat(ledger.totals(UsageFilter.ALL, DAY, NEXT_DAY)).isEqualTo(expected);
        assertThat(ledger.count()).isEqualTo(16_000);
        assertThat(ledger.breakdown(UsageDimension.AGENT, UsageFilter.ALL, DAY, NEXT_DAY))
                .containsExactlyInAnyOrderElementsOf(UsageOracle.groups(List.of(UsageDimension.AGENT), all));
    }

    /**
     * Reads the day's totals until the writers are done; returns how often. Every event has
     * {@code cached = input - 1} and {@code reasoning = output - 2}, so a torn read (an event half counted)
     * breaks those sums; requests must never go down.
     */
    private static int readUntilDone(UsageLedger ledger, AtomicBoolean writing, Queue<String> violations) {
        int reads = 0;
        long lastRequests = 0;
        do {
            UsageTotals t = ledger.totals(UsageFilter.ALL, DAY, NEXT_DAY);
            reads++;
            if (t.inputTokens() - t.cachedTokens() != t.requests() || t.outputTokens() - t.reasoningTokens() != 2 * t.requests()) {
                violations.add("inconsistent totals " + t);
            }
            if (t.requests() < lastRequests || t.requests() > 16_000) {
                violations.add("requests went from " + lastRequests + " to " + t.requests());
            }
            lastRequests = t.requests();
        } while (writing.get());
        return reads;
    }

    /**
     * One thread per list appends its events while {@code readers} threads run {@code reader}, all released
     * together; the readers are told when the last writer is done. Returns each reader's result; rethrows failures.
     */
    private static List<Integer> appendWhileReading(List<List<UsageEvent>> perWriter, Consumer<UsageEvent> append, int readers,
                                                    ToIntFunction<AtomicBoolean> reader) throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(perWriter.size() + readers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> reading = new ArrayList<>();
            for (int r = 0; r < readers; r++) {
                reading.add(pool.submit(() -> {
                    go.await();
                    return reader.applyAsInt(writing);
                }));
            }
            List<Future<?>> writers = new ArrayList<>();
            for (List<UsageEvent> mine : perWriter) {
                writers.add(pool.submit(() -> {
                    go.await();
                    mine.forEach(append);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> w : writers) {
                w.get();
            }
            writing.set(false);
            List<Integer> results = new ArrayList<>();
            for (Future<Integer> r : reading) {
                results.add(r.get());
            }
            return results;
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
    }

    /** Thread {@code t}'s {@code i}-th event: spread over the day's first hours, every field varied. */
    private static UsageEvent concurrentEvent(int t, int i) {
        long n = t * 1_000L + i;
        long input = 10 + n % 97;
        long output = 2 + i % 13;
        boolean failed = i % 100 == 0;
        return at("t" + t + "-" + i, DAY.plusSeconds(n)).agent("agent-" + t % 4).input(input).cached(input - 1)
                .output(output).reasoning(output - 2).cost(((t + i) % 8) / 1024.0).latency(i % 50)
                .status(failed ? 502 : 200, failed ? "upstream_error" : null).build();
    }

    // ---------------------------------------------------------------- oracle

    /** The contract's order of breakdown rows: cost descending, then requests descending. */
    private static final Comparator<UsageGroup> CONTRACT_ORDER = Comparator
            .comparing((UsageGroup g) -> g.totals().costUsd(), Comparator.reverseOrder())
            .thenComparing(g -> g.totals().requests(), Comparator.reverseOrder());

    /** {@code n} calls at distinct random milliseconds of {@link #DAY}, with tags and counts from small sets. */
    private static List<UsageEvent> randomDay(Random random, int n) {
        List<String> orgs = List.of("acme", "globex");
        List<String> agents = Arrays.asList("imperium", "scout", null);
        List<String> models = List.of("gpt-4o-mini", "claude-sonnet-4", "o3-mini");
        Set<Long> usedMillis = new HashSet<>();
        List<UsageEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long millis;
            do {
                millis = random.nextLong(Duration.ofDays(1).toMillis());
            } while (!usedMillis.add(millis));
            long input = random.nextInt(5_000);
            long output = random.nextInt(2_000);
            int status = random.nextInt(10) == 0 ? 500 : 200;
            if (random.nextInt(12) == 0) {
                out.add(at("rnd-" + i, DAY.plusMillis(millis)).org(orgs.get(random.nextInt(orgs.size())))
                        .agent(agents.get(random.nextInt(agents.size()))).refused(429, "budget_exceeded").build());
                continue;
            }
            out.add(at("rnd-" + i, DAY.plusMillis(millis))
                    .org(orgs.get(random.nextInt(orgs.size()))).key("key-" + (1 + random.nextInt(2)))
                    .agent(agents.get(random.nextInt(agents.size()))).feature(random.nextBoolean() ? "chat" : "plan")
                    .provider(random.nextBoolean() ? "openai" : "anthropic").model(models.get(random.nextInt(models.size())))
                    .input(input).cached(random.nextLong(input + 1)).output(output).reasoning(random.nextLong(output + 1))
                    .cost(random.nextInt(4_096) / 1024.0).priceKnown(random.nextInt(8) != 0).latency(random.nextInt(3_000))
                    .estimated(random.nextInt(5) == 0).status(status, status == 200 ? null : "upstream_error").build());
        }
        return out;
    }

    private static Instant time(String iso) {
        return Instant.parse(iso);
    }

    private static UsageEventBuilder at(String id, String iso) {
        return new UsageEventBuilder(id, Instant.parse(iso));
    }

    private static UsageEventBuilder at(String id, Instant time) {
        return new UsageEventBuilder(id, time);
    }
}
