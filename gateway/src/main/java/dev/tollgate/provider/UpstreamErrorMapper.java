package dev.tollgate.provider;

/**
 * Turns an upstream's error answer (any status but 2xx) into an {@link UpstreamException}; each protocol
 * has its own error shape, so each provider package has its own mapper, which {@link UpstreamHttp} calls.
 */
@FunctionalInterface
public interface UpstreamErrorMapper {

    /** The exception for this answer; {@code body} is at most {@link UpstreamHttp#MAX_ERROR_BYTES}. */
    UpstreamException map(int status, byte[] body, UpstreamHeaders headers);
}
