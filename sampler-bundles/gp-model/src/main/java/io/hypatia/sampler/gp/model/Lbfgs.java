package io.hypatia.sampler.gp.model;

/**
 * A small box-constrained limited-memory BFGS minimiser (Nocedal and Wright 2006, algorithm 7.4
 * for the two-loop recursion) with projection onto the box: variables at a bound whose gradient
 * pushes outwards are held fixed and the quasi-Newton direction is computed in the subspace of
 * the others (as projected quasi-Newton methods do), trial points are projected back into
 * the box, and the step is accepted on an Armijo decrease along the projected path. A
 * non-descent direction or a failed line search resets the memory to steepest descent. Not a full
 * L-BFGS-B (no generalised Cauchy point), but robust for the smooth, low-dimensional problems
 * here: GP hyper-parameters in log space and acquisition maximisation in the unit cube.
 */
public final class Lbfgs {

    /** A differentiable objective: returns f(x) and writes the gradient; non-finite means "infeasible". */
    public interface Objective {
        double evaluate(double[] x, double[] gradient);
    }

    public record Result(double[] x, double value, int evaluations) {
    }

    private Lbfgs() {
    }

    public static Result minimise(Objective f, double[] start, double[] lower, double[] upper, int maxIterations,
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
        boolean[] free = new boolean[n];
        for (int iter = 0; iter < maxIterations; iter++) {
            // Variables held at a bound by their gradient are fixed for this iteration, and the
            // two-loop recursion runs in the subspace of the others (pairs restricted to it). A
            // direction computed in the full space and then cut at the bounds is often not a
            // descent direction, which reset the memory again and again and made every other step
            // a short steepest-descent one.
            for (int i = 0; i < n; i++) {
                free[i] = !((x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0));
            }
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = free[i] ? -g[i] : 0;
            }
            int newest = -1;
            for (int k = 0; k < stored; k++) {
                int idx = Math.floorMod(head - 1 - k, memory);
                double sy = dot(s[idx], y[idx], free);
                if (!(sy > 1e-12 * Math.sqrt(dot(s[idx], s[idx], free) * dot(y[idx], y[idx], free)))) {
                    rho[idx] = 0; // curvature lost in this subspace: skip the pair
                    continue;
                }
                rho[idx] = 1 / sy;
                if (newest < 0) {
                    newest = idx;
                }
                a[idx] = rho[idx] * dot(s[idx], d, free);
                axpy(-a[idx], y[idx], d, free);
            }
            if (newest >= 0) {
                double gamma = dot(s[newest], y[newest], free) / dot(y[newest], y[newest], free);
                for (int i = 0; i < n; i++) {
                    d[i] *= gamma;
                }
            }
            for (int k = stored - 1; k >= 0; k--) {
                int idx = Math.floorMod(head - 1 - k, memory);
                if (rho[idx] == 0) {
                    continue;
                }
                double b = rho[idx] * dot(y[idx], d, free);
                axpy(a[idx] - b, s[idx], d, free);
            }
            freezeActive(d, x, lower, upper);
            double gd = dot(g, d);
            if (!(gd < 0)) {
                stored = 0;
                newest = -1;
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
            if (newest < 0) {
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

    public static void project(double[] x, double[] lower, double[] upper) {
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

    private static double dot(double[] a, double[] b, boolean[] mask) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            if (mask[i]) {
                s += a[i] * b[i];
            }
        }
        return s;
    }

    private static void axpy(double alpha, double[] xv, double[] yv, boolean[] mask) {
        for (int i = 0; i < yv.length; i++) {
            if (mask[i]) {
                yv[i] += alpha * xv[i];
            }
        }
    }

    private static void axpy(double alpha, double[] xv, double[] yv) {
        for (int i = 0; i < yv.length; i++) {
            yv[i] += alpha * xv[i];
        }
    }
}
