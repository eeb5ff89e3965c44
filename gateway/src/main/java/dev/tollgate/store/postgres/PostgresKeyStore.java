package dev.tollgate.store.postgres;

import dev.tollgate.model.ApiKey;
import dev.tollgate.model.AuditEntry;
import dev.tollgate.model.Org;
import dev.tollgate.model.RateLimits;
import dev.tollgate.model.Scope;
import dev.tollgate.store.KeyStore;
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

/**
 * Orgs, keys and the audit log in PostgreSQL (migrations V2 and V4), shared by every instance: a key
 * issued or revoked on one is seen by the next lookup on any other.
 */
public final class PostgresKeyStore implements KeyStore {

    private final Jdbi jdbi;

    public PostgresKeyStore(PostgresDatabase database) {
        this.jdbi = database.jdbi();
    }

    @Override
    public boolean addOrg(Org org) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        INSERT INTO orgs (id, name, created_ms) VALUES (:id, :name, :created) ON CONFLICT (id) DO NOTHING
                        """)
                .bind("id", org.id()).bind("name", org.name()).bind("created", org.createdAt().toEpochMilli()).execute()) == 1;
    }

    @Override
    public Optional<Org> org(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM orgs WHERE id = :id").bind("id", id).map((rs, ctx) -> org(rs)).findOne());
    }

    @Override
    public List<Org> orgs() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM orgs ORDER BY created_ms, id").map((rs, ctx) -> org(rs)).list());
    }

    @Override
    public void addKey(ApiKey k) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO api_keys (id, org_id, name, prefix, hash, scopes, allowed_models, default_agent, default_feature,
                          expires_ms, created_ms, last_used_ms, revoked, rpm, tpm)
                        VALUES (:id, :org, :name, :prefix, :hash, :scopes, :models, :agent, :feature, :expires, :created, NULL, :revoked,
                          :rpm, :tpm)
                        """)
                .bind("id", k.id()).bind("org", k.orgId()).bind("name", k.name()).bind("prefix", k.prefix()).bind("hash", k.hash())
                .bind("scopes", k.scopes().stream().map(s -> s.name().toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining(",")))
                .bind("models", String.join("\n", k.allowedModels())).bind("agent", k.defaultAgent().orElse(null))
                .bind("feature", k.defaultFeature().orElse(null)).bind("expires", k.expiresAt().map(Instant::toEpochMilli).orElse(null))
                .bind("created", k.createdAt().toEpochMilli()).bind("revoked", k.revoked())
                .bind("rpm", k.rateLimits().rpm()).bind("tpm", k.rateLimits().tpm())
                .execute());
    }

    @Override
    public Optional<ApiKey> keyByHash(byte[] sha256) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_keys WHERE hash = :hash").bind("hash", sha256)
                .map((rs, ctx) -> key(rs)).findOne());
    }

    @Override
    public Optional<ApiKey> key(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_keys WHERE id = :id").bind("id", id).map((rs, ctx) -> key(rs)).findOne());
    }

    @Override
    public List<ApiKey> keys(Optional<String> orgId) {
        String where = orgId.isPresent() ? " WHERE org_id = :org" : "";
        return jdbi.withHandle(h -> {
            var q = h.createQuery("SELECT * FROM api_keys" + where + " ORDER BY created_ms DESC, id COLLATE \"C\"");
            orgId.ifPresent(o -> q.bind("org", o));
            return q.map((rs, ctx) -> key(rs)).list();
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
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO audit_log (ts_ms, actor, org_id, action, target, details)
                        VALUES (:ts, :actor, :org, :action, :target, :details)
                        """)
                .bind("ts", e.time().toEpochMilli()).bind("actor", e.actorKeyId()).bind("org", e.orgId())
                .bind("action", e.action()).bind("target", e.target()).bind("details", e.details()).execute());
    }

    @Override
    public List<AuditEntry> audit(Optional<String> orgId, int limit) {
        String where = orgId.isPresent() ? " WHERE org_id = :org" : "";
        return jdbi.withHandle(h -> {
            var q = h.createQuery("SELECT * FROM audit_log" + where + " ORDER BY seq DESC LIMIT :limit").bind("limit", limit);
            orgId.ifPresent(o -> q.bind("org", o));
            return q.map((rs, ctx) -> new AuditEntry(Instant.ofEpochMilli(rs.getLong("ts_ms")), rs.getString("actor"),
                    rs.getString("org_id"), rs.getString("action"), rs.getString("target"), rs.getString("details"))).list();
        });
    }

    private static Org org(ResultSet rs) throws SQLException {
        return new Org(rs.getString("id"), rs.getString("name"), Instant.ofEpochMilli(rs.getLong("created_ms")));
    }

    private static ApiKey key(ResultSet rs) throws SQLException {
        Set<Scope> scopes = new LinkedHashSet<>();
        for (String s : rs.getString("scopes").split(",")) {
            if (!s.isBlank()) {
                scopes.add(Scope.valueOf(s.toUpperCase(Locale.ROOT)));
            }
        }
        String models = rs.getString("allowed_models");
        return new ApiKey(rs.getString("id"), rs.getString("org_id"), rs.getString("name"), rs.getString("prefix"),
                rs.getBytes("hash"), scopes, models.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(models.split("\n"))),
                Optional.ofNullable(rs.getString("default_agent")), Optional.ofNullable(rs.getString("default_feature")),
                instant(rs, "expires_ms"), Instant.ofEpochMilli(rs.getLong("created_ms")), instant(rs, "last_used_ms"),
                rs.getBoolean("revoked"), RateLimits.perKey(rs.getLong("rpm"), rs.getLong("tpm")));
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }

    @Override
    public void close() {
        // The pool belongs to the PostgresDatabase, which its opener closes.
    }
}
