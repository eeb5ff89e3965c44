package dev.tollgate.policy.auth;

import dev.tollgate.model.Principal;
import java.util.Optional;

/** No master key configured: every caller is the default org with every scope. */
public final class OpenAuthenticator implements Authenticator {

    private static final Optional<Principal> OPEN = Optional.of(Principal.open());

    @Override
    public Optional<Principal> authenticate(Optional<String> presentedKey) {
        return OPEN;
    }
}
