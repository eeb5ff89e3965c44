package dev.tollgate.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * Binds {@code storage:} and {@code counters:}, reporting problems with their paths. A URL may carry the
 * credentials ({@code postgres://user:password@host/db}, {@code redis://:password@host}); they are taken
 * out of it, so the URL that remains can be shown, and the password is a {@link Secret}. Messages show a
 * URL with its password masked.
 */
final class StorageBinder {

    private static final Set<String> STORAGE_KEYS = Set.of("kind", "url", "user", "password", "schema", "pool_size");
    private static final Set<String> COUNTER_KEYS = Set.of("kind", "url", "password", "key_prefix", "on_outage", "timeout_ms");
    private static final String POSTGRES_URL = "postgres://user:password@host:5432/database or jdbc:postgresql://host:5432/database";

    private StorageBinder() {
    }

    /** The env-only start: {@code TOLLGATE_DATABASE_URL} and {@code TOLLGATE_REDIS_URL} switch to the shared stores. */
    static void env(ObjectNode root, Map<String, String> env) {
        String database = env.get("TOLLGATE_DATABASE_URL");
        if (database != null && !database.isBlank()) {
            root.putObject("storage").put("url", database.strip().replace("$", "$$"));
        }
        String redis = env.get("TOLLGATE_REDIS_URL");
        if (redis != null && !redis.isBlank()) {
            root.putObject("counters").put("url", redis.strip().replace("$", "$$"));
        }
    }

    static StorageConfig storage(ConfigTree t) {
        t.rejectUnknown(STORAGE_KEYS);
        String url = t.string("url", null);
        StorageConfig.Kind kind = kind(t, StorageConfig.Kind.class, url == null ? StorageConfig.Kind.SQLITE : StorageConfig.Kind.POSTGRES);
        String schema = t.string("schema", StorageConfig.DEFAULT_SCHEMA);
        if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
            t.problem("schema", "'" + schema + "' (expected: lower-case letters, digits and '_', starting with a letter or '_')");
            schema = StorageConfig.DEFAULT_SCHEMA;
        }
        int poolSize = (int) t.number("pool_size", StorageConfig.DEFAULT_POOL_SIZE, 1, 200);
        Optional<String> user = Optional.ofNullable(t.string("user", null));
        Optional<Secret> password = Optional.ofNullable(t.string("password", null)).map(Secret::new);
        if (kind == StorageConfig.Kind.SQLITE) {
            for (String name : STORAGE_KEYS) {
                if (!name.equals("kind") && t.has(name)) {
                    t.problem(name, "only for kind postgres (kind is sqlite: the SQLite file in data_dir)");
                }
            }
            return StorageConfig.DEFAULTS;
        }
        if (url == null) {
            t.problem("url", "missing (expected: " + POSTGRES_URL + ", for kind postgres)");
            return StorageConfig.DEFAULTS;
        }
        Credentials parsed = postgres(t, url);
        if (parsed == null) {
            return StorageConfig.DEFAULTS;
        }
        return new StorageConfig(kind, parsed.url(), user.or(parsed::user), password.or(parsed::password), schema, poolSize);
    }

    static CountersConfig counters(ConfigTree t) {
        t.rejectUnknown(COUNTER_KEYS);
        String url = t.string("url", null);
        CountersConfig.Kind kind = kind(t, CountersConfig.Kind.class, url == null ? CountersConfig.Kind.MEMORY : CountersConfig.Kind.REDIS);
        CountersConfig d = CountersConfig.DEFAULTS;
        String prefix = t.string("key_prefix", d.keyPrefix());
        if (!prefix.matches("[A-Za-z0-9:_.{}-]{0,64}")) {
            t.problem("key_prefix", "'" + prefix + "' (expected: up to 64 letters, digits or ':', '_', '.', '-', '{', '}')");
            prefix = d.keyPrefix();
        }
        CountersConfig.OnOutage onOutage = choice(t, "on_outage", CountersConfig.OnOutage.class, d.onOutage());
        Duration timeout = Duration.ofMillis(t.number("timeout_ms", d.timeout().toMillis(), 1, 60_000));
        Optional<Secret> password = Optional.ofNullable(t.string("password", null)).map(Secret::new);
        if (kind == CountersConfig.Kind.MEMORY) {
            for (String name : COUNTER_KEYS) {
                if (!Set.of("kind", "on_outage", "timeout_ms", "key_prefix").contains(name) && t.has(name)) {
                    t.problem(name, "only for kind redis (kind is memory: counters in this process)");
                }
            }
            return new CountersConfig(kind, null, Optional.empty(), prefix, onOutage, timeout);
        }
        if (url == null) {
            t.problem("url", "missing (expected: redis://host:6379 or rediss://host:6380, for kind redis)");
            return d;
        }
        Credentials parsed = redis(t, url);
        if (parsed == null) {
            return d;
        }
        return new CountersConfig(kind, parsed.url(), password.or(parsed::password), prefix, onOutage, timeout);
    }

    /** A URL without its credentials, and what it carried. */
    private record Credentials(String url, Optional<String> user, Optional<Secret> password) {
    }

    private static Credentials postgres(ConfigTree t, String text) {
        if (text.startsWith("jdbc:postgresql://")) {
            URI uri = uri(t, text.substring("jdbc:".length()), POSTGRES_URL);
            return uri == null ? null : new Credentials(text, Optional.empty(), Optional.empty());
        }
        URI uri = uri(t, text, POSTGRES_URL);
        if (uri == null) {
            return null;
        }
        if (!Set.of("postgres", "postgresql").contains(uri.getScheme())) {
            t.problem("url", "'" + masked(uri) + "' (expected: " + POSTGRES_URL + ")");
            return null;
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + path
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return withUserInfo(jdbc, uri);
    }

    private static Credentials redis(ConfigTree t, String text) {
        String expected = "redis://host:6379[/db] or rediss://host:6380[/db]";
        URI uri = uri(t, text, expected);
        if (uri == null) {
            return null;
        }
        if (!Set.of("redis", "rediss").contains(uri.getScheme())) {
            t.problem("url", "'" + masked(uri) + "' (expected: " + expected + ")");
            return null;
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!path.isEmpty() && !path.matches("/\\d{0,2}")) {
            t.problem("url", "'" + masked(uri) + "': the path names the database, a number (expected: " + expected + ")");
            return null;
        }
        String plain = uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 6379) + path;
        return withUserInfo(plain, uri);
    }

    private static Credentials withUserInfo(String url, URI uri) {
        String info = uri.getRawUserInfo();
        if (info == null) {
            return new Credentials(url, Optional.empty(), Optional.empty());
        }
        int colon = info.indexOf(':');
        String user = decode(colon < 0 ? info : info.substring(0, colon));
        String password = colon < 0 ? "" : decode(info.substring(colon + 1));
        return new Credentials(url, user.isEmpty() ? Optional.empty() : Optional.of(user),
                password.isEmpty() ? Optional.empty() : Optional.of(new Secret(password)));
    }

    private static URI uri(ConfigTree t, String text, String expected) {
        try {
            URI uri = new URI(text);
            if (uri.getScheme() == null || uri.getHost() == null) {
                t.problem("url", "'" + masked(uri) + "' has no host (expected: " + expected + ")");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            t.problem("url", "not a URL (" + e.getReason() + "; expected: " + expected + ")");
            return null;
        }
    }

    /** The URL as it may be shown: the password replaced by {@code ****}. */
    private static String masked(URI uri) {
        String info = uri.getRawUserInfo();
        if (info == null || !info.contains(":")) {
            return uri.toString();
        }
        return uri.toString().replace(info, info.substring(0, info.indexOf(':')) + ":****");
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static <E extends Enum<E>> E kind(ConfigTree t, Class<E> type, E fallback) {
        return choice(t, "kind", type, fallback);
    }

    private static <E extends Enum<E>> E choice(ConfigTree t, String name, Class<E> type, E fallback) {
        String text = t.string(name, null);
        if (text == null) {
            return fallback;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(text.strip().toUpperCase(Locale.ROOT))) {
                return e;
            }
        }
        t.problem(name, "'" + text + "' (expected one of: "
                + String.join(", ", java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList()) + ")");
        return fallback;
    }
}
