package dev.tollgate.cli;

import dev.tollgate.config.AutopilotConfig;
import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.TollgateConfig;
import dev.tollgate.policy.routing.AutopilotRouting;
import dev.tollgate.policy.routing.DeploymentObserver;
import dev.tollgate.policy.routing.ModelCatalog;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tollgate config check}: validates a configuration and says what it would run. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with the configuration.",
        subcommands = ConfigCommand.Check.class)
final class ConfigCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("usage: tollgate config check [--config FILE]");
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate the configuration (the file, or the environment without one) and explain any error.")
    static final class Check implements Callable<Integer> {

        @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
        Path config;

        @Override
        public Integer call() {
            TollgateConfig loaded;
            try {
                loaded = new ConfigLoader(System.getenv()).load(Optional.ofNullable(config));
            } catch (ConfigException e) {
                System.err.println((config == null ? "environment" : config.toString()) + ": " + e.problems().size()
                        + (e.problems().size() == 1 ? " problem" : " problems") + ":");
                e.problems().forEach(p -> System.err.println("  - " + p));
                return Launcher.EXIT_BAD_CONFIG;
            }
            System.out.println((config == null ? "environment" : config.toString()) + ": OK");
            System.out.println("  listen:        " + loaded.server().host() + ":" + loaded.server().port());
            System.out.println("  data dir:      " + loaded.dataDir());
            System.out.println("  auth:          " + (loaded.masterKey().isPresent() ? "master key required" : "open (no TOLLGATE_MASTER_KEY)"));
            System.out.println("  default model: " + (loaded.defaultModel().isEmpty()
                    ? "none (no provider names a concrete model: requests must name one, or set default_model)"
                    : loaded.defaultModel()));
            for (ProviderConfig p : loaded.providers()) {
                System.out.println("  provider " + p.name() + ": " + p.kind().configName()
                        + (p.baseUrl() == null ? "" : " at " + p.baseUrl())
                        + ", models " + p.models() + (p.prefix().isEmpty() ? "" : ", prefix " + p.prefix())
                        + (p.apiKey().isPresent() ? ", api key set" : "") + limits(p.limits()));
                System.out.println("    serves " + served(p) + callsUrl(p));
                unreachableGlobs(p).ifPresent(note -> System.out.println("    note: " + note));
                System.out.println("    resilience: " + resilience(p));
            }
            System.out.println("  routing strategy: " + loaded.routing().strategy().configName());
            if (!loaded.alerts().webhooks().isEmpty()) {
                System.out.println("  alert webhooks: " + loaded.alerts().webhooks().stream().map(w -> w.redacted()).toList());
            }
            loaded.aliases().forEach((alias, targets) -> System.out.println("  alias " + alias + " -> " + String.join(", ", targets)));
            autopilot(loaded);
            for (var b : loaded.budgets()) {
                System.out.println("  budget " + b.name() + ": " + b.metric().code() + " per " + b.period().wireName()
                        + (b.scope().isEmpty() ? ", all calls" : ", scope " + b.scope()) + ", limit " + b.metric().display(b.limit())
                        + b.fallback().map(f -> ", fallback " + f.provider() + "/" + f.model()).orElse(""));
            }
            return SharedStoresCheck.report(loaded) ? 0 : Launcher.EXIT_BAD_CONFIG;
        }
    }

    /** The autopilot's candidates (globally and per org) with what the catalog knows of each. */
    static void autopilot(TollgateConfig loaded) {
        ModelCatalog catalog = new ModelCatalog(loaded.providers(), java.util.Map.of(), loaded.aliases(), new ModelCatalog.Facts(
                dev.tollgate.Gateway.prices(loaded, tools.jackson.databind.json.JsonMapper.builder().build()), loaded.autopilot(),
                new DeploymentObserver()));
        java.util.Map<String, AutopilotConfig.Settings> levels = new java.util.LinkedHashMap<>();
        levels.put("autopilot", loaded.autopilot().global());
        loaded.autopilot().orgs().forEach((org, settings) -> levels.put("autopilot for org " + org, settings));
        java.util.Set<String> described = new java.util.LinkedHashSet<>();
        levels.forEach((label, settings) -> {
            List<String> names = settings.models().isEmpty() ? AutopilotRouting.defaultCandidates(catalog, loaded.defaultModel())
                    : AutopilotRouting.candidates(catalog, settings);
            System.out.println("  " + label + ": " + (names.isEmpty() ? "no candidate (requests must name a model)"
                    : names.size() == 1 ? "the default model " + names.getFirst() + " (one candidate: nothing to choose)"
                    : "candidates " + String.join(", ", names) + ", quality " + settings.quality())
                    + (settings.models().isEmpty() && names.size() > 1 ? " (the providers' listed models; set autopilot.models to choose)" : ""));
            described.addAll(names);
        });
        for (String model : described) {
            System.out.println("    " + model + ": " + catalog.profile(model).summary());
        }
    }

    /** The model names a client can send to reach {@code p}, as the router matches them. */
    static String served(ProviderConfig p) {
        if (p.prefix().isEmpty()) {
            return (p.models().equals(List.of("*")) ? "any model name" : String.join(", ", p.models())) + " (no prefix)";
        }
        String prefixed = p.models().stream().map(m -> p.prefix() + (m.equals("*") ? "<model>" : m))
                .collect(java.util.stream.Collectors.joining(", "));
        List<String> literal = p.models().stream().filter(m -> !m.contains("*")).toList();
        return prefixed + " (the prefix is removed before the call)"
                + (literal.isEmpty() ? "" : "; also " + String.join(", ", literal) + " without the prefix");
    }

    /** The URL a chat call goes to, so a base URL that lacks or doubles a path segment shows at once. */
    static String callsUrl(ProviderConfig p) {
        if (p.kind() == dev.tollgate.config.ProviderKind.SIMULATED) {
            return ", answered in-process (no network)";
        }
        if (p.baseUrl() == null) {
            return "";
        }
        return ", calls " + switch (p.kind()) {
            case ANTHROPIC -> p.baseUrl() + "/v1/messages";
            case GEMINI -> p.baseUrl() + "/models/{model}:generateContent";
            default -> p.baseUrl() + "/chat/completions";
        };
    }

    /** Globs behind a prefix match only prefixed names: the trap of a fallback meant to serve plain names. */
    static Optional<String> unreachableGlobs(ProviderConfig p) {
        List<String> globs = p.models().stream().filter(m -> m.contains("*") && !m.equals("*")).toList();
        if (p.prefix().isEmpty() || globs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("a plain name such as " + globs.getFirst().replace("*", "x") + " is not served here, only "
                + p.prefix() + globs.getFirst().replace("*", "x") + "; set prefix: \"\" to serve the names without a prefix");
    }

    /** {@code retries 2 on 429, 5xx, connect, timeout (backoff 200-2000 ms, Retry-After up to 5000 ms); circuit breaker ...; weight 1}. */
    static String resilience(ProviderConfig p) {
        var r = p.resilience().retries();
        java.util.List<String> on = new java.util.ArrayList<>();
        r.statuses().stream().sorted().forEach(s -> on.add(Integer.toString(s)));
        if (r.serverErrors()) {
            on.add("5xx");
        }
        if (r.connect()) {
            on.add("connect");
        }
        if (r.timeout()) {
            on.add("timeout");
        }
        if (r.broken()) {
            on.add("broken");
        }
        String retries = r.off() || on.isEmpty() ? "no retries" : "retries " + r.max() + " on " + String.join(", ", on)
                + " (backoff " + r.initialBackoff().toMillis() + "-" + r.maxBackoff().toMillis() + " ms, Retry-After up to "
                + r.maxRetryAfter().toMillis() + " ms)";
        var b = p.resilience().circuitBreaker();
        String breaker = !b.enabled() ? "no circuit breaker" : "circuit breaker opens at " + b.failureRateThreshold() + "% failures of the last "
                + b.window() + " calls (at least " + b.minimumCalls() + "), cooldown " + b.cooldown().toMillis() + " ms, "
                + b.halfOpenCalls() + " half-open probes";
        return retries + "; " + breaker + "; weight " + p.weight();
    }

    private static String limits(dev.tollgate.model.RateLimits l) {
        if (!l.any()) {
            return "";
        }
        return ", limits" + (l.rpm() > 0 ? " rpm " + l.rpm() : "") + (l.rpd() > 0 ? " rpd " + l.rpd() : "")
                + (l.tpm() > 0 ? " tpm " + l.tpm() : "") + (l.maxTokensPerRequest() > 0 ? " max_tokens_per_request " + l.maxTokensPerRequest() : "");
    }
}
