package dev.tollgate.store.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real file channel whose writes fail as a full disk's do while {@link Disk#full} is set: the first
 * write that runs out of space stores a few bytes of the buffer and then fails, as {@code write(2)} does
 * when it can store part of a buffer, so a writer that does not cut back leaves a torn line.
 */
final class FailingFileChannel extends FileChannel {

    /** The shared state of the pretend disk. */
    static final class Disk {
        final AtomicBoolean full = new AtomicBoolean();
        final AtomicBoolean truncateFails = new AtomicBoolean();
        final AtomicInteger failedWrites = new AtomicInteger();

        JournaledUsageLedger.SegmentOpener opener() {
            return file -> new FailingFileChannel(FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.APPEND), this);
        }
    }

    private static final int TORN_BYTES = 7;

    private final FileChannel real;
    private final Disk disk;

    private FailingFileChannel(FileChannel real, Disk disk) {
        this.real = real;
        this.disk = disk;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (!disk.full.get()) {
            return real.write(src);
        }
        disk.failedWrites.incrementAndGet();
        if (src.remaining() > TORN_BYTES) {
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + TORN_BYTES);
            int n = real.write(part);
            src.position(src.position() + n);
        }
        throw new IOException("No space left on device");
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (disk.truncateFails.get()) {
            throw new IOException("Input/output error");
        }
        real.truncate(size);
        return this;
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public long position() throws IOException {
        return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        real.position(newPosition);
        return this;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return real.read(dsts, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException("the journal writes one buffer at a time");
    }

    @Override
    public void force(boolean metaData) throws IOException {
        real.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return real.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
        throw new UnsupportedOperationException("the journal writes one buffer at a time");
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return real.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) {
        throw new UnsupportedOperationException("the journal appends");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        real.close();
    }
}
