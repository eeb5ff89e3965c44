package dev.tollgate.pipeline;

/**
 * Names one piece of per-call state a policy keeps in the {@link RequestContext} for a later stage of its
 * own (a budget's reservation, made when the plan is transformed and used by each attempt). One key per
 * use, held in a constant of the policy that owns it; nothing else reads it.
 */
public final class ContextKey<T> {

    private final String name;

    private ContextKey(String name) {
        this.name = name;
    }

    public static <T> ContextKey<T> named(String name) {
        return new ContextKey<>(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
