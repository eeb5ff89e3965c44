package dev.tollgate.sdk;

import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs the SDK's own bookkeeping so that it can never break the application's call: a failure of it
 * (an unexpected response shape, a bug) is logged once per kind of step and otherwise ignored.
 */
public final class FailSafe {

    private static final System.Logger LOG = System.getLogger("dev.tollgate.sdk");
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private FailSafe() {
    }

    public static void run(String step, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            failed(step, e);
        }
    }

    public static <T> T get(String step, Supplier<T> work, T fallback) {
        try {
            T value = work.get();
            return value == null ? fallback : value;
        } catch (RuntimeException e) {
            failed(step, e);
            return fallback;
        }
    }

    private static void failed(String step, RuntimeException e) {
        if (LOGGED.add(step)) {
            LOG.log(Level.WARNING, "Tollgate SDK: could not " + step + " (the application's call is not affected; "
                    + "further failures of this step are not logged)", e);
        }
    }
}
