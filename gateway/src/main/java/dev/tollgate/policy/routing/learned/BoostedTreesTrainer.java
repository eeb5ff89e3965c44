package dev.tollgate.policy.routing.learned;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Gradient boosting of regression trees on squared loss (Friedman's gradient boosting, the histogram
 * variant of LightGBM and XGBoost's {@code hist}): every feature is cut into at most {@link Settings#bins()}
 * quantile bins once, each tree grows depth-first to {@link Settings#depth()} choosing the split with the
 * largest loss reduction {@code G_l²/(n_l+λ) + G_r²/(n_r+λ) - G²/(n+λ)}, leaves hold
 * {@code -rate · G/(n+λ)}, and each tree sees a seeded random {@link Settings#subsample()} of the rows.
 * Boosting stops after {@link Settings#maxTrees()} trees, or earlier when the validation loss has not
 * improved for {@link Settings#patience()} trees (the best prefix is kept).
 */
public final class BoostedTreesTrainer {

    public record Settings(int maxTrees, double rate, int depth, int bins, int minLeaf, double lambda, double subsample,
                    int patience, long seed) {
        public Settings {
            if (maxTrees < 1 || !(rate > 0 && rate <= 1) || depth < 1 || depth > 8 || bins < 2 || bins > 255 || minLeaf < 1
                    || !(lambda >= 0) || !(subsample > 0 && subsample <= 1) || patience < 1) {
                throw new IllegalArgumentException("boosted-trees settings out of range: " + this);
            }
        }
    }

    private final Settings settings;

    BoostedTreesTrainer(Settings settings) {
        this.settings = settings;
    }

    /** Fits {@code y} from the rows {@code x}; {@code validX}/{@code validY} decide when to stop. */
    BoostedTrees train(float[][] x, double[] y, float[][] validX, double[] validY) {
        int n = x.length;
        int features = x[0].length;
        float[][] cuts = new float[features][];
        byte[][] binned = new byte[features][n];
        for (int f = 0; f < features; f++) {
            cuts[f] = cuts(x, f);
            for (int i = 0; i < n; i++) {
                binned[f][i] = (byte) bin(cuts[f], x[i][f]);
            }
        }
        double base = Arrays.stream(y).average().orElse(0);
        double[] prediction = new double[n];
        Arrays.fill(prediction, base);
        double[] validPrediction = new double[validX.length];
        Arrays.fill(validPrediction, base);
        Nodes nodes = new Nodes();
        List<Integer> roots = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(settings.seed());
        double bestLoss = mse(validPrediction, validY);
        int bestTrees = 0;
        int bestNodes = 0;
        double[] residual = new double[n];
        for (int t = 0; t < settings.maxTrees(); t++) {
            for (int i = 0; i < n; i++) {
                residual[i] = y[i] - prediction[i];
            }
            int[] rows = sample(n, random);
            int root = grow(nodes, binned, cuts, residual, rows, 0);
            roots.add(root);
            for (int i = 0; i < n; i++) {
                prediction[i] += nodes.predict(root, x[i]);
            }
            for (int i = 0; i < validX.length; i++) {
                validPrediction[i] += nodes.predict(root, validX[i]);
            }
            double loss = mse(validPrediction, validY);
            if (loss < bestLoss - 1e-12) {
                bestLoss = loss;
                bestTrees = roots.size();
                bestNodes = nodes.size();
            } else if (roots.size() - bestTrees >= settings.patience()) {
                break;
            }
        }
        return nodes.build(base, roots.subList(0, bestTrees), bestNodes);
    }

    private int[] sample(int n, SplittableRandom random) {
        if (settings.subsample() >= 1) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int[] rows = new int[n];
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (random.nextDouble() < settings.subsample()) {
                rows[size++] = i;
            }
        }
        return Arrays.copyOf(rows, size);
    }

    /** Cut points between quantiles of feature f: a value v falls in bin {@code #cuts < v}... see {@link #bin}. */
    private float[] cuts(float[][] x, int f) {
        float[] values = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            values[i] = x[i][f];
        }
        Arrays.sort(values);
        float[] out = new float[settings.bins() - 1];
        int size = 0;
        for (int b = 1; b < settings.bins(); b++) {
            float cut = values[(int) ((long) b * (values.length - 1) / settings.bins())];
            if (size == 0 || cut > out[size - 1]) {
                out[size++] = cut;
            }
        }
        // The largest value needs no cut above it.
        if (size > 0 && out[size - 1] >= values[values.length - 1]) {
            size--;
        }
        return Arrays.copyOf(out, size);
    }

    /** The number of cuts below v: bin b holds values in (cuts[b-1], cuts[b]]. */
    private static int bin(float[] cuts, float v) {
        int lo = 0;
        int hi = cuts.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cuts[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int grow(Nodes nodes, byte[][] binned, float[][] cuts, double[] residual, int[] rows, int depth) {
        double sum = 0;
        for (int r : rows) {
            sum += residual[r];
        }
        int self = nodes.addLeaf((float) (settings.rate() * sum / (rows.length + settings.lambda())));
        if (depth >= settings.depth() || rows.length < 2 * settings.minLeaf()) {
            return self;
        }
        Split best = bestSplit(binned, cuts, residual, rows, sum);
        if (best == null) {
            return self;
        }
        int leftCount = 0;
        for (int r : rows) {
            if ((binned[best.feature][r] & 0xff) <= best.bin) {
                leftCount++;
            }
        }
        int[] leftRows = new int[leftCount];
        int[] rightRows = new int[rows.length - leftCount];
        int l = 0;
        int rr = 0;
        for (int r : rows) {
            if ((binned[best.feature][r] & 0xff) <= best.bin) {
                leftRows[l++] = r;
            } else {
                rightRows[rr++] = r;
            }
        }
        int left = grow(nodes, binned, cuts, residual, leftRows, depth + 1);
        int right = grow(nodes, binned, cuts, residual, rightRows, depth + 1);
        nodes.split(self, best.feature, cuts[best.feature][best.bin], left, right);
        return self;
    }

    private record Split(int feature, int bin, double gain) {
    }

    private Split bestSplit(byte[][] binned, float[][] cuts, double[] residual, int[] rows, double sum) {
        double lambda = settings.lambda();
        double parent = sum * sum / (rows.length + lambda);
        Split best = null;
        for (int f = 0; f < binned.length; f++) {
            int bins = cuts[f].length + 1;
            if (bins < 2) {
                continue;
            }
            double[] sums = new double[bins];
            int[] counts = new int[bins];
            byte[] column = binned[f];
            for (int r : rows) {
                int b = column[r] & 0xff;
                sums[b] += residual[r];
                counts[b]++;
            }
            double leftSum = 0;
            int leftCount = 0;
            // A split after bin b (b < bins - 1) sends bins 0..b left; its threshold is cuts[f][b].
            for (int b = 0; b < bins - 1; b++) {
                leftSum += sums[b];
                leftCount += counts[b];
                int rightCount = rows.length - leftCount;
                if (leftCount < settings.minLeaf() || rightCount < settings.minLeaf()) {
                    continue;
                }
                double rightSum = sum - leftSum;
                double gain = leftSum * leftSum / (leftCount + lambda) + rightSum * rightSum / (rightCount + lambda) - parent;
                if (gain > 1e-12 && (best == null || gain > best.gain)) {
                    best = new Split(f, b, gain);
                }
            }
        }
        return best;
    }

    private static double mse(double[] prediction, double[] y) {
        if (y.length == 0) {
            return 0;
        }
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            double d = prediction[i] - y[i];
            sum += d * d;
        }
        return sum / y.length;
    }

    /** Growable node arrays, in the pre-order the trees are grown in (children after their parent). */
    private static final class Nodes {
        private int size;
        private int[] feature = new int[256];
        private float[] threshold = new float[256];
        private int[] left = new int[256];
        private int[] right = new int[256];
        private float[] value = new float[256];

        int size() {
            return size;
        }

        int addLeaf(float leafValue) {
            if (size == feature.length) {
                int capacity = size * 2;
                feature = Arrays.copyOf(feature, capacity);
                threshold = Arrays.copyOf(threshold, capacity);
                left = Arrays.copyOf(left, capacity);
                right = Arrays.copyOf(right, capacity);
                value = Arrays.copyOf(value, capacity);
            }
            feature[size] = -1;
            value[size] = leafValue;
            return size++;
        }

        void split(int node, int f, float cut, int l, int r) {
            feature[node] = f;
            threshold[node] = cut;
            left[node] = l;
            right[node] = r;
            value[node] = 0;
        }

        double predict(int root, float[] x) {
            int node = root;
            while (feature[node] >= 0) {
                node = x[feature[node]] <= threshold[node] ? left[node] : right[node];
            }
            return value[node];
        }

        BoostedTrees build(double base, List<Integer> roots, int nodeCount) {
            return new BoostedTrees(base, roots.stream().mapToInt(Integer::intValue).toArray(), Arrays.copyOf(feature, nodeCount),
                    Arrays.copyOf(threshold, nodeCount), Arrays.copyOf(left, nodeCount), Arrays.copyOf(right, nodeCount),
                    Arrays.copyOf(value, nodeCount));
        }
    }
}
