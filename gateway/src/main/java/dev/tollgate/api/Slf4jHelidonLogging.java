package dev.tollgate.api;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is configured: Tollgate logs through SLF4J and Logback, with
 * java.util.logging bridged to SLF4J at start-up. Without a provider Helidon prints a notice to stderr.
 */
public final class Slf4jHelidonLogging implements LoggingProvider {

    @Override
    public void initialization() {
        // Logback configures itself from logback.xml.
    }

    @Override
    public void runTime() {
        // Nothing to reconfigure at run time.
    }
}
