package io.hypatia.sampler.gp.internal;

/**
 * The Yeo-Johnson power transform (Yeo and Johnson 2000, "A new family of power transformations
 * to improve normality or symmetry") of standardised losses, with the exponent λ chosen by
 * maximum likelihood, as an optional output warping before the GP fit (HEBO, Cowen-Rivers et al.
 * 2022, warp outputs this way). Losses spanning orders of magnitude (Rosenbrock: a few huge
 * values, most near the floor) make a stationary GP on the raw values spend its signal variance on
 * the outliers; a λ below 1 compresses the large losses (λ = 0 is log(1 + y) for y ≥ 0) and keeps
 * the ordering, so the minimiser of the warped loss is that of the loss.
 */
final class YeoJohnson {
    /** λ is searched on a grid of this step over [{@value #MIN_LAMBDA}, {@value #MAX_LAMBDA}], then refined. */
    private static final double MIN_LAMBDA = -3;
    private static final double MAX_LAMBDA = 3;
    private static final double STEP = 0.05;

    private YeoJohnson() {
    }

    /** The losses standardised, then transformed with the maximum-likelihood λ. */
    static double[] warp(double[] losses) {
        double[] z = Surrogates.standardise(losses);
        double lambda = fitLambda(z);
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = transform(z[i], lambda);
        }
        return out;
    }

    static double transform(double y, double lambda) {
        if (y >= 0) {
            return Math.abs(lambda) < 1e-12 ? Math.log1p(y) : (Math.pow(1 + y, lambda) - 1) / lambda;
        }
        return Math.abs(lambda - 2) < 1e-12 ? -Math.log1p(-y) : -(Math.pow(1 - y, 2 - lambda) - 1) / (2 - lambda);
    }

    /**
     * The λ maximising the Gaussian profile log-likelihood of the transformed values,
     * {@code -n/2 log σ²(λ) + (λ - 1) Σ sign(y) log(1 + |y|)}: the best of a grid, then a
     * golden-section search in the grid cell on either side of it.
     */
    static double fitLambda(double[] y) {
        if (y.length < 3) {
            return 1;
        }
        double jacobian = 0;
        for (double v : y) {
            jacobian += Math.signum(v) * Math.log1p(Math.abs(v));
        }
        double best = 1, bestValue = logLikelihood(y, 1, jacobian);
        for (double l = MIN_LAMBDA; l <= MAX_LAMBDA + 1e-9; l += STEP) {
            double v = logLikelihood(y, l, jacobian);
            if (v > bestValue) {
                bestValue = v;
                best = l;
            }
        }
        double a = Math.max(MIN_LAMBDA, best - STEP), b = Math.min(MAX_LAMBDA, best + STEP);
        double g = (Math.sqrt(5) - 1) / 2;
        for (int i = 0; i < 30; i++) {
            double c = b - g * (b - a), d = a + g * (b - a);
            if (logLikelihood(y, c, jacobian) > logLikelihood(y, d, jacobian)) {
                b = d;
            } else {
                a = c;
            }
        }
        double refined = (a + b) / 2;
        return logLikelihood(y, refined, jacobian) > bestValue ? refined : best;
    }

    private static double logLikelihood(double[] y, double lambda, double jacobian) {
        double mean = 0;
        double[] t = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            t[i] = transform(y[i], lambda);
            mean += t[i];
        }
        mean /= y.length;
        double var = 0;
        for (double v : t) {
            var += (v - mean) * (v - mean);
        }
        var /= y.length;
        if (!(var > 0) || !Double.isFinite(var)) {
            return Double.NEGATIVE_INFINITY;
        }
        return -0.5 * y.length * Math.log(var) + (lambda - 1) * jacobian;
    }
}
