package dev.tollgate.store.jdbc;

import dev.tollgate.model.ApiKey;
import dev.tollgate.model.AuditEntry;
import dev.tollgate.model.Org;
import dev.tollgate.model.RateLimits;
import dev.tollgate.model.Scope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.statement.Update;

/**
 * Orgs, keys and audit entries as rows of the {@code orgs}, {@code api_keys} and {@code audit_log}
 * tables, which SQLite and PostgreSQL define alike: the statements both run and the row mappers both
 * read with. Scopes are a sorted comma list, allowed models one per line.
 */
public final class KeyRows {

    public static final String INSERT_KEY = """
            INSERT INTO api_keys (id, org_id, name, prefix, hash, scopes, allowed_models, default_agent, default_feature,
              expires_ms, created_ms, last_used_ms, revoked, rpm, tpm)
            VALUES (:id, :org, :name, :prefix, :hash, :scopes, :models, :agent, :feature, :expires, :created, NULL, :revoked,
              :rpm, :tpm)
            """;

    public static final String INSERT_AUDIT = """
            INSERT INTO audit_log (ts_ms, actor, org_id, action, target, details)
            VALUES (:ts, :actor, :org, :action, :target, :details)
            """;

    private KeyRows() {
    }

    public static Update bindKey(Update u, ApiKey k) {
        return u.bind("id", k.id()).bind("org", k.orgId()).bind("name", k.name()).bind("prefix", k.prefix()).bind("hash", k.hash())
                .bind("scopes", k.scopes().stream().map(s -> s.name().toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining(",")))
                .bind("models", String.join("\n", k.allowedModels())).bind("agent", k.defaultAgent().orElse(null))
                .bind("feature", k.defaultFeature().orElse(null)).bind("expires", k.expiresAt().map(Instant::toEpochMilli).orElse(null))
                .bind("created", k.createdAt().toEpochMilli()).bind("revoked", k.revoked())
                .bind("rpm", k.rateLimits().rpm()).bind("tpm", k.rateLimits().tpm());
    }

    public static Update bindAudit(Update u, AuditEntry e) {
        return u.bind("ts", e.time().toEpochMilli()).bind("actor", e.actorKeyId()).bind("org", e.orgId())
                .bind("action", e.action()).bind("target", e.target()).bind("details", e.details());
    }

    public static Org org(ResultSet rs) throws SQLException {
        return new Org(rs.getString("id"), rs.getString("name"), Instant.ofEpochMilli(rs.getLong("created_ms")),
                java.util.Optional.ofNullable(rs.getString("contact_email")));
    }

    public static AuditEntry audit(ResultSet rs) throws SQLException {
        return new AuditEntry(Instant.ofEpochMilli(rs.getLong("ts_ms")), rs.getString("actor"), rs.getString("org_id"),
                rs.getString("action"), rs.getString("target"), rs.getString("details"));
    }

    public static ApiKey key(ResultSet rs) throws SQLException {
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
}
