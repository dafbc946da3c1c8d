package io.hypatia.sampler.gp.internal;

/**
 * A small box-constrained limited-memory BFGS minimiser (Nocedal and Wright 2006, algorithm 7.4
 * for the two-loop recursion) with projection onto the box: the quasi-Newton direction has its
 * components that push against an active bound removed, trial points are projected back into
 * the box, and the step is accepted on an Armijo decrease along the projected path. A
 * non-descent direction or a failed line search resets the memory to steepest descent. Not a full
 * L-BFGS-B (no generalised Cauchy point), but robust for the smooth, low-dimensional problems
 * here: GP hyper-parameters in log space and acquisition maximisation in the unit cube.
 */
final class Lbfgs {

    /** A differentiable objective: returns f(x) and writes the gradient; non-finite means "infeasible". */
    interface Objective {
        double evaluate(double[] x, double[] gradient);
    }

    record Result(double[] x, double value, int evaluations) {
    }

    private Lbfgs() {
    }

    static Result minimise(Objective f, double[] start, double[] lower, double[] upper, int maxIterations,
                           double relativeTolerance) {
        final int memory = 7;
        int n = start.length;
        double[] x = start.clone();
        project(x, lower, upper);
        double[] g = new double[n];
        double fx = f.evaluate(x, g);
        int evaluations = 1;
        if (!Double.isFinite(fx)) {
            return new Result(x, fx, evaluations);
        }
        double[][] s = new double[memory][];
        double[][] y = new double[memory][];
        double[] rho = new double[memory];
        double[] a = new double[memory];
        int stored = 0, head = 0;
        double[] xn = new double[n];
        double[] gn = new double[n];
        for (int iter = 0; iter < maxIterations; iter++) {
            // Two-loop recursion: d = -H g.
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = -g[i];
            }
            for (int k = 0; k < stored; k++) {
                int idx = Math.floorMod(head - 1 - k, memory);
                a[idx] = rho[idx] * dot(s[idx], d);
                axpy(-a[idx], y[idx], d);
            }
            if (stored > 0) {
                int last = Math.floorMod(head - 1, memory);
                double gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
                for (int i = 0; i < n; i++) {
                    d[i] *= gamma;
                }
            }
            for (int k = stored - 1; k >= 0; k--) {
                int idx = Math.floorMod(head - 1 - k, memory);
                double b = rho[idx] * dot(y[idx], d);
                axpy(a[idx] - b, s[idx], d);
            }
            freezeActive(d, x, lower, upper);
            double gd = dot(g, d);
            if (!(gd < 0)) {
                stored = 0;
                for (int i = 0; i < n; i++) {
                    d[i] = -g[i];
                }
                freezeActive(d, x, lower, upper);
                gd = dot(g, d);
                if (!(gd < 0)) {
                    break; // projected gradient is zero: a KKT point of the box problem
                }
            }
            double t = 1;
            if (stored == 0) {
                double norm = 0;
                for (double v : d) {
                    norm = Math.max(norm, Math.abs(v));
                }
                t = Math.min(1, 1 / norm);
            }
            double fn = Double.NaN;
            boolean accepted = false;
            for (int ls = 0; ls < 30; ls++) {
                for (int i = 0; i < n; i++) {
                    xn[i] = x[i] + t * d[i];
                }
                project(xn, lower, upper);
                double decrease = 0;
                for (int i = 0; i < n; i++) {
                    decrease += g[i] * (xn[i] - x[i]);
                }
                fn = f.evaluate(xn, gn);
                evaluations++;
                if (Double.isFinite(fn) && fn <= fx + 1e-4 * decrease) {
                    accepted = true;
                    break;
                }
                t *= Double.isFinite(fn) ? 0.5 : 0.1;
            }
            if (!accepted) {
                if (stored > 0) {
                    stored = 0;
                    continue;
                }
                break;
            }
            double[] sv = new double[n];
            double[] yv = new double[n];
            for (int i = 0; i < n; i++) {
                sv[i] = xn[i] - x[i];
                yv[i] = gn[i] - g[i];
            }
            double sy = dot(sv, yv);
            if (sy > 1e-12 * Math.sqrt(dot(sv, sv) * dot(yv, yv))) {
                s[head] = sv;
                y[head] = yv;
                rho[head] = 1 / sy;
                head = (head + 1) % memory;
                stored = Math.min(stored + 1, memory);
            }
            double previous = fx;
            System.arraycopy(xn, 0, x, 0, n);
            System.arraycopy(gn, 0, g, 0, n);
            fx = fn;
            if (previous - fx <= relativeTolerance * Math.max(1, Math.abs(fx))) {
                break;
            }
        }
        return new Result(x, fx, evaluations);
    }

    private static void freezeActive(double[] d, double[] x, double[] lower, double[] upper) {
        for (int i = 0; i < d.length; i++) {
            if ((x[i] <= lower[i] && d[i] < 0) || (x[i] >= upper[i] && d[i] > 0)) {
                d[i] = 0;
            }
        }
    }

    static void project(double[] x, double[] lower, double[] upper) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.min(upper[i], Math.max(lower[i], x[i]));
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double alpha, double[] xv, double[] yv) {
        for (int i = 0; i < yv.length; i++) {
            yv[i] += alpha * xv[i];
        }
    }
}
