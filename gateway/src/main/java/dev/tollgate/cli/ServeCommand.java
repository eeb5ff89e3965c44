package dev.tollgate.cli;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.ProviderKind;
import dev.tollgate.config.TollgateConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tollgate serve}: the gateway, configured by a YAML file or by environment variables. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the gateway (config from --config, else from environment variables).")
final class ServeCommand implements Callable<Integer> {


    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file.")
    Path config;

    @Mixin
    ServerOptions options = new ServerOptions();

    @Override
    public Integer call() {
        ConfigLoader loader = new ConfigLoader(System.getenv());
        return Launcher.run(() -> options.apply(loader.load(java.util.Optional.ofNullable(config))), ServeCommand::describe);
    }

    static String describe(Gateway gateway) {
        TollgateConfig c = gateway.config();
        String providers = c.providers().stream().map(ProviderConfig::name).collect(Collectors.joining(", "));
        boolean simulatedOnly = c.providers().stream().allMatch(p -> p.kind() == ProviderKind.SIMULATED);
        return "Tollgate is serving on http://localhost:" + gateway.port() + " (providers: " + providers
                + ", default model: " + (c.defaultModel().isEmpty() ? "none" : c.defaultModel()) + ", data: " + c.dataDir() + ", auth: "
                + (c.masterKey().isPresent() ? "master key" : "open") + ")"
                + (simulatedOnly ? "\nNo provider is configured (set OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, OLLAMA_BASE_URL, … or --config): "
                + "answers come from the built-in simulated provider." : "");
    }
}
