package dev.tollgate.model;

import java.time.Instant;

/**
 * A tenant: its keys, usage, budgets and alerts are its own.
 *
 * @param contactEmail the address given at signup, if any; contact only, never a credential
 */
public record Org(String id, String name, Instant createdAt, java.util.Optional<String> contactEmail) {

    public Org {
        contactEmail = contactEmail == null ? java.util.Optional.empty() : contactEmail;
    }

    /** An org without a contact address. */
    public Org(String id, String name, Instant createdAt) {
        this(id, name, createdAt, java.util.Optional.empty());
    }
}
