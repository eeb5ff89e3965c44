package dev.tollgate;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one fuzz input with a hang guard: an input that takes longer than {@link #LIMIT_SECONDS} fails
 * the test as a hang. (JUnit's {@code @Timeout} cannot do it: in fuzzing mode one invocation is the whole
 * fuzzing session, so it would bound the session, not the input.) The bound is generous on purpose: it
 * tells a hang from slow work, it is no timing figure.
 */
public final class BoundedTime {

    public static final long LIMIT_SECONDS = 10;

    private static final ExecutorService WORKER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz-input");
        t.setDaemon(true);
        return t;
    });

    private BoundedTime() {
    }

    /** Runs {@code input}; rethrows what it throws; fails when it has not returned within the limit. */
    public static void run(Runnable input) {
        Future<?> done = WORKER.submit(input);
        try {
            done.get(LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            done.cancel(true);
            throw new AssertionError("an input ran longer than " + LIMIT_SECONDS + " s: a hang");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new AssertionError(e.getCause());
        }
    }
}
