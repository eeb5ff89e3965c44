package dev.tollgate.semantic.decision;

import dev.tollgate.policy.cache.semantic.SemanticCacheProvider.PairJudgement;
import dev.tollgate.policy.cache.semantic.Strictness;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The learned hit decision: a logistic regression over {@link PairFeatures} (the embeddings' cosine plus lexical
 * and critical-token features), behind the critical-token vetoes, with one probability threshold per
 * {@link Strictness}. The shipped weights are {@code decision.json} beside this class (see its NOTICE for how they
 * were trained); {@link SemanticDecisionTrainer} makes a new file from any pair file.
 */
public final class HitDecision {

    public static final String RESOURCE = "decision.json";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Model model;
    private final Map<Strictness, Double> thresholds;

    public HitDecision(Model model, Map<Strictness, Double> thresholds) {
        if (model.weights().length != PairFeatures.NAMES.size() || model.mean().length != PairFeatures.NAMES.size()
                || model.scale().length != PairFeatures.NAMES.size()) {
            throw new IllegalArgumentException("decision: " + model.weights().length + " weights (expected: "
                    + PairFeatures.NAMES.size() + ", one per feature)");
        }
        this.model = new Model(model.mean().clone(), model.scale().clone(), model.weights().clone(), model.bias());
        this.thresholds = new EnumMap<>(thresholds);
        for (Strictness s : Strictness.values()) {
            if (!this.thresholds.containsKey(s)) {
                throw new IllegalArgumentException("thresholds: no " + s.wireName() + " (expected: one per strictness)");
            }
        }
    }

    /** The weights a standardised logistic regression learned. */
    public record Model(double[] mean, double[] scale, double[] weights, double bias) {

        public double probability(double[] features) {
            double z = bias;
            for (int i = 0; i < weights.length; i++) {
                z += weights[i] * (features[i] - mean[i]) / scale[i];
            }
            return 1 / (1 + Math.exp(-z));
        }
    }

    /** The decision shipped in this module's jar. */
    public static HitDecision shipped() {
        try (InputStream in = HitDecision.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the semantic module's jar has no " + RESOURCE);
            }
            return parse(JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static HitDecision read(Path file) {
        try {
            return parse(JSON.readTree(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HitDecision parse(JsonNode root) {
        List<String> names = root.required("features").valueStream().map(JsonNode::asString).toList();
        if (!names.equals(PairFeatures.NAMES)) {
            throw new IllegalArgumentException("decision file: features " + names + " (expected: " + PairFeatures.NAMES
                    + "; retrain it with this version's SemanticDecisionTrainer)");
        }
        Model model = new Model(doubles(root.required("mean")), doubles(root.required("scale")),
                doubles(root.required("weights")), root.required("bias").asDouble());
        Map<Strictness, Double> thresholds = new EnumMap<>(Strictness.class);
        root.required("thresholds").properties().forEach(e -> {
            Strictness s = Strictness.fromWire(e.getKey());
            if (s == null) {
                throw new IllegalArgumentException("decision file: threshold " + e.getKey() + " (expected: " + Strictness.CHOICES + ")");
            }
            thresholds.put(s, e.getValue().asDouble());
        });
        return new HitDecision(model, thresholds);
    }

    private static double[] doubles(JsonNode array) {
        return array.valueStream().mapToDouble(JsonNode::asDouble).toArray();
    }

    public double threshold(Strictness strictness) {
        return thresholds.get(strictness);
    }

    /** Would an answer cached for {@code cached} fit {@code asked}, at this strictness? */
    public PairJudgement judge(TextProfile cached, TextProfile asked, double cosine, Strictness strictness) {
        Optional<String> veto = PairFeatures.veto(cached, asked);
        double score = veto.isPresent() ? 0 : probability(cached, asked, cosine);
        return new PairJudgement(cosine, score, veto.isEmpty() && score >= thresholds.get(strictness), veto);
    }

    double probability(TextProfile cached, TextProfile asked, double cosine) {
        return model.probability(PairFeatures.of(cached, asked, cosine));
    }

    /** The decision as the JSON the shipped resource holds; {@code about} is kept as its provenance. */
    public ObjectNode toJson(ObjectNode about) {
        ObjectNode root = JSON.createObjectNode();
        root.set("about", about);
        var features = root.putArray("features");
        PairFeatures.NAMES.forEach(features::add);
        put(root, "mean", model.mean());
        put(root, "scale", model.scale());
        put(root, "weights", model.weights());
        root.put("bias", model.bias());
        ObjectNode t = root.putObject("thresholds");
        thresholds.forEach((s, v) -> t.put(s.wireName(), v));
        return root;
    }

    private static void put(ObjectNode root, String name, double[] values) {
        var array = root.putArray(name);
        for (double v : values) {
            array.add(v);
        }
    }
}
