package dev.tollgate.store.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.model.Usage;
import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageDimension;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageGroup;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.UsageTotals;
import dev.tollgate.store.sqlite.SqliteUsageLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The journal's promise: an event appended is replayed into the ledger on the next start unless the
 * ledger stored it, and exactly once; cut lines are skipped; segments rotate and are deleted only once
 * stored. A crash is simulated by dropping a journal without closing it.
 */
class JournaledUsageLedgerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Instant T0 = Instant.parse("2026-03-10T12:00:00.123Z");

    @TempDir
    Path dir;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
    }

    private JournaledUsageLedger journal(UsageLedger ledger) {
        return journal(ledger, JournaledUsageLedger.SEGMENT_BYTES);
    }

    /** A journal that a test may drop without closing (a crash); it is closed after the test. */
    private JournaledUsageLedger journal(UsageLedger ledger, long segmentBytes) {
        JournaledUsageLedger journal = new JournaledUsageLedger(ledger, dir.resolve("journal"), JSON, segmentBytes);
        opened.add(journal);
        return journal;
    }

    // ---------------------------------------------------------------- replay

    @Test
    void eventsTheLedgerNeverStored_areReplayedExactlyOnce_intoTheNextLedger() {
        List<UsageEvent> events = events(50);
        JournaledUsageLedger crashed = journal(new FailingUsageLedger());
        events.forEach(crashed::append);
        // kill -9: the journal is never closed, the ledger stored nothing.

        RecordingUsageLedger next = new RecordingUsageLedger();
        journal(next);

        assertThat(next.appended()).containsExactlyElementsOf(events);
        assertThat(next.flushes()).isEqualTo(1);
        assertThat(segmentLines()).isEmpty();

        RecordingUsageLedger third = new RecordingUsageLedger();
        journal(third);
        assertThat(third.appended()).isEmpty();
    }

    @Test
    void closingWhileTheLedgerCannotStore_keepsTheJournal_forTheNextStart() {
        List<UsageEvent> events = events(10);
        JournaledUsageLedger first = journal(new FailingUsageLedger());
        events.forEach(first::append);

        first.close();

        assertThat(segmentLines()).hasSize(10);
        RecordingUsageLedger next = new RecordingUsageLedger();
        journal(next);
        assertThat(next.appended()).containsExactlyElementsOf(events);
    }

    @Test
    void replayIntoALedgerThatAlreadyStoredSome_storesEachEventOnce() {
        List<UsageEvent> events = events(20);
        JournaledUsageLedger crashed = journal(new FailingUsageLedger());
        events.forEach(crashed::append);
        SqliteUsageLedger sqlite = new SqliteUsageLedger(dir.resolve("tollgate.db"));
        // The crash came after the ledger had stored the first eight.
        events.subList(0, 8).forEach(sqlite::append);
        sqlite.flush();

        JournaledUsageLedger restarted = journal(sqlite);

        assertThat(restarted.count()).isEqualTo(20);
        assertThat(restarted.recent(100)).containsExactlyInAnyOrderElementsOf(events);
        Instant day = T0.truncatedTo(ChronoUnit.DAYS);
        UsageTotals totals = restarted.totals(UsageFilter.ALL, day, day.plus(Duration.ofDays(1)));
        assertThat(totals.requests()).isEqualTo(20);
        assertThat(totals.inputTokens()).isEqualTo(events.stream().mapToLong(e -> e.usage().inputTokens()).sum());
        assertThat(restarted.monthly(List.of(UsageDimension.MODEL), UsageFilter.ALL, YearMonth.of(2026, 3), YearMonth.of(2026, 3)))
                .singleElement().extracting(UsageGroup::totals).extracting(UsageTotals::requests).isEqualTo(20L);
    }

    @Test
    void replayIntoALedgerWhoseDatabaseCannotOpen_keepsTheJournal_untilALaterStartStoresIt() throws IOException {
        List<UsageEvent> events = events(12);
        JournaledUsageLedger crashed = journal(new FailingUsageLedger());
        events.forEach(crashed::append);
        // The next start finds the database unusable: its directory is taken by a plain file.
        Path blocked = Files.writeString(dir.resolve("blocked"), "not a directory");
        SqliteUsageLedger broken = new SqliteUsageLedger(blocked.resolve("tollgate.db"));

        journal(broken);

        assertThat(broken.healthy()).isFalse();
        assertThat(segmentLines()).hasSize(12);
        SqliteUsageLedger repaired = new SqliteUsageLedger(dir.resolve("tollgate.db"));
        journal(repaired);
        assertThat(repaired.count()).isEqualTo(12);
        assertThat(repaired.recent(100)).containsExactlyInAnyOrderElementsOf(events);
        assertThat(segmentLines()).isEmpty();
    }

    @ParameterizedTest(name = "last {0} bytes cut")
    @ValueSource(ints = {2, 17, 200})
    void tornLastLine_isSkipped_andTheLinesBeforeItAreReplayed(int cut) throws IOException {
        List<UsageEvent> events = events(5);
        JournaledUsageLedger crashed = journal(new FailingUsageLedger());
        events.forEach(crashed::append);
        Path segment = onlySegment();
        int lastLine = new UsageEventCodec(JSON).encode(events.getLast()).length;
        assertThat(cut).isLessThan(lastLine);
        truncate(segment, Files.size(segment) - cut);

        RecordingUsageLedger next = new RecordingUsageLedger();
        journal(next);

        assertThat(next.appended()).containsExactlyElementsOf(events.subList(0, 4));
    }

    @Test
    void lastLineMissingOnlyItsNewline_isWhole_andReplayed() throws IOException {
        List<UsageEvent> events = events(5);
        JournaledUsageLedger crashed = journal(new FailingUsageLedger());
        events.forEach(crashed::append);
        Path segment = onlySegment();
        truncate(segment, Files.size(segment) - 1);

        RecordingUsageLedger next = new RecordingUsageLedger();
        journal(next);

        assertThat(next.appended()).containsExactlyElementsOf(events);
    }

    @Test
    void eachEvent_isInTheJournalBeforeTheLedgerGetsIt() {
        List<String> missing = new ArrayList<>();
        RecordingUsageLedger ledger = new RecordingUsageLedger();
        ledger.onAppend(e -> {
            if (segmentLines().stream().noneMatch(line -> line.contains("\"id\":\"" + e.id() + "\""))) {
                missing.add(e.id());
            }
        });
        JournaledUsageLedger journal = journal(ledger, 3L * lineLength());

        events(10).forEach(journal::append);

        assertThat(ledger.appended()).hasSize(10);
        assertThat(missing).isEmpty();
    }

    // ---------------------------------------------------------------- segments

    @Test
    void segmentsRotateAtTheSizeLimit_andAFullSegmentIsDeletedOnlyOnceTheLedgerStoredIt() throws IOException {
        List<UsageEvent> events = events(5);
        RecordingUsageLedger ledger = new RecordingUsageLedger();
        JournaledUsageLedger journal = journal(ledger, 3L * lineLength());
        ledger.holdFlushes();

        events.subList(0, 3).forEach(journal::append);
        events.subList(3, 5).forEach(journal::append);

        List<Path> segments = segments();
        assertThat(segments).hasSize(2);
        assertThat(Files.readAllLines(segments.get(0))).hasSize(3);
        assertThat(Files.readAllLines(segments.get(1))).hasSize(2);
        // The ledger has not confirmed it stored the full segment's events: it must stay.
        assertThat(segments.get(0)).exists();

        ledger.releaseFlushes();

        awaitUntil(() -> !Files.exists(segments.get(0)), "the full segment is deleted after the flush");
        assertThat(segments()).containsExactly(segments.get(1));
        assertThat(Files.readAllLines(segments.get(1))).hasSize(2);
        // The start-up replay flushed once with nothing appended; the flush that released the segment was
        // asked after (at least) its three events had reached the ledger.
        assertThat(ledger.appendsSeenByFlushes()).hasSize(2).first().isEqualTo(0);
        assertThat(ledger.appendsSeenByFlushes().get(1)).isBetween(3, 5);
    }

    @Test
    void fullSegment_isKeptWhileTheLedgerIsUnhealthy_andReplayedOnTheNextStart() {
        List<UsageEvent> events = events(7);
        FailingUsageLedger failing = new FailingUsageLedger();
        JournaledUsageLedger crashed = journal(failing, 3L * lineLength());

        events.forEach(crashed::append);
        // One health check per full segment before its deletion (start-up stops earlier: nothing was stored).
        awaitUntil(() -> failing.healthChecks() >= 2, "both full segments were considered for deletion");

        assertThat(segments()).hasSize(3);
        RecordingUsageLedger next = new RecordingUsageLedger();
        journal(next, 3L * lineLength());
        assertThat(next.appended()).containsExactlyElementsOf(events);
    }

    @Test
    void cleanClose_leavesNoSegmentBehind_andNothingToReplay() {
        List<UsageEvent> events = events(23);
        SqliteUsageLedger sqlite = new SqliteUsageLedger(dir.resolve("tollgate.db"));
        JournaledUsageLedger journal = new JournaledUsageLedger(sqlite, dir.resolve("journal"), JSON, 5L * lineLength());
        events.forEach(journal::append);

        journal.close();

        assertThat(segments()).isEmpty();
        RecordingUsageLedger next = new RecordingUsageLedger();
        journal(next);
        assertThat(next.appended()).isEmpty();
        SqliteUsageLedger reopened = new SqliteUsageLedger(dir.resolve("tollgate.db"));
        opened.add(reopened);
        assertThat(reopened.count()).isEqualTo(23);
    }

    @Test
    void concurrentAppendsAcrossRotations_areEachReplayedExactlyOnce() throws Exception {
        int threads = 8;
        int perThread = 250;
        JournaledUsageLedger crashed = journal(new FailingUsageLedger(), 10L * lineLength());
        List<UsageEvent> all = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        UsageEvent e = event(String.format("t%d-%04d", thread, i), T0.plusMillis(i));
                        all.add(e);
                        crashed.append(e);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(segments().size()).isGreaterThan(threads * perThread / 20);

        RecordingUsageLedger next = new RecordingUsageLedger();
        journal(next);

        assertThat(next.appended()).hasSize(threads * perThread).containsExactlyInAnyOrderElementsOf(all);
    }

    // ---------------------------------------------------------------- helpers

    private List<Path> segments() {
        Path journalDir = dir.resolve("journal");
        if (!Files.isDirectory(journalDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(journalDir)) {
            return files.filter(p -> p.getFileName().toString().matches("usage-\\d{12}\\.journal")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path onlySegment() {
        assertThat(segments()).hasSize(1);
        return segments().getFirst();
    }

    private List<String> segmentLines() {
        List<String> lines = new ArrayList<>();
        for (Path segment : segments()) {
            try {
                Files.readAllLines(segment, StandardCharsets.UTF_8).stream().filter(l -> !l.isEmpty()).forEach(lines::add);
            } catch (java.nio.file.NoSuchFileException e) {
                // A full segment retired meanwhile: its events are stored.
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines;
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    /** The journal line length of every event from {@link #events}: they differ only in equally long ids. */
    private static long lineLength() {
        return new UsageEventCodec(JSON).encode(event("evt-0000", T0)).length;
    }

    static List<UsageEvent> events(int n) {
        List<UsageEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(event(String.format("evt-%04d", i), T0.plusMillis(i)));
        }
        return out;
    }

    /** Every field set, some tags missing, so a field the journal drops or changes shows in equality. */
    static UsageEvent event(String id, Instant time) {
        return new UsageEvent(id, time, "req-" + id, "org-acme", "key_pub_4f2a", "support-bot", null, "chat", "proxy",
                "openai", "gpt-4o-mini", new Usage(2006, 300, 1920, 17, 64, true), 0.0003369, true, 0.000125, 1234, 87, 200,
                null, true, 2, "miss", "explicit: openai serves gpt-4o-mini");
    }

    /** Waits, up to 10 s, for something another thread does; fails if it never happens. */
    static void awaitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
