package dev.tollgate.policy.routing.learned;

/**
 * The least capable model class a prompt needs. With more than two candidate models the autopilot maps
 * {@code WEAK} to its cheapest fitting candidate and {@code STRONG} to the cheapest fitting candidate of
 * the catalog's strong tier.
 */
public enum QualityTier {
    WEAK, STRONG
}
