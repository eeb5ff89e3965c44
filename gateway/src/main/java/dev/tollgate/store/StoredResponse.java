package dev.tollgate.store;

import java.time.Instant;

/**
 * One kept response of the Responses API.
 *
 * @param response     the {@code response} object as the client got it (JSON text), answered again by {@code GET}
 * @param conversation the conversation up to and including this response's output, as OpenAI chat messages
 *                     (a JSON array, instructions left out), which a follow-up call continues
 */
public record StoredResponse(String id, String orgId, Instant createdAt, String response, String conversation) {
}
