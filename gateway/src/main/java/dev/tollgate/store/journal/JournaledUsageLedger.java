package dev.tollgate.store.journal;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.FailureLog;
import dev.tollgate.store.PrivateFiles;
import dev.tollgate.store.UsageDimension;
import dev.tollgate.store.UsageFilter;
import dev.tollgate.store.UsageGroup;
import dev.tollgate.store.UsageLedger;
import dev.tollgate.store.UsageTotals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes any ledger durable across a crash: each event is written to a local append-only journal on the
 * caller's thread (before the answer's last byte leaves) and only then queued for the ledger's batched
 * writer. A {@code kill -9} can lose the queue but not the journal, which the next start replays; the
 * ledger is idempotent by event id, so replaying events it already stored changes nothing.
 *
 * <p>The journal is a directory of segment files of JSON lines. When the open segment passes
 * {@link #SEGMENT_BYTES}, new events go to a fresh one, and the old one is deleted once the ledger has
 * stored everything appended before the switch ({@link UsageLedger#flush()}). Writes are not fsynced: an
 * event survives the death of the process, not of the machine's power.
 *
 * <p><b>When the journal cannot be written</b> (disk full, file system gone read-only), {@link #append}
 * still never throws: the caller's answer must not fail after the upstream was paid. A failed write is
 * cut back to the last whole record, so the file never holds a torn line; the event goes to the ledger
 * as usual and its line is held in memory (at most {@link #MAX_HELD}), to be written, oldest first, by
 * the next append or by a retry thread as soon as the disk takes it again. While lines are held,
 * {@link #healthy()} is false ({@code /ready} answers 503); it recovers by itself.
 */
public final class JournaledUsageLedger implements UsageLedger {

    private static final Logger LOG = LoggerFactory.getLogger(JournaledUsageLedger.class);
    static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    /** Lines held in memory while the journal cannot be written: about 60 MB of events, minutes of heavy traffic. */
    static final int MAX_HELD = 100_000;
    private static final Duration REPLAY_WAIT = Duration.ofSeconds(30);
    private static final long RETRY_MIN_MILLIS = 50;
    private static final long RETRY_MAX_MILLIS = 1_000;
    private static final String PREFIX = "usage-";
    private static final String SUFFIX = ".journal";

    /** Opens a segment file for appending; tests give one whose writes fail as a full disk's do. */
    @FunctionalInterface
    interface SegmentOpener {
        FileChannel open(Path file) throws IOException;
    }

    private final UsageLedger ledger;
    private final Path dir;
    private final UsageEventCodec codec;
    private final SegmentOpener opener;
    private final ReentrantLock lock = new ReentrantLock();
    /** The line being journaled, reused for every event so the request path allocates none; guarded by {@link #lock}. */
    private final JsonLine line = new JsonLine();
    private final Condition startedHolding = lock.newCondition();
    private final long segmentBytes;
    /** Lines not yet in the journal, oldest first; guarded by {@link #lock}. */
    private final ArrayDeque<byte[]> held = new ArrayDeque<>();
    private final Thread retrier;
    private volatile boolean holding;
    private final FailureLog failureLog = new FailureLog();
    private volatile boolean running = true;
    private long unjournaled;
    private FileChannel segment;
    private Path segmentPath;
    private long segmentSize;
    private long nextSegment;

    /** Opens the journal in {@code dir}, replaying whatever a previous run left there into {@code ledger}. */
    public JournaledUsageLedger(UsageLedger ledger, Path dir, JsonMapper json) {
        this(ledger, dir, json, SEGMENT_BYTES);
    }

    JournaledUsageLedger(UsageLedger ledger, Path dir, JsonMapper json, long segmentBytes) {
        this(ledger, dir, json, segmentBytes, JournaledUsageLedger::openForAppend);
    }

    JournaledUsageLedger(UsageLedger ledger, Path dir, JsonMapper json, long segmentBytes, SegmentOpener opener) {
        this.ledger = ledger;
        this.dir = dir;
        this.codec = new UsageEventCodec(json);
        this.segmentBytes = segmentBytes;
        this.opener = opener;
        try {
            PrivateFiles.directory(dir);
            List<Path> leftovers = segments();
            nextSegment = leftovers.isEmpty() ? 1 : number(leftovers.getLast()) + 1;
            openSegment();
            replay(leftovers);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the usage journal in " + dir, e);
        }
        this.retrier = Thread.ofVirtual().name("tollgate-journal-retry").start(this::retryHeld);
    }

    private static FileChannel openForAppend(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                PrivateFiles.fileAttributes(file));
        PrivateFiles.tighten(file);
        return channel;
    }

    private void replay(List<Path> leftovers) throws IOException {
        long replayed = 0;
        for (Path file : leftovers) {
            PrivateFiles.tighten(file);
            for (UsageEvent event : JournalSegment.read(file, codec)) {
                ledger.append(event);
                replayed++;
            }
        }
        if (replayed > 0) {
            LOG.info("replayed {} usage events from the journal of the previous run", replayed);
        }
        // Bounded: a database that refuses every write must not hang start-up; the events then stay here.
        boolean stored = ledger.flush(REPLAY_WAIT);
        // As for a full segment: deleted only once stored. A ledger whose database cannot open returns from
        // flush() at once with nothing stored, and the events must wait here for a start that can store them.
        if (!stored || !ledger.healthy()) {
            if (!leftovers.isEmpty()) {
                LOG.warn("the usage ledger cannot store now; the journal keeps {} segment(s) for the next start", leftovers.size());
            }
            return;
        }
        for (Path file : leftovers) {
            Files.deleteIfExists(file);
        }
    }

    /** Journals the event, then hands it to the ledger. Never throws for a journal that cannot be written. */
    @Override
    public void append(UsageEvent event) {
        Path full = null;
        lock.lock();
        try {
            codec.encode(event, line);
            if (holding) {
                writeHeld();
            }
            if (holding || !write(line.buffer())) {
                hold(line.toByteArray());
            } else if (segmentSize >= segmentBytes) {
                full = rotate();
            }
            ledger.append(event);
        } finally {
            lock.unlock();
        }
        if (full != null) {
            retireWhenStored(full);
        }
    }

    /** Writes one whole line, or nothing: a failed write is cut back to the last whole record. */
    private boolean write(ByteBuffer line) {
        try {
            if (segment == null) {
                openSegment();
            }
            int length = line.remaining();
            while (line.hasRemaining()) {
                segment.write(line);
            }
            segmentSize += length;
            return true;
        } catch (IOException e) {
            if (!holding && failureLog.failed()) {
                LOG.error("cannot write the usage journal in {} ({}); holding events in memory (at most {}) until it can, "
                        + "/ready reports not ready meanwhile", dir, e.getMessage(), MAX_HELD);
            } else if (!holding) {
                LOG.debug("cannot write the usage journal again ({}); holding events in memory", e.getMessage());
            }
            cutBack();
            return false;
        }
    }

    /** Removes what a failed write left after the last whole record; a segment that cannot be cut is given up for a new one. */
    private void cutBack() {
        if (segment == null) {
            return;
        }
        try {
            segment.truncate(segmentSize);
        } catch (IOException e) {
            LOG.warn("cannot cut a failed write from the journal segment {} ({}); later events go to a new segment, "
                    + "and the next start repairs this one", segmentPath.getFileName(), e.getMessage());
            closeQuietly();
        }
    }

    private void hold(byte[] line) {
        if (held.size() >= MAX_HELD) {
            if (unjournaled++ % 10_000 == 0) {
                LOG.error("the usage journal still cannot be written and {} events are held already: this event is only in the "
                        + "ledger's memory queue, and a crash before the ledger stores it would lose it ({} such events so far)",
                        MAX_HELD, unjournaled);
            }
            return;
        }
        held.addLast(line);
        if (!holding) {
            holding = true;
            startedHolding.signalAll();
        }
    }

    /** Writes held lines, oldest first, as long as the journal takes them. Caller holds the lock. */
    private void writeHeld() {
        int written = 0;
        while (!held.isEmpty() && write(ByteBuffer.wrap(held.peekFirst()))) {
            held.removeFirst();
            written++;
            if (segmentSize >= segmentBytes) {
                Path full = rotate();
                if (full != null) {
                    retireWhenStored(full);
                }
            }
        }
        if (held.isEmpty()) {
            holding = false;
            if (failureLog.recovered()) {
                LOG.info("the usage journal is writable again: wrote {} held events", written);
            }
        }
    }

    /** Retries held lines with a growing pause while the journal cannot be written; sleeps otherwise. */
    private void retryHeld() {
        long pause = RETRY_MIN_MILLIS;
        while (running) {
            lock.lock();
            try {
                if (!holding) {
                    pause = RETRY_MIN_MILLIS;
                    startedHolding.await();
                    continue;
                }
                writeHeld();
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
            pause = Math.min(pause * 2, RETRY_MAX_MILLIS);
        }
    }

    /** Starts a new segment; returns the full one, or {@code null} when it could not be closed cleanly. */
    private Path rotate() {
        Path full = segmentPath;
        try {
            segment.close();
        } catch (IOException e) {
            LOG.warn("cannot close the full journal segment {}: {}", full.getFileName(), e.getMessage());
        }
        segment = null;
        try {
            openSegment();
        } catch (IOException e) {
            // The next write opens it, or holds its line until it can.
            LOG.warn("cannot open a new journal segment: {}", e.getMessage());
        }
        return full;
    }

    private void closeQuietly() {
        try {
            segment.close();
        } catch (IOException e) {
            LOG.debug("closing a broken journal segment: {}", e.getMessage());
        }
        segment = null;
    }

    /** Deletes a full segment once the ledger has stored every event appended before this call. */
    private void retireWhenStored(Path full) {
        Thread.ofVirtual().name("tollgate-journal-retire").start(() -> {
            ledger.flush();
            if (ledger.healthy()) {
                try {
                    Files.deleteIfExists(full);
                } catch (IOException e) {
                    LOG.warn("cannot delete the stored journal segment {}: {}", full.getFileName(), e.getMessage());
                }
            }
        });
    }

    private void openSegment() throws IOException {
        Path path = dir.resolve(PREFIX + String.format("%012d", nextSegment) + SUFFIX);
        segment = opener.open(path);
        nextSegment++;
        segmentPath = path;
        segmentSize = segment.size();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(PREFIX) && p.getFileName().toString().endsWith(SUFFIX))
                    .sorted().toList();
        }
    }

    private static long number(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
    }

    /** How many event lines are held in memory because the journal could not take them. */
    int heldLines() {
        lock.lock();
        try {
            return held.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() {
        ledger.flush();
    }

    @Override
    public boolean flush(Duration timeout) {
        return ledger.flush(timeout);
    }

    @Override
    public List<UsageEvent> recent(dev.tollgate.store.UsageFilter filter, int limit, java.util.Optional<String> before) {
        return ledger.recent(filter, limit, before);
    }

    @Override
    public List<dev.tollgate.store.UsageBucket> series(dev.tollgate.store.UsageFilter filter, java.time.Instant from, java.time.Instant to,
                                                       java.time.temporal.ChronoUnit unit) {
        return ledger.series(filter, from, to, unit);
    }

    @Override
    public UsageTotals totals(UsageFilter filter, Instant from, Instant to) {
        return ledger.totals(filter, from, to);
    }

    @Override
    public List<UsageGroup> breakdown(List<UsageDimension> by, UsageFilter filter,
                                                         Instant from, Instant to) {
        return ledger.breakdown(by, filter, from, to);
    }

    @Override
    public List<UsageGroup> monthly(List<UsageDimension> by, UsageFilter filter,
                                                       YearMonth from, YearMonth to) {
        return ledger.monthly(by, filter, from, to);
    }

    @Override
    public long pruneBefore(Instant before) {
        return ledger.pruneBefore(before);
    }

    @Override
    public long count() {
        return ledger.count();
    }

    /** The ledger's queue, the lines held in memory, and the segment files not yet retired. */
    @Override
    public dev.tollgate.store.LedgerBacklog backlog() {
        long segments;
        try {
            segments = segments().size();
        } catch (IOException e) {
            segments = -1;
        }
        return new dev.tollgate.store.LedgerBacklog(ledger.backlog().queuedEvents(), heldLines(), segments);
    }

    /** False while the journal holds events it cannot write, or while the ledger cannot store. */
    @Override
    public boolean healthy() {
        return !holding && ledger.healthy();
    }

    /**
     * Closes cleanly: the ledger stores what is queued, and then the journal has nothing left to replay.
     * Lines still held are written one last time; events neither journaled nor stored are reported lost.
     */
    @Override
    public void close() {
        running = false;
        retrier.interrupt();
        lock.lock();
        try {
            if (holding) {
                writeHeld();
            }
            boolean stored = ledger.flush(Duration.ofSeconds(10));
            ledger.close();
            if (segment != null) {
                segment.close();
            }
            if (stored) {
                for (Path file : segments()) {
                    Files.deleteIfExists(file);
                }
            } else if (holding) {
                LOG.error("closing with {} usage events that neither the journal nor the ledger could store: they are lost", held.size());
            }
        } catch (IOException e) {
            LOG.warn("cannot tidy the usage journal: {}", e.getMessage());
        } finally {
            lock.unlock();
        }
    }
}
