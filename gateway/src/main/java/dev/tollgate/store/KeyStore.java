package dev.tollgate.store;

import dev.tollgate.model.ApiKey;
import dev.tollgate.model.AuditEntry;
import dev.tollgate.model.Org;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Orgs, API keys (hashed, never in clear) and the audit log of administrative actions. Thread-safe. */
public interface KeyStore extends AutoCloseable {

    /** Adds an org; false when one with its id exists. */
    boolean addOrg(Org org);

    Optional<Org> org(String id);

    List<Org> orgs();

    void addKey(ApiKey key);

    Optional<ApiKey> keyByHash(byte[] sha256);

    Optional<ApiKey> key(String id);

    /** Keys of one org, or of all orgs; newest first. */
    List<ApiKey> keys(Optional<String> orgId);

    /** Marks a key revoked; false when there is no such key. */
    boolean revoke(String id);

    /** Replaces a key's rate limits; false when there is no such key. */
    boolean updateRateLimits(String id, dev.tollgate.model.RateLimits limits);

    /** Records when keys were last used (batched by the caller). */
    void touch(String id, Instant lastUsed);

    void audit(AuditEntry entry);

    /** The newest entries first, of one org or all. */
    List<AuditEntry> audit(Optional<String> orgId, int limit);

    @Override
    void close();
}
