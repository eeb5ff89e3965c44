package dev.tollgate.sdk;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every reported event, for tests of what a tracked call records. */
final class RecordingReporter implements UsageReporter {

    final List<UsageRecord> records = new CopyOnWriteArrayList<>();

    @Override
    public boolean report(UsageRecord record) {
        records.add(record);
        return true;
    }

    @Override
    public boolean flush(Duration timeout) {
        return true;
    }

    @Override
    public ReporterStats stats() {
        return new ReporterStats(records.size(), records.size(), 0, 0, 0, 0, 0);
    }

    @Override
    public void close() {
    }

    UsageRecord only() {
        if (records.size() != 1) {
            throw new AssertionError("expected exactly one event, found " + records.size() + ": " + records);
        }
        return records.get(0);
    }
}
