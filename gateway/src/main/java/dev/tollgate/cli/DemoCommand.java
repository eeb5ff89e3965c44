package dev.tollgate.cli;

import dev.tollgate.Gateway;
import dev.tollgate.config.ConfigLoader;
import dev.tollgate.config.ProviderConfig;
import dev.tollgate.config.SimulatedConfig;
import dev.tollgate.config.TollgateConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tollgate demo}: the gateway on the built-in simulated provider; no key, no network. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Serve with the built-in simulated provider: no API key and no network needed.")
final class DemoCommand implements Callable<Integer> {

    @Mixin
    ServerOptions options = new ServerOptions();

    @Override
    public Integer call() {
        Map<String, String> env = System.getenv();
        return Launcher.run(() -> {
            TollgateConfig fromEnv = new ConfigLoader(env).load(java.util.Optional.empty());
            TollgateConfig demo = fromEnv.withProviders(List.of(ProviderConfig.simulated(SimulatedConfig.DEFAULTS)), "tollgate-sim");
            return options.apply(demo);
        }, DemoCommand::describe);
    }

    private static String describe(Gateway gateway) {
        String base = "http://localhost:" + gateway.port();
        String auth = gateway.config().masterKey().isPresent() ? " -H \"Authorization: Bearer $TOLLGATE_MASTER_KEY\"" : "";
        return "Tollgate demo is serving on " + base + " with the built-in simulated provider (data: "
                + gateway.config().dataDir() + ").\n"
                + "Any model name works; answers are simulated, usage is recorded.\nTry it:\n"
                + "  curl " + base + "/v1/chat/completions" + auth + " -H 'Content-Type: application/json' \\\n"
                + "    -d '{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Tollgate!\"}]}'\n"
                + "Or point any OpenAI SDK at base URL " + base + "/v1";
    }
}
