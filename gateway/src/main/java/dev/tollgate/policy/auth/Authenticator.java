package dev.tollgate.policy.auth;

import dev.tollgate.model.Principal;
import java.util.Optional;

/**
 * Decides who a presented key belongs to. Implementations compare in constant time and never log or
 * echo the key.
 */
public interface Authenticator {

    /** The principal for {@code presentedKey}; empty when the key is missing, unknown or revoked. */
    Optional<Principal> authenticate(Optional<String> presentedKey);
}
