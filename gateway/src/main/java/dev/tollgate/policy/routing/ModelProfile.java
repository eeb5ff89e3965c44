package dev.tollgate.policy.routing;

import dev.tollgate.pipeline.CircuitState;
import dev.tollgate.provider.Deployment;
import java.util.List;

/**
 * What the catalog knows of one model name: its price (as its first deployment bills it: the price map and
 * {@code pricing.overrides}), limits and capabilities (the price map's, changed by {@code catalog:}), its quality
 * (configured, else {@link QualityDefaults}), and how each deployment serving it has behaved lately.
 *
 * @param inputPerToken, outputPerToken US dollars per token; meaningful only when {@code priceKnown}
 * @param contextWindow   the most input tokens the model takes; 0 when unknown (then every prompt fits)
 * @param maxOutputTokens the most output tokens; 0 when unknown
 * @param quality         in [0, 1], higher is stronger; {@link #strong} from {@value #STRONG_QUALITY}
 * @param deployments     the deployments that serve it, in the order they are tried, with their health
 */
public record ModelProfile(String model, double inputPerToken, double outputPerToken, boolean priceKnown, int contextWindow,
                           int maxOutputTokens, Capabilities capabilities, double quality, List<DeploymentHealth> deployments) {

    public static final double STRONG_QUALITY = 0.75;

    public ModelProfile {
        deployments = List.copyOf(deployments);
    }

    /** What a request may use: tool calls, image input, JSON mode ({@code response_format}). */
    public record Capabilities(boolean tools, boolean vision, boolean json) {
    }

    /** One deployment of the model, its observed latency and its circuit state. */
    public record DeploymentHealth(Deployment deployment, LatencyStats.Summary latency, CircuitState circuit) {
    }

    /** Whether the model belongs to the strong tier, where the router sends prompts that need it. */
    public boolean strong() {
        return quality >= STRONG_QUALITY;
    }

    /** Whether {@code promptTokens + outputTokens} fit the context window (an unknown window fits everything). */
    public boolean fits(long promptTokens, long outputTokens) {
        return contextWindow <= 0 || promptTokens + outputTokens <= contextWindow;
    }

    /** The first deployment's latency (the one the call goes to first). */
    public LatencyStats.Summary latency() {
        return deployments.isEmpty() ? LatencyStats.Summary.NONE : deployments.getFirst().latency();
    }

    /** One line for {@code tollgate config check}: {@code $0.15 / $0.60 per 1M tokens, context 128000, output 16384, tools vision json, quality 0.60 (weak)}. */
    public String summary() {
        String price = priceKnown ? String.format(java.util.Locale.ROOT, "$%.2f / $%.2f per 1M tokens", inputPerToken * 1e6, outputPerToken * 1e6)
                : "no price";
        String can = (capabilities.tools() ? " tools" : "") + (capabilities.vision() ? " vision" : "") + (capabilities.json() ? " json" : "");
        return price + ", context " + (contextWindow > 0 ? contextWindow : "unknown") + ", output " + (maxOutputTokens > 0 ? maxOutputTokens : "unknown")
                + "," + (can.isEmpty() ? " no tools, vision or json" : can)
                + String.format(java.util.Locale.ROOT, ", quality %.2f (%s)", quality, strong() ? "strong" : "weak");
    }
}
