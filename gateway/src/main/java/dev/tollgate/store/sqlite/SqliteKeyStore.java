package dev.tollgate.store.sqlite;

import dev.tollgate.model.ApiKey;
import dev.tollgate.model.AuditEntry;
import dev.tollgate.model.Org;
import dev.tollgate.store.KeyStore;
import dev.tollgate.store.jdbc.KeyRows;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Orgs, keys and the audit log in Tollgate's SQLite file (tables of migrations V2 and V4). */
public final class SqliteKeyStore implements KeyStore {

    private final java.util.concurrent.CompletableFuture<Jdbi> database;

    public SqliteKeyStore(Path file) {
        this(java.util.concurrent.CompletableFuture.completedFuture(SqliteDatabase.open(file)));
    }

    /** A store on a database that may still be opening; calls wait for it. */
    public SqliteKeyStore(java.util.concurrent.CompletableFuture<Jdbi> database) {
        this.database = database;
    }

    private Jdbi jdbi() {
        try {
            return database.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Override
    public boolean addOrg(Org org) {
        return jdbi().withHandle(h -> h.createUpdate(
                        "INSERT OR IGNORE INTO orgs (id, name, created_ms, contact_email) VALUES (:id, :name, :created, :email)")
                .bind("id", org.id()).bind("name", org.name()).bind("created", org.createdAt().toEpochMilli())
                .bind("email", org.contactEmail().orElse(null)).execute()) == 1;
    }

    @Override
    public Optional<Org> org(String id) {
        return jdbi().withHandle(h -> h.createQuery("SELECT * FROM orgs WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> KeyRows.org(rs)).findOne());
    }

    @Override
    public List<Org> orgs() {
        return jdbi().withHandle(h -> h.createQuery("SELECT * FROM orgs ORDER BY created_ms, id").map((rs, ctx) -> KeyRows.org(rs)).list());
    }

    @Override
    public void addKey(ApiKey k) {
        jdbi().useHandle(h -> KeyRows.bindKey(h.createUpdate(KeyRows.INSERT_KEY), k).execute());
    }

    @Override
    public Optional<ApiKey> keyByHash(byte[] sha256) {
        return jdbi().withHandle(h -> h.createQuery("SELECT * FROM api_keys WHERE hash = :hash").bind("hash", sha256)
                .map((rs, ctx) -> KeyRows.key(rs)).findOne());
    }

    @Override
    public Optional<ApiKey> key(String id) {
        return jdbi().withHandle(h -> h.createQuery("SELECT * FROM api_keys WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> KeyRows.key(rs)).findOne());
    }

    @Override
    public List<ApiKey> keys(Optional<String> orgId) {
        String where = orgId.isPresent() ? " WHERE org_id = :org" : "";
        return jdbi().withHandle(h -> {
            var q = h.createQuery("SELECT * FROM api_keys" + where + " ORDER BY created_ms DESC, id");
            orgId.ifPresent(o -> q.bind("org", o));
            return q.map((rs, ctx) -> KeyRows.key(rs)).list();
        });
    }

    @Override
    public boolean revoke(String id) {
        return jdbi().withHandle(h -> h.createUpdate("UPDATE api_keys SET revoked = 1 WHERE id = :id").bind("id", id).execute()) == 1;
    }

    @Override
    public boolean updateRateLimits(String id, dev.tollgate.model.RateLimits limits) {
        return jdbi().withHandle(h -> h.createUpdate("UPDATE api_keys SET rpm = :rpm, tpm = :tpm WHERE id = :id")
                .bind("id", id).bind("rpm", limits.rpm()).bind("tpm", limits.tpm()).execute()) == 1;
    }

    @Override
    public void touch(String id, Instant lastUsed) {
        jdbi().useHandle(h -> h.createUpdate("UPDATE api_keys SET last_used_ms = max(coalesce(last_used_ms, 0), :t) WHERE id = :id")
                .bind("id", id).bind("t", lastUsed.toEpochMilli()).execute());
    }

    @Override
    public void audit(AuditEntry e) {
        jdbi().useHandle(h -> KeyRows.bindAudit(h.createUpdate(KeyRows.INSERT_AUDIT), e).execute());
    }

    @Override
    public List<AuditEntry> audit(Optional<String> orgId, int limit) {
        String where = orgId.isPresent() ? " WHERE org_id = :org" : "";
        return jdbi().withHandle(h -> {
            var q = h.createQuery("SELECT * FROM audit_log" + where + " ORDER BY seq DESC LIMIT :limit").bind("limit", limit);
            orgId.ifPresent(o -> q.bind("org", o));
            return q.map((rs, ctx) -> KeyRows.audit(rs)).list();
        });
    }

    @Override
    public void close() {
        // Connections are opened per call and closed by Jdbi.
    }
}
