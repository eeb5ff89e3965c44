package dev.tollgate.policy.auth;

import dev.tollgate.model.ApiKey;
import dev.tollgate.model.AuditEntry;
import dev.tollgate.model.Org;
import dev.tollgate.model.RateLimits;
import dev.tollgate.model.Scope;
import dev.tollgate.model.Sha256;
import dev.tollgate.store.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Creates, rotates and revokes keys and orgs, and records each action in the audit log. A new key's
 * secret is {@code tg-} plus 43 characters of base64url (256 random bits); it leaves this class once,
 * in the {@link Issued} returned to the caller, and is stored only as its SHA-256.
 */
public final class KeyIssuer {

    public static final String PREFIX = "tg-";
    private static final int VISIBLE = 11;
    private static final Pattern ORG_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private final KeyStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public KeyIssuer(KeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** What a new key may do. */
    public record KeySpec(String orgId, String name, Set<Scope> scopes, Set<String> allowedModels,
                          Optional<String> defaultAgent, Optional<String> defaultFeature, Optional<Instant> expiresAt,
                          RateLimits rateLimits) {

        public KeySpec {
            rateLimits = rateLimits == null ? RateLimits.NONE : rateLimits;
        }

        /** A key without rate limits of its own. */
        public KeySpec(String orgId, String name, Set<Scope> scopes, Set<String> allowedModels,
                       Optional<String> defaultAgent, Optional<String> defaultFeature, Optional<Instant> expiresAt) {
            this(orgId, name, scopes, allowedModels, defaultAgent, defaultFeature, expiresAt, RateLimits.NONE);
        }
    }

    /** A new key and its secret, which is shown once and not kept. */
    public record Issued(ApiKey key, String secret) {
        @Override
        public String toString() {
            return "Issued[" + key + "]";
        }
    }

    public Issued create(KeySpec spec, String actor) {
        if (store.org(spec.orgId()).isEmpty()) {
            throw new IllegalArgumentException("org '" + spec.orgId() + "' does not exist");
        }
        Issued issued = mint(spec);
        store.addKey(issued.key());
        audit(actor, spec.orgId(), "api_key.create", issued.key().id(),
                "{\"name\":" + quote(spec.name()) + ",\"scopes\":" + quote(String.join(",", spec.scopes().stream().map(Enum::name).sorted().toList()))
                        + limitsJson(spec.rateLimits()) + "}");
        return issued;
    }

    /** A new secret for the same key settings; the old key is revoked. */
    public Issued rotate(ApiKey old, String actor) {
        Issued issued = mint(new KeySpec(old.orgId(), old.name(), old.scopes(), old.allowedModels(), old.defaultAgent(),
                old.defaultFeature(), old.expiresAt(), old.rateLimits()));
        store.addKey(issued.key());
        store.revoke(old.id());
        audit(actor, old.orgId(), "api_key.rotate", old.id(), "{\"replaced_by\":" + quote(issued.key().id()) + "}");
        return issued;
    }

    /** Replaces a key's rate limits (0 = none of its own); audited. */
    public boolean updateRateLimits(ApiKey key, RateLimits limits, String actor) {
        boolean done = store.updateRateLimits(key.id(), limits);
        audit(actor, key.orgId(), "api_key.update", key.id(), "{" + limitsJson(limits).substring(1) + "}");
        return done;
    }

    private static String limitsJson(RateLimits limits) {
        return ",\"rpm\":" + limits.rpm() + ",\"tpm\":" + limits.tpm();
    }

    public boolean revoke(ApiKey key, String actor) {
        boolean done = store.revoke(key.id());
        audit(actor, key.orgId(), "api_key.revoke", key.id(), "{}");
        return done;
    }

    /** Creates an org; its id is derived from {@code id} or the name. False when it exists. */
    public boolean createOrg(Org org, String actor) {
        if (!ORG_ID.matcher(org.id()).matches()) {
            throw new IllegalArgumentException("org id '" + org.id() + "' (expected: 1 to 63 of a-z, 0-9, _ and -, starting with a letter or digit)");
        }
        boolean added = store.addOrg(org);
        if (added) {
            audit(actor, org.id(), "org.create", org.id(), "{\"name\":" + quote(org.name()) + "}");
        }
        return added;
    }

    public void audit(String actor, String orgId, String action, String target, String details) {
        store.audit(new AuditEntry(clock.instant(), actor, orgId, action, target, details));
    }

    private Issued mint(KeySpec spec) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String id = "key_" + dev.tollgate.model.TimeOrderedId.next().replace("-", "").substring(0, 24);
        ApiKey key = new ApiKey(id, spec.orgId(), spec.name(), secret.substring(0, VISIBLE), sha256(secret), spec.scopes(),
                spec.allowedModels(), spec.defaultAgent(), spec.defaultFeature(), spec.expiresAt(), clock.instant(), Optional.empty(), false,
                spec.rateLimits());
        return new Issued(key, secret);
    }

    public static byte[] sha256(String secret) {
        return Sha256.of(secret);
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

}
