package dev.tollgate.store.memory;

import dev.tollgate.model.ApiKey;
import dev.tollgate.model.AuditEntry;
import dev.tollgate.model.Org;
import dev.tollgate.store.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Orgs, keys and audit entries in memory, for tests and tools that need no file. */
public final class InMemoryKeyStore implements KeyStore {

    private final Map<String, Org> orgs = new LinkedHashMap<>();
    private final Map<String, ApiKey> keys = new LinkedHashMap<>();
    private final List<AuditEntry> audit = new ArrayList<>();

    @Override
    public synchronized boolean addOrg(Org org) {
        return orgs.putIfAbsent(org.id(), org) == null;
    }

    @Override
    public synchronized Optional<Org> org(String id) {
        return Optional.ofNullable(orgs.get(id));
    }

    @Override
    public synchronized List<Org> orgs() {
        return orgs.values().stream().sorted(Comparator.comparing(Org::createdAt).thenComparing(Org::id)).toList();
    }

    @Override
    public synchronized void addKey(ApiKey key) {
        if (keys.containsKey(key.id()) || keys.values().stream().anyMatch(k -> Arrays.equals(k.hash(), key.hash()))) {
            throw new IllegalArgumentException("a key with id " + key.id() + " or the same secret exists");
        }
        keys.put(key.id(), key);
    }

    @Override
    public synchronized Optional<ApiKey> keyByHash(byte[] sha256) {
        return keys.values().stream().filter(k -> Arrays.equals(k.hash(), sha256)).findFirst();
    }

    @Override
    public synchronized Optional<ApiKey> key(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    @Override
    public synchronized List<ApiKey> keys(Optional<String> orgId) {
        return keys.values().stream().filter(k -> orgId.isEmpty() || orgId.get().equals(k.orgId()))
                .sorted(Comparator.comparing(ApiKey::createdAt).reversed().thenComparing(ApiKey::id)).toList();
    }

    @Override
    public synchronized boolean revoke(String id) {
        ApiKey k = keys.get(id);
        if (k == null) {
            return false;
        }
        keys.put(id, new ApiKey(k.id(), k.orgId(), k.name(), k.prefix(), k.hash(), k.scopes(), k.allowedModels(), k.defaultAgent(),
                k.defaultFeature(), k.expiresAt(), k.createdAt(), k.lastUsedAt(), true));
        return true;
    }

    @Override
    public synchronized boolean updateRateLimits(String id, dev.tollgate.model.RateLimits limits) {
        ApiKey k = keys.get(id);
        if (k == null) {
            return false;
        }
        keys.put(id, k.withRateLimits(limits));
        return true;
    }

    @Override
    public synchronized void touch(String id, Instant lastUsed) {
        ApiKey k = keys.get(id);
        if (k != null && k.lastUsedAt().map(lastUsed::isAfter).orElse(true)) {
            keys.put(id, new ApiKey(k.id(), k.orgId(), k.name(), k.prefix(), k.hash(), k.scopes(), k.allowedModels(), k.defaultAgent(),
                    k.defaultFeature(), k.expiresAt(), k.createdAt(), Optional.of(lastUsed), k.revoked()));
        }
    }

    @Override
    public synchronized void audit(AuditEntry entry) {
        audit.add(entry);
    }

    @Override
    public synchronized List<AuditEntry> audit(Optional<String> orgId, int limit) {
        List<AuditEntry> out = new ArrayList<>();
        for (int i = audit.size() - 1; i >= 0 && out.size() < limit; i--) {
            AuditEntry e = audit.get(i);
            if (orgId.isEmpty() || orgId.get().equals(e.orgId())) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
