package dev.tollgate.store.journal;

import static dev.tollgate.store.journal.JournaledUsageLedgerTest.awaitUntil;
import static dev.tollgate.store.journal.JournaledUsageLedgerTest.event;
import static dev.tollgate.store.journal.JournaledUsageLedgerTest.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.tollgate.model.UsageEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * A journal on a disk that fills up: appends never throw (the caller's answer was paid for), the events
 * reach the ledger and wait in memory for the journal, {@link JournaledUsageLedger#healthy()} says so
 * and recovers by itself once space returns, and the files never hold a torn line. The full disk is a
 * {@link FailingFileChannel}, which tears a write as {@code write(2)} does when space runs out mid-buffer.
 */
class JournalDiskFullTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final UsageEventCodec CODEC = new UsageEventCodec(JSON);

    @TempDir
    Path dir;

    private final FailingFileChannel.Disk disk = new FailingFileChannel.Disk();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        disk.full.set(false);
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
    }

    private JournaledUsageLedger journal(RecordingUsageLedger ledger) {
        JournaledUsageLedger journal = new JournaledUsageLedger(ledger, dir.resolve("journal"), JSON,
                JournaledUsageLedger.SEGMENT_BYTES, disk.opener());
        opened.add(journal);
        return journal;
    }

    @Test
    void diskFull_appendStillReturns_theLedgerGetsEveryEvent_andTheJournalSaysItIsNotHealthy() {
        RecordingUsageLedger ledger = new RecordingUsageLedger();
        JournaledUsageLedger journal = journal(ledger);
        List<UsageEvent> events = events(20);
        events.subList(0, 5).forEach(journal::append);

        disk.full.set(true);
        events.subList(5, 20).forEach(e -> assertThatCode(() -> journal.append(e)).doesNotThrowAnyException());

        assertThat(ledger.appended()).containsExactlyElementsOf(events);
        assertThat(journal.healthy()).isFalse();
        assertThat(journal.heldLines()).isEqualTo(15);
        assertThat(disk.failedWrites.get()).isPositive();
        assertThat(journalEvents()).as("only whole records on disk, no torn line").containsExactlyElementsOf(events.subList(0, 5));
        assertThat(rawLines()).allSatisfy(line -> assertThat(line).startsWith("{\"id\":").endsWith("}"));
    }

    @Test
    void spaceReturns_theHeldEventsAreWrittenByThemselves_inOrder_andHealthRecovers() {
        RecordingUsageLedger ledger = new RecordingUsageLedger();
        JournaledUsageLedger journal = journal(ledger);
        List<UsageEvent> events = events(30);
        events.subList(0, 10).forEach(journal::append);
        disk.full.set(true);
        events.subList(10, 30).forEach(journal::append);
        assertThat(journal.healthy()).isFalse();

        disk.full.set(false);

        // No append comes: the retry thread writes the held lines.
        awaitUntil(journal::healthy, "the journal recovers without another append");
        assertThat(journal.heldLines()).isZero();
        assertThat(journalEvents()).containsExactlyElementsOf(events);
    }

    @Test
    void appendsAfterSpaceReturns_comeAfterTheHeldOnes() {
        RecordingUsageLedger ledger = new RecordingUsageLedger();
        JournaledUsageLedger journal = journal(ledger);
        List<UsageEvent> events = events(12);
        disk.full.set(true);
        events.subList(0, 6).forEach(journal::append);
        disk.full.set(false);

        events.subList(6, 12).forEach(journal::append);

        assertThat(journalEvents()).containsExactlyElementsOf(events);
        assertThat(journal.healthy()).isTrue();
    }

    @Test
    void aCrashAfterSpaceReturned_losesNothing_theNextStartReplaysEveryEventOnce() {
        JournaledUsageLedger crashed = new JournaledUsageLedger(new FailingUsageLedger(), dir.resolve("journal"), JSON,
                JournaledUsageLedger.SEGMENT_BYTES, disk.opener());
        opened.add(crashed);
        List<UsageEvent> events = events(25);
        events.subList(0, 5).forEach(crashed::append);
        disk.full.set(true);
        events.subList(5, 15).forEach(crashed::append);
        disk.full.set(false);
        events.subList(15, 25).forEach(crashed::append);
        // kill -9: never closed; the ledger stored nothing.

        RecordingUsageLedger next = new RecordingUsageLedger();
        opened.add(new JournaledUsageLedger(next, dir.resolve("journal"), JSON));

        assertThat(next.appended()).containsExactlyElementsOf(events);
    }

    @Test
    void aSegmentThatCannotBeCutBack_isLeftForANewOne_andTheNextStartRepairsIt() throws IOException {
        JournaledUsageLedger crashed = new JournaledUsageLedger(new FailingUsageLedger(), dir.resolve("journal"), JSON,
                JournaledUsageLedger.SEGMENT_BYTES, disk.opener());
        opened.add(crashed);
        List<UsageEvent> events = events(9);
        events.subList(0, 3).forEach(crashed::append);
        disk.truncateFails.set(true);
        disk.full.set(true);
        events.subList(3, 6).forEach(crashed::append);
        disk.full.set(false);
        disk.truncateFails.set(false);
        events.subList(6, 9).forEach(crashed::append);
        awaitUntil(() -> crashed.heldLines() == 0, "the held events are written to a new segment");
        assertThat(segments().size()).as("later events went to a new segment").isGreaterThanOrEqualTo(2);
        assertThat(Files.readString(segments().getFirst())).as("the first segment ends torn").doesNotEndWith("\n");

        RecordingUsageLedger next = new RecordingUsageLedger();
        opened.add(new JournaledUsageLedger(next, dir.resolve("journal"), JSON));

        assertThat(next.appended()).containsExactlyElementsOf(events);
    }

    @Test
    void tornTail_isCutOnOpen_keepingEveryWholeRecord() throws IOException {
        Path journalDir = Files.createDirectories(dir.resolve("journal"));
        List<UsageEvent> events = events(4);
        Path segment = journalDir.resolve("usage-000000000001.journal");
        for (UsageEvent e : events) {
            Files.write(segment, CODEC.encode(e), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        long whole = Files.size(segment);
        byte[] next = CODEC.encode(event("evt-torn", Instant.parse("2026-03-10T12:00:01Z")));
        Files.write(segment, java.util.Arrays.copyOf(next, next.length / 2), StandardOpenOption.APPEND);

        assertThat(JournalSegment.read(segment, CODEC)).containsExactlyElementsOf(events);
        assertThat(Files.size(segment)).as("cut back to the last whole record").isEqualTo(whole);
    }

    @Test
    void aTornRecordGluedToAWholeOne_keepsTheWholeOne() throws IOException {
        // What a journal written before this fix held after a full disk: the torn start of one record,
        // then the whole next record on the same line.
        Path segment = Files.createDirectories(dir.resolve("journal")).resolve("usage-000000000001.journal");
        UsageEvent first = event("evt-0001", Instant.parse("2026-03-10T12:00:00Z"));
        UsageEvent glued = event("evt-0002", Instant.parse("2026-03-10T12:00:01Z"));
        UsageEvent last = event("evt-0003", Instant.parse("2026-03-10T12:00:02Z"));
        byte[] torn = java.util.Arrays.copyOf(CODEC.encode(event("evt-lost", Instant.parse("2026-03-10T12:00:00.5Z"))), 40);
        Files.write(segment, CODEC.encode(first));
        Files.write(segment, torn, StandardOpenOption.APPEND);
        Files.write(segment, CODEC.encode(glued), StandardOpenOption.APPEND);
        Files.write(segment, CODEC.encode(last), StandardOpenOption.APPEND);

        assertThat(JournalSegment.read(segment, CODEC)).containsExactly(first, glued, last);
    }

    @Test
    void theHoldIsBounded_andEventsBeyondItStillReachTheLedger() {
        RecordingUsageLedger ledger = new RecordingUsageLedger();
        JournaledUsageLedger journal = journal(ledger);
        disk.full.set(true);
        int n = JournaledUsageLedger.MAX_HELD + 250;

        for (int i = 0; i < n; i++) {
            journal.append(event(String.format("evt-%06d", i), Instant.parse("2026-03-10T12:00:00Z").plusMillis(i)));
        }

        assertThat(journal.heldLines()).isEqualTo(JournaledUsageLedger.MAX_HELD);
        assertThat(ledger.appended()).hasSize(n);
        assertThat(journal.healthy()).isFalse();
    }

    private List<Path> segments() {
        try (Stream<Path> files = Files.list(dir.resolve("journal"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".journal")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> rawLines() {
        List<String> out = new ArrayList<>();
        for (Path p : segments()) {
            try {
                String text = Files.readString(p, StandardCharsets.UTF_8);
                assertThat(text.isEmpty() || text.endsWith("\n")).as("%s ends with a whole line", p.getFileName()).isTrue();
                text.lines().filter(l -> !l.isEmpty()).forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private List<UsageEvent> journalEvents() {
        return rawLines().stream().map(l -> CODEC.decode(l.getBytes(StandardCharsets.UTF_8))).toList();
    }
}
