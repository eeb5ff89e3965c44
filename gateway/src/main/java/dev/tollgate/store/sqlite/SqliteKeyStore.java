package dev.tollgate.store.sqlite;

import dev.tollgate.model.ApiKey;
import dev.tollgate.model.AuditEntry;
import dev.tollgate.model.Org;
import dev.tollgate.model.Scope;
import dev.tollgate.store.KeyStore;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
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
                .map((rs, ctx) -> org(rs)).findOne());
    }

    @Override
    public List<Org> orgs() {
        return jdbi().withHandle(h -> h.createQuery("SELECT * FROM orgs ORDER BY created_ms, id").map((rs, ctx) -> org(rs)).list());
    }

    @Override
    public void addKey(ApiKey k) {
        jdbi().useHandle(h -> h.createUpdate("""
                        INSERT INTO api_keys (id, org_id, name, prefix, hash, scopes, allowed_models, default_agent, default_feature,
                          expires_ms, created_ms, last_used_ms, revoked, rpm, tpm)
                        VALUES (:id, :org, :name, :prefix, :hash, :scopes, :models, :agent, :feature, :expires, :created, NULL, :revoked,
                          :rpm, :tpm)
                        """)
                .bind("id", k.id()).bind("org", k.orgId()).bind("name", k.name()).bind("prefix", k.prefix()).bind("hash", k.hash())
                .bind("scopes", k.scopes().stream().map(s -> s.name().toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining(",")))
                .bind("models", String.join("\n", k.allowedModels())).bind("agent", k.defaultAgent().orElse(null))
                .bind("feature", k.defaultFeature().orElse(null)).bind("expires", k.expiresAt().map(Instant::toEpochMilli).orElse(null))
                .bind("created", k.createdAt().toEpochMilli()).bind("revoked", k.revoked() ? 1 : 0)
                .bind("rpm", k.rateLimits().rpm()).bind("tpm", k.rateLimits().tpm())
                .execute());
    }

    @Override
    public Optional<ApiKey> keyByHash(byte[] sha256) {
        return jdbi().withHandle(h -> h.createQuery("SELECT * FROM api_keys WHERE hash = :hash").bind("hash", sha256)
                .map((rs, ctx) -> key(rs)).findOne());
    }

    @Override
    public Optional<ApiKey> key(String id) {
        return jdbi().withHandle(h -> h.createQuery("SELECT * FROM api_keys WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> key(rs)).findOne());
    }

    @Override
    public List<ApiKey> keys(Optional<String> orgId) {
        String where = orgId.isPresent() ? " WHERE org_id = :org" : "";
        return jdbi().withHandle(h -> {
            var q = h.createQuery("SELECT * FROM api_keys" + where + " ORDER BY created_ms DESC, id");
            orgId.ifPresent(o -> q.bind("org", o));
            return q.map((rs, ctx) -> key(rs)).list();
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
        jdbi().useHandle(h -> h.createUpdate("""
                        INSERT INTO audit_log (ts_ms, actor, org_id, action, target, details)
                        VALUES (:ts, :actor, :org, :action, :target, :details)
                        """)
                .bind("ts", e.time().toEpochMilli()).bind("actor", e.actorKeyId()).bind("org", e.orgId())
                .bind("action", e.action()).bind("target", e.target()).bind("details", e.details()).execute());
    }

    @Override
    public List<AuditEntry> audit(Optional<String> orgId, int limit) {
        String where = orgId.isPresent() ? " WHERE org_id = :org" : "";
        return jdbi().withHandle(h -> {
            var q = h.createQuery("SELECT * FROM audit_log" + where + " ORDER BY seq DESC LIMIT :limit").bind("limit", limit);
            orgId.ifPresent(o -> q.bind("org", o));
            return q.map((rs, ctx) -> new AuditEntry(Instant.ofEpochMilli(rs.getLong("ts_ms")), rs.getString("actor"),
                    rs.getString("org_id"), rs.getString("action"), rs.getString("target"), rs.getString("details"))).list();
        });
    }

    private static Org org(ResultSet rs) throws SQLException {
        return new Org(rs.getString("id"), rs.getString("name"), Instant.ofEpochMilli(rs.getLong("created_ms")),
                Optional.ofNullable(rs.getString("contact_email")));
    }

    private static ApiKey key(ResultSet rs) throws SQLException {
        Set<Scope> scopes = new LinkedHashSet<>();
        for (String s : rs.getString("scopes").split(",")) {
            if (!s.isBlank()) {
                scopes.add(Scope.valueOf(s.toUpperCase(Locale.ROOT)));
            }
        }
        String models = rs.getString("allowed_models");
        long expires = rs.getLong("expires_ms");
        boolean hasExpiry = !rs.wasNull();
        long lastUsed = rs.getLong("last_used_ms");
        boolean used = !rs.wasNull();
        return new ApiKey(rs.getString("id"), rs.getString("org_id"), rs.getString("name"), rs.getString("prefix"),
                rs.getBytes("hash"), scopes, models.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(models.split("\n"))),
                Optional.ofNullable(rs.getString("default_agent")), Optional.ofNullable(rs.getString("default_feature")),
                hasExpiry ? Optional.of(Instant.ofEpochMilli(expires)) : Optional.empty(),
                Instant.ofEpochMilli(rs.getLong("created_ms")), used ? Optional.of(Instant.ofEpochMilli(lastUsed)) : Optional.empty(),
                rs.getInt("revoked") == 1, dev.tollgate.model.RateLimits.perKey(rs.getLong("rpm"), rs.getLong("tpm")));
    }

    @Override
    public void close() {
        // Connections are opened per call and closed by Jdbi.
    }
}
