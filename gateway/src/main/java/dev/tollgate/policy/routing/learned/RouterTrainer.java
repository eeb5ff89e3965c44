package dev.tollgate.policy.routing.learned;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Trains a {@link RouterModel} from labelled prompts (stacking, Wolpert 1992):
 *
 * <ol>
 *   <li>Every prompt is featurized once.</li>
 *   <li>The rows are cut into {@link TrainingSettings#folds()} folds. For each fold the four heads are
 *       trained on the other folds and predict the fold, so every row gets head outputs from heads that
 *       never saw it (out-of-fold). The source heads learn each row's source accuracy, computed from the
 *       training folds only and pulled towards the overall accuracy by {@link TrainingSettings#sourcePrior()}.</li>
 *   <li>The boosted trees learn the gain ({@code strong correct - weak correct}) from the out-of-fold head
 *       outputs and the {@link PromptSignals}; a seeded {@link TrainingSettings#validShare()} of the rows
 *       only decides when they stop.</li>
 *   <li>The heads are trained once more on all rows: those are the model's heads.</li>
 *   <li>Operating points are calibrated on the calibration set when one is given (the {@code --dev}
 *       file), else on the validation rows' out-of-fold scores.</li>
 * </ol>
 *
 * Head weights are rounded to half precision before calibration, as the model file stores them, so a
 * trained model and the same model read back from its file score identically.
 */
public final class RouterTrainer {

    /** A trained model with the figures seen while training it. */
    public record Result(RouterModel model, double crossValidatedApgr, double validApgr, Optional<RoutingCurve> calibration) {
    }

    private final TrainingSettings settings;
    private final Consumer<String> progress;

    public RouterTrainer(TrainingSettings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public Result train(List<LabelledPrompt> rows, Optional<List<LabelledPrompt>> calibration, String trainedOn) {
        if (rows.size() < 4 * settings.folds()) {
            throw new RouterDataException("too few labelled prompts to train on: " + rows.size() + " (expected: at least "
                    + 4 * settings.folds() + ")");
        }
        HashedNgramFeaturizer featurizer = new HashedNgramFeaturizer(settings.featurizer());
        int signalChars = settings.featurizer().maxTextChars();
        long start = System.nanoTime();
        List<SparseFeatures> xs = rows.parallelStream().map(r -> featurizer.featurize(r.prompt())).toList();
        List<float[]> signals = rows.parallelStream().map(r -> PromptSignals.of(r.prompt(), signalChars)).toList();
        progress.accept(String.format(Locale.ROOT, "featurized %d prompts in %.1f s", rows.size(), (System.nanoTime() - start) / 1e9));

        int[] fold = folds(rows.size());
        double[][] outOfFold = new double[rows.size()][];
        try (ExecutorService pool = Executors.newFixedThreadPool(settings.threads())) {
            for (int f = 0; f < settings.folds(); f++) {
                boolean[] inTraining = new boolean[rows.size()];
                for (int i = 0; i < rows.size(); i++) {
                    inTraining[i] = fold[i] != f;
                }
                List<LogisticHead> heads = trainHeads(pool, rows, xs, inTraining, featurizer.dimension());
                for (int i = 0; i < rows.size(); i++) {
                    if (!inTraining[i]) {
                        outOfFold[i] = probabilities(heads, xs.get(i));
                    }
                }
                progress.accept("fold " + (f + 1) + "/" + settings.folds() + " trained");
            }
            boolean[] all = new boolean[rows.size()];
            java.util.Arrays.fill(all, true);
            List<LogisticHead> heads = trainHeads(pool, rows, xs, all, featurizer.dimension()).stream().map(RouterTrainer::halfPrecision).toList();
            progress.accept("heads trained on all " + rows.size() + " prompts");
            return finish(rows, calibration, trainedOn, featurizer, signalChars, signals, outOfFold, heads, fold);
        }
    }

    private Result finish(List<LabelledPrompt> rows, Optional<List<LabelledPrompt>> calibration, String trainedOn,
                          HashedNgramFeaturizer featurizer, int signalChars, List<float[]> signals, double[][] outOfFold,
                          List<LogisticHead> heads, int[] fold) {
        progress.accept(String.format(Locale.ROOT, "out-of-fold APGR of the heads alone: strong - weak %.4f, source strong - source weak %.4f",
                headApgr(rows, outOfFold, 1, 0), headApgr(rows, outOfFold, 3, 2)));
        boolean[] valid = validRows(rows.size());
        float[][] stacked = new float[rows.size()][];
        double[] gain = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            stacked[i] = RouterModel.stackedInputs(outOfFold[i], signals.get(i));
            gain[i] = rows.get(i).gain();
        }
        // Cross-validated figure of the whole model: trees per fold, each scoring the fold whose heads were out-of-fold too.
        double[] crossScores = new double[rows.size()];
        for (int f = 0; f < settings.folds(); f++) {
            int heldOut = f;
            BoostedTrees foldTrees = trainTrees(stacked, gain, i -> fold[i] != heldOut && !valid[i], i -> fold[i] != heldOut && valid[i]);
            for (int i = 0; i < rows.size(); i++) {
                if (fold[i] == f) {
                    crossScores[i] = RouterModel.scoreFromGain(foldTrees.predict(stacked[i]));
                }
            }
        }
        double crossApgr = RouterEvaluation.curve(rows, crossScores).apgr();
        progress.accept(String.format(Locale.ROOT, "cross-validated APGR on the training file: %.4f", crossApgr));

        BoostedTrees trees = trainTrees(stacked, gain, i -> !valid[i], i -> valid[i]);
        progress.accept(trees.trees() + " trees");
        List<RoutingCurve.Point> validPoints = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (valid[i]) {
                LabelledPrompt r = rows.get(i);
                validPoints.add(new RoutingCurve.Point(RouterModel.scoreFromGain(trees.predict(stacked[i])), r.weakCorrect(), r.strongCorrect()));
            }
        }
        RoutingCurve validCurve = RoutingCurve.of(validPoints);
        Map<String, String> training = new LinkedHashMap<>();
        training.put("trained_on", trainedOn + " (" + rows.size() + " prompts)");
        training.put("settings", settings.toString());
        training.put("trees", Integer.toString(trees.trees()));
        RouterModel provisional = new RouterModel(featurizer, signalChars, heads, trees, OperatingPoints.calibrate(validCurve), training);
        Optional<RoutingCurve> calibrationCurve = calibration.map(c -> RouterEvaluation.curve(provisional, c));
        RoutingCurve pointsFrom = calibrationCurve.orElse(validCurve);
        training.put("cross_validated_apgr", format(crossApgr));
        training.put("valid_apgr", format(validCurve.apgr()));
        training.put("calibrated_on", calibration.isPresent() ? "the --dev file (" + pointsFrom.size() + " prompts)"
                : "the validation rows of the training file (" + pointsFrom.size() + " prompts, out-of-fold heads)");
        calibrationCurve.ifPresent(c -> training.put("dev_apgr", format(c.apgr())));
        RouterModel model = new RouterModel(featurizer, signalChars, heads, trees, OperatingPoints.calibrate(pointsFrom), training);
        return new Result(model, crossApgr, validCurve.apgr(), calibrationCurve);
    }

    private BoostedTrees trainTrees(float[][] x, double[] y, java.util.function.IntPredicate fit, java.util.function.IntPredicate stop) {
        List<float[]> fitX = new ArrayList<>();
        List<Double> fitY = new ArrayList<>();
        List<float[]> stopX = new ArrayList<>();
        List<Double> stopY = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (fit.test(i)) {
                fitX.add(x[i]);
                fitY.add(y[i]);
            } else if (stop.test(i)) {
                stopX.add(x[i]);
                stopY.add(y[i]);
            }
        }
        return new BoostedTreesTrainer(settings.trees()).train(fitX.toArray(float[][]::new), fitY.stream().mapToDouble(Double::doubleValue).toArray(),
                stopX.toArray(float[][]::new), stopY.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double headApgr(List<LabelledPrompt> rows, double[][] outOfFold, int plus, int minus) {
        double[] scores = new double[rows.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = outOfFold[i][plus] - outOfFold[i][minus];
        }
        return RouterEvaluation.curve(rows, scores).apgr();
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private List<LogisticHead> trainHeads(ExecutorService pool, List<LabelledPrompt> rows, List<SparseFeatures> xs, boolean[] use, int dimension) {
        List<SparseFeatures> x = new ArrayList<>();
        List<LabelledPrompt> used = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (use[i]) {
                x.add(xs.get(i));
                used.add(rows.get(i));
            }
        }
        double[][] targets = targets(used);
        List<Future<LogisticHead>> futures = new ArrayList<>();
        for (double[] t : targets) {
            futures.add(pool.submit(() -> LogisticHead.train(x, t, dimension, settings.head())));
        }
        List<LogisticHead> heads = new ArrayList<>();
        for (Future<LogisticHead> f : futures) {
            try {
                heads.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("training interrupted", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }
        return heads;
    }

    /** The four heads' targets: weak correct, strong correct, and the row's source's smoothed accuracies. */
    private double[][] targets(List<LabelledPrompt> rows) {
        int n = rows.size();
        double[] weak = new double[n];
        double[] strong = new double[n];
        Map<String, double[]> bySource = new HashMap<>();
        double weakTotal = 0;
        double strongTotal = 0;
        for (int i = 0; i < n; i++) {
            LabelledPrompt r = rows.get(i);
            weak[i] = r.weakCorrect() ? 1 : 0;
            strong[i] = r.strongCorrect() ? 1 : 0;
            weakTotal += weak[i];
            strongTotal += strong[i];
            double[] s = bySource.computeIfAbsent(r.source(), k -> new double[3]);
            s[0] += weak[i];
            s[1] += strong[i];
            s[2]++;
        }
        double m = settings.sourcePrior();
        double weakMean = weakTotal / n;
        double strongMean = strongTotal / n;
        double[] sourceWeak = new double[n];
        double[] sourceStrong = new double[n];
        for (int i = 0; i < n; i++) {
            double[] s = bySource.get(rows.get(i).source());
            sourceWeak[i] = (s[0] + m * weakMean) / (s[2] + m);
            sourceStrong[i] = (s[1] + m * strongMean) / (s[2] + m);
        }
        return new double[][] {weak, strong, sourceWeak, sourceStrong};
    }

    private static double[] probabilities(List<LogisticHead> heads, SparseFeatures x) {
        double[] p = new double[heads.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = heads.get(i).probability(x);
        }
        return p;
    }

    private int[] folds(int n) {
        int[] order = shuffled(n, settings.seed());
        int[] fold = new int[n];
        for (int i = 0; i < n; i++) {
            fold[order[i]] = i % settings.folds();
        }
        return fold;
    }

    private boolean[] validRows(int n) {
        int[] order = shuffled(n, settings.seed() + 1);
        boolean[] valid = new boolean[n];
        int count = (int) Math.round(n * settings.validShare());
        for (int i = 0; i < count; i++) {
            valid[order[i]] = true;
        }
        return valid;
    }

    private static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        java.util.Arrays.setAll(order, i -> i);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** The head as the model file stores it: weights rounded to half precision. */
    static LogisticHead halfPrecision(LogisticHead head) {
        float[] w = head.weights().clone();
        for (int i = 0; i < w.length; i++) {
            w[i] = Float.float16ToFloat(Float.floatToFloat16(w[i]));
        }
        return new LogisticHead(w, head.bias());
    }
}
