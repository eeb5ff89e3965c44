package dev.tollgate.store.journal;

import dev.tollgate.model.UsageEvent;
import dev.tollgate.store.UsageLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
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
 */
public final class JournaledUsageLedger implements UsageLedger {

    private static final Logger LOG = LoggerFactory.getLogger(JournaledUsageLedger.class);
    static final long SEGMENT_BYTES = 64L * 1024 * 1024;
    private static final java.time.Duration REPLAY_WAIT = java.time.Duration.ofSeconds(30);
    private static final String PREFIX = "usage-";
    private static final String SUFFIX = ".journal";

    private final UsageLedger ledger;
    private final Path dir;
    private final UsageEventCodec codec;
    private final ReentrantLock lock = new ReentrantLock();
    private final long segmentBytes;
    private FileChannel segment;
    private Path segmentPath;
    private long segmentSize;
    private long nextSegment;

    /** Opens the journal in {@code dir}, replaying whatever a previous run left there into {@code ledger}. */
    public JournaledUsageLedger(UsageLedger ledger, Path dir, JsonMapper json) {
        this(ledger, dir, json, SEGMENT_BYTES);
    }

    JournaledUsageLedger(UsageLedger ledger, Path dir, JsonMapper json, long segmentBytes) {
        this.ledger = ledger;
        this.dir = dir;
        this.codec = new UsageEventCodec(json);
        this.segmentBytes = segmentBytes;
        try {
            Files.createDirectories(dir);
            List<Path> leftovers = segments();
            nextSegment = leftovers.isEmpty() ? 1 : number(leftovers.getLast()) + 1;
            openSegment();
            replay(leftovers);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the usage journal in " + dir, e);
        }
    }

    private void replay(List<Path> leftovers) throws IOException {
        long replayed = 0;
        for (Path file : leftovers) {
            for (byte[] line : lines(file)) {
                try {
                    ledger.append(codec.decode(line));
                    replayed++;
                } catch (JacksonException e) {
                    // A line cut by the crash: its answer never completed, so nothing is lost by skipping it.
                    LOG.warn("skipping an unreadable journal line in {}", file.getFileName());
                }
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

    @Override
    public void append(UsageEvent event) {
        byte[] line = codec.encode(event);
        Path full = null;
        lock.lock();
        try {
            writeFully(line);
            segmentSize += line.length;
            if (segmentSize >= segmentBytes) {
                full = segmentPath;
                segment.close();
                openSegment();
            }
            ledger.append(event);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the usage journal", e);
        } finally {
            lock.unlock();
        }
        if (full != null) {
            retireWhenStored(full);
        }
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

    private void writeFully(byte[] line) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            segment.write(buffer);
        }
    }

    private void openSegment() throws IOException {
        segmentPath = dir.resolve(PREFIX + String.format("%012d", nextSegment++) + SUFFIX);
        segment = FileChannel.open(segmentPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
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

    private static List<byte[]> lines(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                if (i > start) {
                    out.add(java.util.Arrays.copyOfRange(all, start, i));
                }
                start = i + 1;
            }
        }
        if (start < all.length) {
            out.add(java.util.Arrays.copyOfRange(all, start, all.length));
        }
        return out;
    }

    @Override
    public void flush() {
        ledger.flush();
    }

    @Override
    public boolean flush(java.time.Duration timeout) {
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
    public dev.tollgate.store.UsageTotals totals(dev.tollgate.store.UsageFilter filter, java.time.Instant from, java.time.Instant to) {
        return ledger.totals(filter, from, to);
    }

    @Override
    public List<dev.tollgate.store.UsageGroup> breakdown(List<dev.tollgate.store.UsageDimension> by, dev.tollgate.store.UsageFilter filter,
                                                         java.time.Instant from, java.time.Instant to) {
        return ledger.breakdown(by, filter, from, to);
    }

    @Override
    public List<dev.tollgate.store.UsageGroup> monthly(List<dev.tollgate.store.UsageDimension> by, dev.tollgate.store.UsageFilter filter,
                                                       java.time.YearMonth from, java.time.YearMonth to) {
        return ledger.monthly(by, filter, from, to);
    }

    @Override
    public long pruneBefore(java.time.Instant before) {
        return ledger.pruneBefore(before);
    }

    @Override
    public long count() {
        return ledger.count();
    }

    @Override
    public boolean healthy() {
        return ledger.healthy();
    }

    /** Closes cleanly: the ledger stores what is queued, and then the journal has nothing left to replay. */
    @Override
    public void close() {
        lock.lock();
        try {
            boolean stored = ledger.flush(java.time.Duration.ofSeconds(10));
            ledger.close();
            segment.close();
            if (stored) {
                for (Path file : segments()) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot tidy the usage journal: {}", e.getMessage());
        } finally {
            lock.unlock();
        }
    }
}
