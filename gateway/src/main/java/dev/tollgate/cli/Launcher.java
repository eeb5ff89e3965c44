package dev.tollgate.cli;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.TollgateConfig;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.function.Supplier;

/** Starts a gateway, prints where it serves, and runs until the process is asked to stop. */
final class Launcher {

    static final int EXIT_BAD_CONFIG = 2;
    static final int EXIT_START_FAILED = 3;

    private Launcher() {
    }

    static int run(Supplier<TollgateConfig> config, Function<Gateway, String> banner) {
        TollgateConfig loaded;
        try {
            loaded = config.get();
        } catch (ConfigException e) {
            System.err.println("tollgate: the configuration has problems:");
            e.problems().forEach(p -> System.err.println("  - " + p));
            return EXIT_BAD_CONFIG;
        }
        StderrLog.use(loaded.observability().logFormat());
        Gateway gateway;
        try {
            gateway = Gateway.start(loaded);
        } catch (RuntimeException e) {
            System.err.println("tollgate: cannot start: " + rootMessage(e));
            return EXIT_START_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "tollgate-shutdown"));
        System.out.println(banner.apply(gateway));
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root == e || (e.getMessage() != null && root.getMessage() != null && e.getMessage().contains(root.getMessage()))) {
            return String.valueOf(e.getMessage()); // a message that names its cause already
        }
        return e.getMessage() + " (" + root.getMessage() + ")";
    }
}
