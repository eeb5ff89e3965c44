package dev.tollgate.cli;

import dev.tollgate.ScaleOutStoreFactory;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.StorageConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.model.ApiKey;
import dev.tollgate.model.Org;
import dev.tollgate.model.Scope;
import dev.tollgate.policy.auth.KeyIssuer;
import dev.tollgate.store.KeyStore;
import dev.tollgate.store.postgres.PostgresDatabase;
import dev.tollgate.store.postgres.PostgresKeyStore;
import dev.tollgate.store.sqlite.SqliteKeyStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tollgate keys create|list|revoke}: manage API keys in the data directory, no server needed. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create, list and revoke API keys (works on the data directory).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("usage: tollgate keys create|list|revoke [--data DIR | --config FILE]");
    }

    /** Where the keys live. */
    static final class Location {
        @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: the config's, else ./data).")
        Path data;

        @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration whose data_dir to use.")
        Path config;

        /** The SQLite file of the data directory, or the configuration's PostgreSQL ({@code storage.kind: postgres}). */
        KeyStore open() {
            KeyStore store;
            if (data != null) {
                store = new SqliteKeyStore(data.resolve("tollgate.db"));
            } else {
                TollgateConfig loaded = new ConfigLoader(System.getenv()).load(Optional.ofNullable(config));
                store = loaded.storage().kind() == StorageConfig.Kind.POSTGRES
                        ? PostgresKeyStore.owning(PostgresDatabase.open(ScaleOutStoreFactory.postgresSettings(loaded.storage())))
                        : new SqliteKeyStore(loaded.dataDir().resolve("tollgate.db"));
            }
            store.addOrg(new Org(dev.tollgate.model.Principal.DEFAULT_ORG, "Default", Instant.now()));
            return store;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; its secret is printed once.")
    static final class Create implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Location where = new Location();

        @Option(names = "--org", defaultValue = "default", description = "Org id (created if missing; default: ${DEFAULT-VALUE}).")
        String org;

        @Option(names = "--name", required = true, description = "A name for the key.")
        String name;

        @Option(names = "--scopes", defaultValue = "infer", split = ",", description = "infer, analytics, admin (default: ${DEFAULT-VALUE}).")
        List<String> scopes;

        @Option(names = "--models", split = ",", description = "Models the key may use (default: any).")
        List<String> models = List.of();

        @Option(names = "--agent", description = "Default agent tag of its calls.")
        String agent;

        @Option(names = "--feature", description = "Default feature tag of its calls.")
        String feature;

        @Option(names = "--expires-in-days", description = "Expiry in days (default: never).")
        Integer expiresInDays;

        @Option(names = "--rpm", defaultValue = "0", description = "Requests per minute this key may make (default: no limit of its own).")
        long rpm;

        @Option(names = "--tpm", defaultValue = "0", description = "Tokens per minute this key may use (default: no limit of its own).")
        long tpm;

        @Override
        public Integer call() {
            Set<Scope> parsed = new LinkedHashSet<>();
            for (String s : scopes) {
                try {
                    parsed.add(Scope.valueOf(s.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    System.err.println("tollgate keys create: --scopes " + s + " (expected: infer, analytics or admin)");
                    return Launcher.EXIT_BAD_CONFIG;
                }
            }
            if (rpm < 0 || tpm < 0) {
                System.err.println("tollgate keys create: --rpm and --tpm must be >= 1 (or 0 for no limit)");
                return Launcher.EXIT_BAD_CONFIG;
            }
            try (KeyStore store = where.open()) {
                KeyIssuer issuer = new KeyIssuer(store, Clock.systemUTC());
                if (store.org(org).isEmpty()) {
                    issuer.createOrg(new Org(org, org, Instant.now()), "cli");
                    System.out.println("created org " + org);
                }
                Optional<Instant> expires = Optional.ofNullable(expiresInDays).map(d -> Instant.now().plus(Duration.ofDays(d)));
                KeyIssuer.Issued issued = issuer.create(new KeyIssuer.KeySpec(org, name, parsed, new LinkedHashSet<>(models),
                        Optional.ofNullable(agent), Optional.ofNullable(feature), expires,
                        dev.tollgate.model.RateLimits.perKey(rpm, tpm)), "cli");
                System.out.println("key " + issued.key().id() + " (org " + org + ", scopes " + scopes(issued.key())
                        + (rpm > 0 ? ", rpm " + rpm : "") + (tpm > 0 ? ", tpm " + tpm : "") + ")");
                System.out.println(issued.secret());
                System.out.println("Store it now: it is not shown again.");
                return 0;
            } catch (ConfigException | IllegalArgumentException e) {
                System.err.println("tollgate keys create: " + e.getMessage());
                return Launcher.EXIT_BAD_CONFIG;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Location where = new Location();

        @Option(names = "--org", description = "Only this org's keys.")
        String org;

        @Override
        public Integer call() {
            try (KeyStore store = where.open()) {
                String format = "%-30s %-16s %-14s %-20s %-22s %-8s %s%n";
                System.out.printf(format, "ID", "ORG", "PREFIX", "NAME", "SCOPES", "STATE", "LAST USED");
                for (ApiKey k : store.keys(Optional.ofNullable(org))) {
                    String state = k.revoked() ? "revoked" : k.usableAt(Instant.now()) ? "active" : "expired";
                    System.out.printf(format, k.id(), k.orgId(), k.prefix() + "…", k.name(), scopes(k), state,
                            k.lastUsedAt().map(Instant::toString).orElse("never"));
                }
                return 0;
            } catch (ConfigException e) {
                System.err.println("tollgate keys list: " + e.getMessage());
                return Launcher.EXIT_BAD_CONFIG;
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key by its id.")
    static final class Revoke implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Location where = new Location();

        @Parameters(paramLabel = "ID", description = "The key's id (key_…), as `keys list` shows it.")
        String id;

        @Override
        public Integer call() {
            try (KeyStore store = where.open()) {
                Optional<ApiKey> key = store.key(id);
                if (key.isEmpty()) {
                    System.err.println("tollgate keys revoke: no key " + id);
                    return 1;
                }
                new KeyIssuer(store, Clock.systemUTC()).revoke(key.get(), "cli");
                System.out.println("revoked " + id + " (a running gateway stops accepting it within 5 seconds)");
                return 0;
            } catch (ConfigException e) {
                System.err.println("tollgate keys revoke: " + e.getMessage());
                return Launcher.EXIT_BAD_CONFIG;
            }
        }
    }

    static String scopes(ApiKey k) {
        return k.scopes().stream().map(s -> s.name().toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining(","));
    }
}
