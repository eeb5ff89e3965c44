package dev.tollgate.cli;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.TollgateConfig;
import java.nio.file.Path;
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
            System.out.println("  default model: " + loaded.defaultModel());
            for (ProviderConfig p : loaded.providers()) {
                System.out.println("  provider " + p.name() + ": " + p.kind().configName()
                        + (p.baseUrl() == null ? "" : " at " + p.baseUrl())
                        + ", models " + p.models() + (p.prefix().isEmpty() ? "" : ", prefix " + p.prefix())
                        + (p.apiKey().isPresent() ? ", api key set" : "") + limits(p.limits()));
            }
            if (!loaded.alerts().webhooks().isEmpty()) {
                System.out.println("  alert webhooks: " + loaded.alerts().webhooks().stream().map(w -> w.redacted()).toList());
            }
            loaded.aliases().forEach((alias, targets) -> System.out.println("  alias " + alias + " -> " + String.join(", ", targets)));
            for (var b : loaded.budgets()) {
                System.out.println("  budget " + b.name() + ": " + b.metric().code() + " per " + b.period().wireName()
                        + (b.scope().isEmpty() ? ", all calls" : ", scope " + b.scope()) + ", limit " + b.metric().display(b.limit())
                        + b.fallback().map(f -> ", fallback " + f.provider() + "/" + f.model()).orElse(""));
            }
            return 0;
        }
    }

    private static String limits(dev.tollgate.model.RateLimits l) {
        if (!l.any()) {
            return "";
        }
        return ", limits" + (l.rpm() > 0 ? " rpm " + l.rpm() : "") + (l.rpd() > 0 ? " rpd " + l.rpd() : "")
                + (l.tpm() > 0 ? " tpm " + l.tpm() : "") + (l.maxTokensPerRequest() > 0 ? " max_tokens_per_request " + l.maxTokensPerRequest() : "");
    }
}
