package dev.tollgate.model;

import java.time.Instant;

/** A tenant: its keys, usage, budgets and alerts are its own. */
public record Org(String id, String name, Instant createdAt) {
}
