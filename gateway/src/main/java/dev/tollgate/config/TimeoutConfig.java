package dev.tollgate.config;

import java.time.Duration;

/**
 * Upstream timeouts: {@code connect} to open the TCP/TLS connection, {@code firstByte} until the
 * response headers arrive, {@code idle} between two reads of the body (a stalled stream).
 */
public record TimeoutConfig(Duration connect, Duration firstByte, Duration idle) {

    public static final TimeoutConfig DEFAULTS =
            new TimeoutConfig(Duration.ofSeconds(10), Duration.ofSeconds(120), Duration.ofSeconds(60));
}
