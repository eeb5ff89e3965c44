package dev.tollgate.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Loads the configuration from a YAML file, or, with no file, from environment variables alone. Either
 * way the result is validated; a bad configuration is a {@link ConfigException} listing every problem.
 */
public final class ConfigLoader {

    private final Map<String, String> env;

    public ConfigLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public TollgateConfig load(Optional<Path> file) {
        EnvInterpolator interpolator = new EnvInterpolator(env::get);
        JsonNode tree = file.isPresent() ? readYaml(file.get()) : EnvConfig.tree(env);
        if (file.isPresent() && tree instanceof tools.jackson.databind.node.ObjectNode yaml && !yaml.has("budgets")) {
            // The budget env shortcuts apply to a file without a budgets: list of its own.
            var budgets = EnvConfig.budgets(env);
            if (!budgets.isEmpty()) {
                yaml.set("budgets", budgets);
            }
        }
        tree = EnvConfig.withAlertWebhook(tree, env.get("TOLLGATE_ALERT_WEBHOOK_URL"));
        tree = EnvConfig.withLogFormat(tree, env.get("TOLLGATE_LOG_FORMAT"));
        return new ConfigBinder(interpolator).bind(tree);
    }

    private static JsonNode readYaml(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read (" + e.getMessage() + ")");
        }
        try {
            return YAMLMapper.builder().build().readTree(text);
        } catch (JacksonException e) {
            throw new ConfigException(file + ": not valid YAML (" + e.getOriginalMessage() + ")");
        }
    }
}
