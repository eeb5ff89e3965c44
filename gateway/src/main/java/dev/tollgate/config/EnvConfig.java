package dev.tollgate.config;

import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Zero-config: the configuration tree a user gets from environment variables alone. It has the same
 * shape as a YAML file, so one binder validates both.
 */
final class EnvConfig {

    private EnvConfig() {
    }

    static ObjectNode tree(Map<String, String> env) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        ObjectNode server = root.putObject("server");
        putIfSet(server, "port", env.get("TOLLGATE_PORT"));
        putIfSet(root, "master_key", env.get("TOLLGATE_MASTER_KEY"));
        putIfSet(root, "default_model", env.get("DEFAULT_AI_MODEL"));
        putIfSet(root, "data_dir", env.get("TOLLGATE_DATA_DIR"));
        StorageBinder.env(root, env);
        CacheBinder.env(root, env);
        ArrayNode providers = f.arrayNode();
        if (set(env, "OPENAI_API_KEY") || set(env, "OPENAI_BASE_URL")) {
            ObjectNode p = providers.addObject().put("name", "openai").put("kind", "openai");
            putIfSet(p, "api_key", env.get("OPENAI_API_KEY"));
            putIfSet(p, "base_url", env.get("OPENAI_BASE_URL"));
        }
        if (set(env, "ANTHROPIC_API_KEY") || set(env, "ANTHROPIC_BASE_URL")) {
            ObjectNode p = providers.addObject().put("name", "anthropic").put("kind", "anthropic");
            putIfSet(p, "api_key", env.get("ANTHROPIC_API_KEY"));
            putIfSet(p, "base_url", env.get("ANTHROPIC_BASE_URL"));
        }
        gemini(providers, env);
        local(providers, "ollama", env.get("OLLAMA_BASE_URL"));
        local(providers, "vllm", env.get("VLLM_BASE_URL"));
        local(providers, "lmstudio", env.get("LM_STUDIO_BASE_URL"));
        if (!providers.isEmpty()) {
            root.set("providers", providers);
        }
        ArrayNode budgets = budgets(env);
        if (!budgets.isEmpty()) {
            root.set("budgets", budgets);
        }
        return root;
    }

    /** Google's SDKs read GOOGLE_API_KEY first when both are set; so does Tollgate. */
    private static void gemini(ArrayNode providers, Map<String, String> env) {
        String key = set(env, "GOOGLE_API_KEY") ? env.get("GOOGLE_API_KEY") : env.get("GEMINI_API_KEY");
        if (key != null && !key.isBlank() || set(env, "GEMINI_BASE_URL")) {
            ObjectNode p = providers.addObject().put("name", "gemini").put("kind", "gemini");
            putIfSet(p, "api_key", key);
            putIfSet(p, "base_url", env.get("GEMINI_BASE_URL"));
        }
    }

    /**
     * Adds {@code TOLLGATE_ALERT_WEBHOOK_URL} to {@code alerts.webhooks}, with a configuration file or
     * without one. A tree that is not a mapping is returned as it is, for the binder to report.
     */
    static tools.jackson.databind.JsonNode withAlertWebhook(tools.jackson.databind.JsonNode tree, String url) {
        if (url == null || url.isBlank()) {
            return tree;
        }
        ObjectNode root = rootObject(tree);
        if (root == null) {
            return tree;
        }
        tools.jackson.databind.JsonNode alerts = root.get("alerts");
        if (alerts != null && !alerts.isNull() && !alerts.isObject()) {
            return root;
        }
        ObjectNode alertsNode = alerts instanceof ObjectNode o ? o : root.putObject("alerts");
        tools.jackson.databind.JsonNode hooks = alertsNode.get("webhooks");
        if (hooks != null && !hooks.isNull() && !hooks.isArray()) {
            return root;
        }
        ArrayNode list = hooks instanceof ArrayNode a ? a : alertsNode.putArray("webhooks");
        list.addObject().put("url", literal(url.strip()));
        return root;
    }

    /** The tree's root mapping to add to (a new one for no tree), or {@code null} when the root is not a mapping. */
    private static ObjectNode rootObject(tools.jackson.databind.JsonNode tree) {
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        return tree instanceof ObjectNode object ? object : null;
    }

    /** {@code TOLLGATE_LOG_FORMAT} as {@code logging.format}, unless the file sets one (the file wins, as everywhere). */
    static tools.jackson.databind.JsonNode withLogFormat(tools.jackson.databind.JsonNode tree, String format) {
        if (format == null || format.isBlank()) {
            return tree;
        }
        ObjectNode root = rootObject(tree);
        if (root == null) {
            return tree;
        }
        tools.jackson.databind.JsonNode logging = root.get("logging");
        if (logging != null && !logging.isNull() && !logging.isObject()) {
            return root;
        }
        ObjectNode loggingNode = logging instanceof ObjectNode o ? o : root.putObject("logging");
        if (!loggingNode.has("format")) {
            loggingNode.put("format", literal(format.strip()));
        }
        return root;
    }

    /**
     * The per-agent provider budgets of the reference scenario, from {@code ANTHROPIC_MONTHLY_LIMIT} and
     * {@code OPENAI_MONTHLY_LIMIT} (tokens a month, for every agent), with the Anthropic rule switching to
     * OpenAI at {@code OPENAI_FALLBACK_THRESHOLD} when {@code ENABLE_OPENAI_FALLBACK} is true.
     */
    static ArrayNode budgets(Map<String, String> env) {
        ArrayNode budgets = JsonNodeFactory.instance.arrayNode();
        if (set(env, "ANTHROPIC_MONTHLY_LIMIT")) {
            ObjectNode rule = perAgent(budgets, "anthropic", env.get("ANTHROPIC_MONTHLY_LIMIT"));
            String enabled = env.getOrDefault("ENABLE_OPENAI_FALLBACK", "false").strip().toLowerCase(java.util.Locale.ROOT);
            if (java.util.Set.of("true", "yes", "on", "1").contains(enabled)) {
                rule.putArray("thresholds").addObject()
                        .put("at", literal(env.getOrDefault("OPENAI_FALLBACK_THRESHOLD", "0.95").strip()))
                        .put("action", "prefer_fallback");
                ObjectNode fallback = rule.putObject("fallback").put("provider", "openai")
                        .put("model", literal(set(env, "OPENAI_MODEL") ? env.get("OPENAI_MODEL").strip() : "gpt-4o-mini"));
                putIfSet(fallback, "max_tokens", env.get("OPENAI_MAX_TOKENS"));
                putIfSet(fallback, "temperature", env.get("OPENAI_TEMPERATURE"));
            }
        }
        if (set(env, "OPENAI_MONTHLY_LIMIT")) {
            perAgent(budgets, "openai", env.get("OPENAI_MONTHLY_LIMIT"));
        }
        return budgets;
    }

    private static ObjectNode perAgent(ArrayNode budgets, String provider, String limit) {
        ObjectNode rule = budgets.addObject().put("name", provider + "-monthly-per-agent");
        rule.putObject("scope").put("agent", "*").put("provider", provider);
        return rule.put("metric", "tokens").put("period", "month").put("limit", literal(limit.strip()));
    }

    private static void local(ArrayNode providers, String kind, String baseUrl) {
        if (baseUrl != null && !baseUrl.isBlank()) {
            providers.addObject().put("name", kind).put("kind", kind).put("base_url", literal(baseUrl));
        }
    }

    private static boolean set(Map<String, String> env, String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, literal(value));
        }
    }

    /** The binder interpolates every scalar; an environment value is data, so its '$' must stay literal. */
    private static String literal(String value) {
        return value.replace("$", "$$");
    }
}
