package dev.tollgate.sdk;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A provider's stream of answer pieces, passed through to the application while a {@link Observer}
 * follows it: each piece, the end, a failure (rethrown as it was), or a close before the end. The
 * observer runs through {@link FailSafe}, so it cannot break the stream; it may hide pieces the
 * application did not ask for (the usage chunk the SDK requested from OpenAI).
 */
public final class TrackedStream<T> implements Iterable<T>, AutoCloseable {

    /** What a wrapper does with each stage of a stream; the call's event is recorded at the end, the failure or the close. */
    public interface Observer<T> {

        void piece(T piece);

        /** Whether the application sees this piece (default: yes). */
        default boolean visible(T piece) {
            return true;
        }

        void ended();

        void failed(RuntimeException error);

        /** The application closed the stream before its end. */
        void closedEarly();
    }

    private final Iterator<T> source;
    private final AutoCloseable closer;
    private final Observer<T> observer;
    private final Iterator<T> iterator = new Followed();
    private boolean done;

    public TrackedStream(Iterator<T> source, AutoCloseable closer, Observer<T> observer) {
        this.source = source;
        this.closer = closer;
        this.observer = observer;
    }

    @Override
    public Iterator<T> iterator() {
        return iterator;
    }

    public Stream<T> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    @Override
    public void close() {
        if (!done) {
            done = true;
            FailSafe.run("follow a stream's close", observer::closedEarly);
        }
        try {
            closer.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing the provider's stream failed: " + e.getMessage(), e);
        }
    }

    private final class Followed implements Iterator<T> {
        private T buffered;

        @Override
        public boolean hasNext() {
            while (buffered == null) {
                if (done) {
                    return false;
                }
                T piece;
                try {
                    if (!source.hasNext()) {
                        done = true;
                        FailSafe.run("follow a stream's end", observer::ended);
                        return false;
                    }
                    piece = source.next();
                } catch (RuntimeException e) {
                    done = true;
                    FailSafe.run("follow a stream's failure", () -> observer.failed(e));
                    throw e;
                }
                FailSafe.run("follow a stream's piece", () -> observer.piece(piece));
                if (FailSafe.get("decide whether a stream piece is shown", () -> observer.visible(piece), true)) {
                    buffered = piece;
                }
            }
            return true;
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            T piece = buffered;
            buffered = null;
            return piece;
        }
    }
}
