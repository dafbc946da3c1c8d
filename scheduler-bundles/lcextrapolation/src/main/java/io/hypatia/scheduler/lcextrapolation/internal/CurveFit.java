package io.hypatia.scheduler.lcextrapolation.internal;

import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.apache.commons.math3.util.Pair;

/**
 * A least-squares fit of one {@link CurveFamily} to a partial curve, with a Gaussian predictive
 * distribution for the value at a later point: residual variance plus the parameter uncertainty
 * of the linearised model (covariance {@code sigma^2 (J^T J)^+}).
 *
 * <p>The fit is cheap by construction: a coarse grid over the shape parameters (the offset and
 * scale are solved in closed form at every grid point), then Levenberg-Marquardt from the best
 * grid point over all parameters.
 *
 * @param family the curve family
 * @param params (c, a, log theta...)
 * @param rss    residual sum of squares
 * @param n      number of points fitted
 * @param sigma2 residual variance {@code rss / (n - p)}
 * @param cov    parameter covariance, p x p
 */
record CurveFit(CurveFamily family, double[] params, double rss, int n, double sigma2, double[][] cov) {
    private static final int GRID_1D = 24;
    private static final int GRID_2D = 12;
    private static final double RSS_FLOOR = 1e-12;

    int parameters() {
        return 2 + family.shapes();
    }

    /** Bayesian information criterion; lower is better. */
    double bic() {
        return n * Math.log(Math.max(rss / n, RSS_FLOOR)) + parameters() * Math.log(n);
    }

    /** Predicted mean at {@code x}. */
    double mean(double x) {
        return value(family, params, x);
    }

    /** Predictive variance at {@code x}: noise plus parameter uncertainty. */
    double variance(double x) {
        double[] j = gradient(family, params, x);
        double v = sigma2;
        for (int r = 0; r < j.length; r++) {
            for (int c = 0; c < j.length; c++) {
                v += j[r] * cov[r][c] * j[c];
            }
        }
        return Math.max(v, sigma2);
    }

    /** Fits {@code family} to the points (x_i, y_i), x_i >= 1; null when there are too few points. */
    static CurveFit fit(CurveFamily family, double[] x, double[] y) {
        int n = x.length;
        int p = 2 + family.shapes();
        if (n <= p) {
            return null;
        }
        double[] start = gridStart(family, x, y);
        double[] best = start;
        try {
            LeastSquaresOptimizer.Optimum optimum = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
                    .start(start)
                    .model(point -> {
                        double[] q = point.toArray();
                        double[][] jac = new double[n][];
                        double[] values = new double[n];
                        Shapes shapes = new Shapes(family, q);
                        for (int i = 0; i < n; i++) {
                            jac[i] = shapes.gradient(x[i]);
                            values[i] = q[0] - q[1] * shapes.g(x[i]);
                        }
                        return new Pair<RealVector, RealMatrix>(new ArrayRealVector(values, false),
                                new Array2DRowRealMatrix(jac, false));
                    })
                    .parameterValidator(point -> new ArrayRealVector(clamp(family, point.toArray()), false))
                    .target(y)
                    .maxEvaluations(60)
                    .maxIterations(60)
                    .build());
            double[] polished = optimum.getPoint().toArray();
            if (rss(family, polished, x, y) <= rss(family, start, x, y)) {
                best = polished;
            }
        } catch (RuntimeException notConverged) {
            // keep the grid optimum: a fit that did not converge in its budget is still a fit
        }
        double rss = rss(family, best, x, y);
        double sigma2 = Math.max(rss / (n - p), RSS_FLOOR);
        double[][] jac = new double[n][];
        for (int i = 0; i < n; i++) {
            jac[i] = gradient(family, best, x[i]);
        }
        RealMatrix jm = new Array2DRowRealMatrix(jac, false);
        RealMatrix cov = new SingularValueDecomposition(jm.transpose().multiply(jm)).getSolver().getInverse()
                .scalarMultiply(sigma2);
        return new CurveFit(family, best, rss, n, sigma2, cov.getData());
    }

    /** The best point of a log-spaced grid over the shapes, with c and a solved in closed form (a >= 0). */
    private static double[] gridStart(CurveFamily family, double[] x, double[] y) {
        int shapes = family.shapes();
        int per = shapes == 1 ? GRID_1D : GRID_2D;
        int points = shapes == 0 ? 1 : (int) Math.pow(per, shapes);
        double[] theta = new double[shapes];
        double[] g = new double[x.length];
        double bestRss = Double.POSITIVE_INFINITY;
        double[] best = null;
        for (int k = 0; k < points; k++) {
            int rest = k;
            for (int s = 0; s < shapes; s++) {
                double lo = Math.log(family.low(s));
                double hi = Math.log(family.high(s));
                theta[s] = Math.exp(lo + (hi - lo) * (rest % per) / (per - 1));
                rest /= per;
            }
            for (int i = 0; i < x.length; i++) {
                g[i] = family.g(x[i], theta);
            }
            double[] ca = offsetAndScale(g, y);
            double rss = 0;
            for (int i = 0; i < x.length; i++) {
                double r = y[i] - (ca[0] - ca[1] * g[i]);
                rss += r * r;
            }
            if (rss < bestRss) {
                bestRss = rss;
                best = new double[2 + shapes];
                best[0] = ca[0];
                best[1] = ca[1];
                for (int s = 0; s < shapes; s++) {
                    best[2 + s] = Math.log(theta[s]);
                }
            }
        }
        return best;
    }

    /** Least squares of y on (1, -g) with the scale a held at >= 0 (an improving curve). */
    private static double[] offsetAndScale(double[] g, double[] y) {
        double mg = 0, my = 0;
        for (int i = 0; i < g.length; i++) {
            mg += g[i];
            my += y[i];
        }
        mg /= g.length;
        my /= g.length;
        double sgg = 0, sgy = 0;
        for (int i = 0; i < g.length; i++) {
            sgg += (g[i] - mg) * (g[i] - mg);
            sgy += (g[i] - mg) * (y[i] - my);
        }
        double a = sgg > 0 ? Math.max(0, -sgy / sgg) : 0;
        return new double[] {my + a * mg, a};
    }

    private static double[] theta(CurveFamily family, double[] p) {
        double[] t = new double[family.shapes()];
        for (int s = 0; s < t.length; s++) {
            t[s] = Math.exp(p[2 + s]);
        }
        return t;
    }

    private static double value(CurveFamily family, double[] p, double x) {
        return p[0] - p[1] * family.g(x, theta(family, p));
    }

    /** d value / d (c, a, log theta...) at {@code x}. */
    private static double[] gradient(CurveFamily family, double[] p, double x) {
        return new Shapes(family, p).gradient(x);
    }

    /**
     * The shape parameters of one parameter vector and their central-difference neighbours,
     * computed once so a Jacobian costs no allocation or exp per point beyond the family's own.
     */
    private static final class Shapes {
        private static final double H = 1e-5;
        private final CurveFamily family;
        private final double a;
        private final double[] theta;
        private final double[][] up;
        private final double[][] down;

        Shapes(CurveFamily family, double[] p) {
            this.family = family;
            this.a = p[1];
            this.theta = theta(family, p);
            int k = theta.length;
            up = new double[k][];
            down = new double[k][];
            for (int s = 0; s < k; s++) {
                up[s] = theta.clone();
                down[s] = theta.clone();
                up[s][s] = Math.exp(p[2 + s] + H);
                down[s][s] = Math.exp(p[2 + s] - H);
            }
        }

        double g(double x) {
            return family.g(x, theta);
        }

        double[] gradient(double x) {
            double[] d = new double[2 + theta.length];
            d[0] = 1;
            d[1] = -family.g(x, theta);
            for (int s = 0; s < theta.length; s++) {
                d[2 + s] = -a * (family.g(x, up[s]) - family.g(x, down[s])) / (2 * H);
            }
            return d;
        }
    }

    private static double[] clamp(CurveFamily family, double[] p) {
        double[] q = p.clone();
        q[1] = Math.max(0, q[1]);
        for (int s = 0; s < family.shapes(); s++) {
            q[2 + s] = Math.min(Math.log(family.high(s)), Math.max(Math.log(family.low(s)), q[2 + s]));
        }
        return q;
    }

    private static double rss(CurveFamily family, double[] p, double[] x, double[] y) {
        double rss = 0;
        for (int i = 0; i < x.length; i++) {
            double r = y[i] - value(family, p, x[i]);
            rss += r * r;
        }
        return rss;
    }
}
