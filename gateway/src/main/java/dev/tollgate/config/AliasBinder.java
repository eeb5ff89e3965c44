package dev.tollgate.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds the top-level {@code aliases:} mapping: each alias names one model ({@code fast: gpt-4o-mini})
 * or a list to try in order ({@code smart: [ollama/llama3.2, gpt-4o]}). Every target must be a model
 * a configured provider serves, so a typo is a configuration error naming the alias, not a 404 later;
 * an alias may not point to another alias, nor use a name reserved for autopilot.
 */
final class AliasBinder {

    private static final Set<String> RESERVED = Set.of("auto", "tollgate");

    private final List<ProviderConfig> providers;

    AliasBinder(List<ProviderConfig> providers) {
        this.providers = providers;
    }

    Map<String, List<String>> bind(ConfigTree t) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> names = t.names();
        for (String alias : names) {
            if (RESERVED.contains(alias) || alias.isBlank() || alias.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                t.problem(alias, "'" + alias + "' cannot be an alias (expected: a model name other than auto or tollgate)");
                continue;
            }
            List<String> targets = t.strings(alias, List.of());
            if (targets.isEmpty()) {
                t.problem(alias, "no target (expected: a model name, or a list of model names to try in order)");
                continue;
            }
            for (int i = 0; i < targets.size(); i++) {
                String problem = problem(targets.get(i), names);
                if (problem != null) {
                    t.problem(targets.size() == 1 ? alias : alias + "[" + i + "]", problem);
                }
            }
            out.put(alias, targets);
        }
        return out;
    }

    private String problem(String target, List<String> aliases) {
        if (aliases.contains(target)) {
            return "'" + target + "' is itself an alias (expected: a model name a provider serves)";
        }
        for (ProviderConfig p : providers) {
            if (p.upstreamName(target) != null) {
                return null;
            }
        }
        return "'" + target + "' is not served by any configured provider (expected: a model name matching a provider's "
                + "models or prefix, such as " + example() + ")";
    }

    private String example() {
        ProviderConfig first = providers.getFirst();
        for (String model : first.models()) {
            if (!model.contains("*")) {
                return first.prefix() + model;
            }
        }
        return first.prefix() + first.models().getFirst().replace("*", "…");
    }
}
