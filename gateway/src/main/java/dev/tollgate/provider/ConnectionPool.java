package dev.tollgate.provider;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Idle keep-alive connections per {@link Destination}, newest first: the most recently used connection
 * is the one least likely to have been closed by the server meanwhile, and the oldest ones age out.
 * A connection idle for longer than {@code maxIdle} is closed rather than handed out; beyond
 * {@code maxIdleCount} per destination a returned connection is closed.
 */
final class ConnectionPool implements AutoCloseable {

    private final int maxIdleCount;
    private final long maxIdleNanos;
    private final LongSupplier nanoClock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Destination, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
    private boolean closed;

    ConnectionPool(int maxIdleCount, Duration maxIdle, LongSupplier nanoClock) {
        this.maxIdleCount = maxIdleCount;
        this.maxIdleNanos = maxIdle.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The newest idle connection to {@code destination} that has not aged out, or {@code null}. */
    UpstreamConnection take(Destination destination) {
        List<UpstreamConnection> expired = new ArrayList<>(0);
        UpstreamConnection found = null;
        long now = nanoClock.getAsLong();
        lock.lock();
        try {
            ArrayDeque<UpstreamConnection> connections = idle.get(destination);
            while (connections != null && !connections.isEmpty() && found == null) {
                UpstreamConnection c = connections.pollFirst();
                if (now - c.idleSince() > maxIdleNanos) {
                    expired.add(c);
                } else {
                    found = c;
                }
            }
        } finally {
            lock.unlock();
        }
        expired.forEach(UpstreamConnection::close);
        return found;
    }

    /** Keeps a connection whose last answer was read to its end, for the next call to its destination. */
    void release(UpstreamConnection connection) {
        long now = nanoClock.getAsLong();
        connection.idleSince(now);
        List<UpstreamConnection> dropped = new ArrayList<>(0);
        lock.lock();
        try {
            ArrayDeque<UpstreamConnection> connections = idle.computeIfAbsent(connection.destination(), d -> new ArrayDeque<>());
            while (!connections.isEmpty() && now - connections.peekLast().idleSince() > maxIdleNanos) {
                dropped.add(connections.pollLast());
            }
            if (closed || connections.size() >= maxIdleCount) {
                dropped.add(connection);
            } else {
                connections.addFirst(connection);
            }
        } finally {
            lock.unlock();
        }
        dropped.forEach(UpstreamConnection::close);
    }

    /** The number of idle connections kept for {@code destination}. */
    int idleCount(Destination destination) {
        lock.lock();
        try {
            ArrayDeque<UpstreamConnection> connections = idle.get(destination);
            return connections == null ? 0 : connections.size();
        } finally {
            lock.unlock();
        }
    }

    /** Closes every idle connection; connections released afterwards are closed at once. */
    @Override
    public void close() {
        List<UpstreamConnection> all = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            idle.values().forEach(all::addAll);
            idle.clear();
        } finally {
            lock.unlock();
        }
        all.forEach(UpstreamConnection::close);
    }
}
