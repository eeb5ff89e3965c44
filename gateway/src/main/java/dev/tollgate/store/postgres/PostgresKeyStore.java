package dev.tollgate.store.postgres;

import dev.tollgate.model.ApiKey;
import dev.tollgate.model.AuditEntry;
import dev.tollgate.model.Org;
import dev.tollgate.model.RateLimits;
import dev.tollgate.store.KeyStore;
import dev.tollgate.store.jdbc.KeyRows;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Orgs, keys and the audit log in PostgreSQL (migrations V2 and V4), shared by every instance: a key
 * issued or revoked on one is seen by the next lookup on any other.
 */
public final class PostgresKeyStore implements KeyStore {

    private final Jdbi jdbi;
    private final Runnable onClose;

    public PostgresKeyStore(PostgresDatabase database) {
        this(database, () -> { });
    }

    private PostgresKeyStore(PostgresDatabase database, Runnable onClose) {
        this.jdbi = database.jdbi();
        this.onClose = onClose;
    }

    /** A store that closes {@code database} when it is closed (a command-line tool's own connection). */
    public static PostgresKeyStore owning(PostgresDatabase database) {
        return new PostgresKeyStore(database, database::close);
    }

    @Override
    public boolean addOrg(Org org) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        INSERT INTO orgs (id, name, created_ms, contact_email) VALUES (:id, :name, :created, :email) ON CONFLICT (id) DO NOTHING
                        """)
                .bind("id", org.id()).bind("name", org.name()).bind("created", org.createdAt().toEpochMilli())
                .bind("email", org.contactEmail().orElse(null)).execute()) == 1;
    }

    @Override
    public Optional<Org> org(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM orgs WHERE id = :id").bind("id", id).map((rs, ctx) -> KeyRows.org(rs)).findOne());
    }

    @Override
    public List<Org> orgs() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM orgs ORDER BY created_ms, id").map((rs, ctx) -> KeyRows.org(rs)).list());
    }

    @Override
    public void addKey(ApiKey k) {
        jdbi.useHandle(h -> KeyRows.bindKey(h.createUpdate(KeyRows.INSERT_KEY), k).execute());
    }

    @Override
    public Optional<ApiKey> keyByHash(byte[] sha256) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_keys WHERE hash = :hash").bind("hash", sha256)
                .map((rs, ctx) -> KeyRows.key(rs)).findOne());
    }

    @Override
    public Optional<ApiKey> key(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_keys WHERE id = :id").bind("id", id).map((rs, ctx) -> KeyRows.key(rs)).findOne());
    }

    @Override
    public List<ApiKey> keys(Optional<String> orgId) {
        String where = orgId.isPresent() ? " WHERE org_id = :org" : "";
        return jdbi.withHandle(h -> {
            var q = h.createQuery("SELECT * FROM api_keys" + where + " ORDER BY created_ms DESC, id COLLATE \"C\"");
            orgId.ifPresent(o -> q.bind("org", o));
            return q.map((rs, ctx) -> KeyRows.key(rs)).list();
        });
    }

    @Override
    public boolean revoke(String id) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE api_keys SET revoked = TRUE WHERE id = :id").bind("id", id).execute()) == 1;
    }

    @Override
    public boolean updateRateLimits(String id, RateLimits limits) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE api_keys SET rpm = :rpm, tpm = :tpm WHERE id = :id")
                .bind("id", id).bind("rpm", limits.rpm()).bind("tpm", limits.tpm()).execute()) == 1;
    }

    @Override
    public void touch(String id, Instant lastUsed) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE api_keys SET last_used_ms = GREATEST(coalesce(last_used_ms, 0), :t) WHERE id = :id")
                .bind("id", id).bind("t", lastUsed.toEpochMilli()).execute());
    }

    @Override
    public void audit(AuditEntry e) {
        jdbi.useHandle(h -> KeyRows.bindAudit(h.createUpdate(KeyRows.INSERT_AUDIT), e).execute());
    }

    @Override
    public List<AuditEntry> audit(Optional<String> orgId, int limit) {
        String where = orgId.isPresent() ? " WHERE org_id = :org" : "";
        return jdbi.withHandle(h -> {
            var q = h.createQuery("SELECT * FROM audit_log" + where + " ORDER BY seq DESC LIMIT :limit").bind("limit", limit);
            orgId.ifPresent(o -> q.bind("org", o));
            return q.map((rs, ctx) -> KeyRows.audit(rs)).list();
        });
    }

    @Override
    public void close() {
        // The pool belongs to the PostgresDatabase, which its opener closes (itself, when owning).
        onClose.run();
    }
}
