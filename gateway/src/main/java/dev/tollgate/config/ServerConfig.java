package dev.tollgate.config;

/**
 * The HTTP listener. {@code maxBodyBytes} bounds a request body (413 beyond it), {@code maxHeaderBytes}
 * the whole header block (431 beyond it); {@code shutdownGraceMs} is how long a shutdown waits for the
 * requests in progress before it cuts them.
 */
public record ServerConfig(String host, int port, long maxBodyBytes, int maxHeaderBytes, long shutdownGraceMs) {

    public static final int DEFAULT_PORT = 4000;
    public static final long DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

    public ServerConfig(String host, int port, long maxBodyBytes, int maxHeaderBytes) {
        this(host, port, maxBodyBytes, maxHeaderBytes, DEFAULT_SHUTDOWN_GRACE_MS);
    }
    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;
    public static final int DEFAULT_MAX_HEADER_BYTES = 32 * 1024;

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, maxBodyBytes, maxHeaderBytes, shutdownGraceMs);
    }
}
