package dev.tollgate.sdk;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;

/**
 * How a failed call is recorded: the HTTP status (the provider's, or the one a gateway would answer for
 * a transport failure) and a short error code.
 */
public record Failure(int status, String code) {

    /**
     * A failure seen from its exception alone: a timeout anywhere in the cause chain is 504
     * {@code timeout}, an unreachable host 502 {@code connection_failed}, another I/O failure 502
     * {@code connection_error}; anything else 500 with the exception's class name as the code.
     */
    public static Failure of(Throwable error) {
        boolean io = false;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpTimeoutException || t instanceof InterruptedIOException) {
                return new Failure(504, "timeout");
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return new Failure(502, "connection_failed");
            }
            io |= t instanceof IOException;
        }
        if (io) {
            return new Failure(502, "connection_error");
        }
        return new Failure(500, error.getClass().getSimpleName().isEmpty() ? "error" : error.getClass().getSimpleName());
    }
}
