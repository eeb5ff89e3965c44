package dev.tollgate.pipeline;

import dev.tollgate.model.Usage;

/**
 * How a call ended, as the client saw it and as it is billed.
 *
 * @param status    the HTTP status the client got (200 for a stream that failed mid-way: its headers were sent)
 * @param errorCode the error code the client got, or {@code null}
 * @param refusal   the refusal, when {@code ending} is {@link Ending#REFUSED}, else {@code null}
 * @param delivered the answer as delivered, when {@code ending} is {@link Ending#DELIVERED} and a hook keeps answers
 */
record Outcome(Ending ending, int status, Usage usage, String errorCode, GatewayException refusal, DeliveredAnswer delivered) {

    static Outcome delivered(Usage usage, DeliveredAnswer answer) {
        return new Outcome(Ending.DELIVERED, 200, usage, null, null, answer);
    }

    static Outcome failed(Ending ending, GatewayException error) {
        return new Outcome(ending, error.status(), Usage.NONE, error.code(), ending == Ending.REFUSED ? error : null, null);
    }

    static Outcome cut(Ending ending, int status, Usage delivered, String errorCode) {
        return new Outcome(ending, status, delivered, errorCode, null, null);
    }
}
