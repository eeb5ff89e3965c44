package dev.tollgate.semantic.decision;

/**
 * L2-regularised logistic regression fitted by Newton's method on standardised features: a few dozen features and
 * a few thousand pairs converge in about ten steps, exactly and reproducibly (no learning rate, no randomness).
 */
final class LogisticRegression {

    private LogisticRegression() {
    }

    static HitDecision.Model fit(double[][] x, boolean[] y, double lambda) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
            }
        }
        for (int j = 0; j < d; j++) {
            scale[j] = scale[j] < 1e-12 ? 1 : Math.sqrt(scale[j]);
        }
        double[][] z = new double[n][d + 1];
        for (int i = 0; i < n; i++) {
            z[i][d] = 1;
            for (int j = 0; j < d; j++) {
                z[i][j] = (x[i][j] - mean[j]) / scale[j];
            }
        }
        double[] w = new double[d + 1];
        for (int step = 0; step < 50; step++) {
            double[] gradient = new double[d + 1];
            double[][] hessian = new double[d + 1][d + 1];
            for (int i = 0; i < n; i++) {
                double p = sigmoid(dot(w, z[i]));
                double r = p - (y[i] ? 1 : 0);
                double s = p * (1 - p);
                for (int j = 0; j <= d; j++) {
                    gradient[j] += r * z[i][j];
                    for (int k = 0; k <= j; k++) {
                        hessian[j][k] += s * z[i][j] * z[i][k];
                    }
                }
            }
            for (int j = 0; j <= d; j++) {
                for (int k = j + 1; k <= d; k++) {
                    hessian[j][k] = hessian[k][j];
                }
                if (j < d) {
                    gradient[j] += lambda * w[j];
                    hessian[j][j] += lambda;
                }
                hessian[j][j] += 1e-9;
            }
            double[] delta = solve(hessian, gradient);
            double change = 0;
            for (int j = 0; j <= d; j++) {
                w[j] -= delta[j];
                change = Math.max(change, Math.abs(delta[j]));
            }
            if (change < 1e-8) {
                break;
            }
        }
        double[] weights = java.util.Arrays.copyOf(w, d);
        return new HitDecision.Model(mean, scale, weights, w[d]);
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Gaussian elimination with partial pivoting; {@code a} is small and positive definite. */
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = java.util.Arrays.copyOf(a[i], n + 1);
            m[i][n] = b[i];
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = m[col];
            m[col] = m[pivot];
            m[pivot] = t;
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] / m[col][col];
                for (int c = col; c <= n; c++) {
                    m[r][c] -= f * m[col][c];
                }
            }
        }
        double[] out = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int c = r + 1; c < n; c++) {
                s -= m[r][c] * out[c];
            }
            out[r] = s / m[r][r];
        }
        return out;
    }
}
