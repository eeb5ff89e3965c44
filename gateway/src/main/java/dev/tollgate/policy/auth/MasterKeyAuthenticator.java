package dev.tollgate.policy.auth;

import dev.tollgate.config.Secret;
import dev.tollgate.model.Principal;
import dev.tollgate.model.Scope;
import dev.tollgate.model.Sha256;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * Accepts exactly the configured master key, as an admin of the default org. Only the key's SHA-256
 * is kept; comparison is constant-time over the digests, so timing reveals nothing about the key.
 */
public final class MasterKeyAuthenticator implements Authenticator {

    private final byte[] expectedDigest;
    private final Principal admin;

    public MasterKeyAuthenticator(Secret masterKey) {
        this.expectedDigest = sha256(masterKey.value());
        this.admin = new Principal(Principal.DEFAULT_ORG, "master", Set.of(Scope.values()), Set.of(), Optional.empty(), Optional.empty(), true);
    }

    @Override
    public Optional<Principal> authenticate(Optional<String> presentedKey) {
        if (presentedKey.isEmpty()) {
            return Optional.empty();
        }
        return MessageDigest.isEqual(expectedDigest, sha256(presentedKey.get())) ? Optional.of(admin) : Optional.empty();
    }

    static byte[] sha256(String text) {
        return Sha256.of(text);
    }
}
