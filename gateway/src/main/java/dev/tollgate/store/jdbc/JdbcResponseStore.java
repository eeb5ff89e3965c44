package dev.tollgate.store.jdbc;

import dev.tollgate.store.ResponseStore;
import dev.tollgate.store.StoredResponse;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Kept responses in the ledger database (migration V8, table {@code responses}), SQLite and PostgreSQL
 * alike: the statements are standard SQL both accept ({@code ON CONFLICT ... DO UPDATE} included), so one
 * implementation serves both, run over each by the contract test.
 */
public final class JdbcResponseStore implements ResponseStore {

    private final Supplier<Jdbi> jdbi;

    /** A store on a database that may still be opening: {@code jdbi} waits for it. */
    public JdbcResponseStore(Supplier<Jdbi> jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void put(StoredResponse r) {
        jdbi.get().useHandle(h -> h.createUpdate("""
                        INSERT INTO responses (org_id, id, created_ms, response, conversation)
                        VALUES (:org, :id, :created, :response, :conversation)
                        ON CONFLICT (org_id, id) DO UPDATE SET created_ms = excluded.created_ms, response = excluded.response,
                          conversation = excluded.conversation
                        """)
                .bind("org", r.orgId()).bind("id", r.id()).bind("created", r.createdAt().toEpochMilli())
                .bind("response", r.response()).bind("conversation", r.conversation()).execute());
    }

    @Override
    public Optional<StoredResponse> find(String orgId, String id) {
        return jdbi.get().withHandle(h -> h.createQuery("""
                        SELECT created_ms, response, conversation FROM responses WHERE org_id = :org AND id = :id
                        """)
                .bind("org", orgId).bind("id", id)
                .map((rs, ctx) -> new StoredResponse(id, orgId, Instant.ofEpochMilli(rs.getLong("created_ms")), rs.getString("response"),
                        rs.getString("conversation")))
                .findOne());
    }

    @Override
    public boolean delete(String orgId, String id) {
        return jdbi.get().withHandle(h -> h.createUpdate("DELETE FROM responses WHERE org_id = :org AND id = :id")
                .bind("org", orgId).bind("id", id).execute()) == 1;
    }

    @Override
    public long pruneBefore(Instant cutoff) {
        return jdbi.get().withHandle(h -> h.createUpdate("DELETE FROM responses WHERE created_ms < :cutoff")
                .bind("cutoff", cutoff.toEpochMilli()).execute());
    }
}
