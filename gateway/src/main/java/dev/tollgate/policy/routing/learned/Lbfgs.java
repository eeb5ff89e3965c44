package dev.tollgate.policy.routing.learned;

/**
 * Limited-memory BFGS (Nocedal and Wright, "Numerical Optimization", algorithm 7.4) with a backtracking
 * line search on the Armijo condition: enough for the smooth, convex losses of the router's heads.
 */
final class Lbfgs {

    /** A differentiable function of a vector. */
    interface Objective {
        /** The value at {@code x}; writes the gradient into {@code gradient}. */
        double valueAndGradient(double[] x, double[] gradient);
    }

    private static final int MEMORY = 10;
    private static final double TOLERANCE = 1e-7;

    private Lbfgs() {
    }

    /** Minimises {@code f} starting from {@code x}, which is updated in place; returns the final value. */
    static double minimize(Objective f, double[] x, int maxIterations) {
        int n = x.length;
        double[] g = new double[n];
        double value = f.valueAndGradient(x, g);
        double[][] s = new double[MEMORY][];
        double[][] y = new double[MEMORY][];
        double[] rho = new double[MEMORY];
        double[] alpha = new double[MEMORY];
        int stored = 0;
        double[] direction = new double[n];
        double[] nextX = new double[n];
        double[] nextG = new double[n];
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            // Two-loop recursion: direction = -H g.
            for (int i = 0; i < n; i++) {
                direction[i] = -g[i];
            }
            for (int k = stored - 1; k >= 0; k--) {
                alpha[k] = rho[k] * dot(s[k], direction);
                axpy(-alpha[k], y[k], direction);
            }
            if (stored > 0) {
                double gamma = dot(s[stored - 1], y[stored - 1]) / dot(y[stored - 1], y[stored - 1]);
                for (int i = 0; i < n; i++) {
                    direction[i] *= gamma;
                }
            } else {
                double norm = Math.sqrt(dot(g, g));
                for (int i = 0; i < n; i++) {
                    direction[i] /= Math.max(norm, 1);
                }
            }
            for (int k = 0; k < stored; k++) {
                double beta = rho[k] * dot(y[k], direction);
                axpy(alpha[k] - beta, s[k], direction);
            }
            double slope = dot(g, direction);
            if (slope >= 0) {
                // Not a descent direction (numerical trouble): restart from steepest descent.
                stored = 0;
                continue;
            }
            double step = 1;
            double nextValue;
            while (true) {
                for (int i = 0; i < n; i++) {
                    nextX[i] = x[i] + step * direction[i];
                }
                nextValue = f.valueAndGradient(nextX, nextG);
                if (nextValue <= value + 1e-4 * step * slope || step < 1e-10) {
                    break;
                }
                step /= 2;
            }
            double[] sk = new double[n];
            double[] yk = new double[n];
            for (int i = 0; i < n; i++) {
                sk[i] = nextX[i] - x[i];
                yk[i] = nextG[i] - g[i];
            }
            double sy = dot(sk, yk);
            System.arraycopy(nextX, 0, x, 0, n);
            System.arraycopy(nextG, 0, g, 0, n);
            double improvement = value - nextValue;
            value = nextValue;
            if (sy > 1e-12) {
                if (stored == MEMORY) {
                    System.arraycopy(s, 1, s, 0, MEMORY - 1);
                    System.arraycopy(y, 1, y, 0, MEMORY - 1);
                    System.arraycopy(rho, 1, rho, 0, MEMORY - 1);
                    stored--;
                }
                s[stored] = sk;
                y[stored] = yk;
                rho[stored] = 1 / sy;
                stored++;
            }
            if (improvement <= TOLERANCE * Math.max(1, Math.abs(value))) {
                break;
            }
        }
        return value;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }
}
