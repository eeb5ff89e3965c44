package dev.tollgate.model;

import java.time.Instant;

/**
 * One administrative action: who ({@code actorKeyId}), on which org, what ({@code action}, such as
 * {@code api_key.revoke}), on what ({@code target}), with {@code details} as JSON text. Never secrets.
 */
public record AuditEntry(Instant time, String actorKeyId, String orgId, String action, String target, String details) {
}
