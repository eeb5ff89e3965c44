package dev.tollgate.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The data directory held by one gateway: an exclusive lock on {@value #FILE} in it, taken before any store
 * opens and released on close (and by the OS when the process dies, so a {@code kill -9} leaves no stale
 * lock). A second gateway on the same directory would replay the same journal beside the first; it is
 * refused with one line instead.
 */
public final class DataDirLock implements AutoCloseable {

    static final String FILE = "tollgate.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code dir} (created owner-only when missing); throws {@link IllegalStateException} when another gateway holds it. */
    public static DataDirLock acquire(Path dir) {
        Path file = dir.resolve(FILE);
        FileChannel channel;
        try {
            PrivateFiles.directory(dir);
            PrivateFiles.file(file);
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the data directory's lock file " + file + ": " + e.getMessage(), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new IllegalStateException("the data directory " + dir.toAbsolutePath() + " is in use by another Tollgate (" + FILE
                    + " is locked); stop it first, or give this one its own --data directory");
        }
        return new DataDirLock(channel, lock);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // The lock was not taken; the channel's close failing changes nothing for the caller.
            org.slf4j.LoggerFactory.getLogger(DataDirLock.class).debug("closing the unlocked lock file failed", e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the data directory's lock: " + e.getMessage(), e);
        }
    }
}
