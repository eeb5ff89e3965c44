package dev.tollgate.config;

/** Self-serve {@code POST /signup}: on or off, and how many signups one client address may make per hour. */
public record SignupConfig(boolean enabled, int perAddressPerHour) {

    public static final SignupConfig DEFAULTS = new SignupConfig(true, 5);
}
