package dev.tollgate.policy.auth;

import dev.tollgate.model.Principal;
import java.util.List;
import java.util.Optional;

/** Tries authenticators in order (the master key, then issued keys); the first that knows the key wins. */
public final class FirstMatchAuthenticator implements Authenticator {

    private final List<Authenticator> chain;

    public FirstMatchAuthenticator(List<Authenticator> chain) {
        this.chain = List.copyOf(chain);
    }

    @Override
    public Optional<Principal> authenticate(Optional<String> presentedKey) {
        for (Authenticator a : chain) {
            Optional<Principal> found = a.authenticate(presentedKey);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }
}
