package dev.tollgate.store;

import java.util.function.Supplier;

/**
 * One dependency {@code /ready} reports: its name ({@code postgres}, {@code redis_counters}) and its state,
 * read when asked.
 *
 * @param state {@code ok}, or what is wrong and what the instance does meanwhile
 * @param ready whether the instance is ready with the dependency in this state (a fail-open outage still serves)
 */
public record DependencyCheck(String name, Supplier<State> state) {

    /** A dependency's state: {@code ok} or a description, and whether the instance may serve with it. */
    public record State(String description, boolean ready) {

        public static final State OK = new State("ok", true);
    }
}
