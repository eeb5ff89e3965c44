package dev.tollgate.store.journal;

import dev.tollgate.model.UsageEvent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * Reads a journal segment back, keeping every whole record. Records are JSON lines that begin with
 * {@code {"id":}; a line that does not decode is either the torn tail of a write that died (a crash, a
 * full disk) or, in a journal written before writes were made whole, a torn record with a whole one
 * glued after it. The whole record at the end of such a line is kept; a torn tail is cut from the file,
 * so nothing is ever appended after it.
 */
final class JournalSegment {

    private static final Logger LOG = LoggerFactory.getLogger(JournalSegment.class);
    private static final byte[] RECORD_START = "{\"id\":".getBytes(StandardCharsets.US_ASCII);

    private JournalSegment() {
    }

    /** The events of {@code file} in order; cuts a torn tail from the file. */
    static List<UsageEvent> read(Path file, UsageEventCodec codec) throws IOException {
        byte[] all = Files.readAllBytes(file);
        List<UsageEvent> events = new ArrayList<>();
        int start = 0;
        int skipped = 0;
        while (start < all.length) {
            int end = indexOf(all, (byte) '\n', start);
            boolean last = end < 0;
            byte[] line = Arrays.copyOfRange(all, start, last ? all.length : end);
            UsageEvent event = line.length == 0 ? null : decode(line, codec);
            if (event != null) {
                events.add(event);
            } else if (last) {
                repairTail(file, start, all.length - start);
            } else if (line.length > 0) {
                skipped++;
            }
            start = last ? all.length : end + 1;
        }
        if (skipped > 0) {
            LOG.warn("skipped {} unreadable journal line(s) in {}", skipped, file.getFileName());
        }
        return events;
    }

    /** The record of {@code line}, or of the last whole record glued to a torn one; {@code null} if none is whole. */
    private static UsageEvent decode(byte[] line, UsageEventCodec codec) {
        try {
            return codec.decode(line);
        } catch (JacksonException torn) {
            for (int at = lastIndexOf(line, RECORD_START, line.length - 1); at > 0; at = lastIndexOf(line, RECORD_START, at - 1)) {
                try {
                    return codec.decode(Arrays.copyOfRange(line, at, line.length));
                } catch (JacksonException notThisOne) {
                    // An earlier "{"id": may still start the whole record.
                }
            }
            return null;
        }
    }

    private static void repairTail(Path file, long keep, long torn) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(keep);
        }
        LOG.warn("repaired the journal segment {}: cut a torn last record of {} bytes (a write that did not finish; "
                + "its call never completed)", file.getFileName(), torn);
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] bytes, byte[] what, int from) {
        for (int i = Math.min(from, bytes.length - what.length); i >= 0; i--) {
            if (Arrays.equals(bytes, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        return -1;
    }
}
