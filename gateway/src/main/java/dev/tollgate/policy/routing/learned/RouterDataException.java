package dev.tollgate.policy.routing.learned;

/**
 * A labelled-prompt file or a router model file that cannot be used; the message names the file, the
 * line or part, and what was expected, in words fit for a command line.
 */
public final class RouterDataException extends RuntimeException {

    public RouterDataException(String message) {
        super(message);
    }

    public RouterDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
