package dev.tollgate.model;

/** What a key may do: call models, read analytics, administer keys, orgs and budgets. */
public enum Scope {
    INFER, ANALYTICS, ADMIN
}
