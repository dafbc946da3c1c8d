package io.hypatia.sampler.gp.internal;

import io.hypatia.sampler.gp.model.GaussianProcess;
import io.hypatia.sampler.gp.model.LogEi;
import java.util.List;

/**
 * Constrained log expected improvement (minimisation of a standardised loss):
 * <pre>a(x) = log EI(x) + Σ_j log P(c_j(x) ≤ 0)</pre>
 * i.e. EI times the probability of feasibility under independent constraint GPs (Gardner et al.
 * 2014, "Bayesian Optimization with Inequality Constraints"), in log space (Ament et al. 2023).
 * The incumbent is the best <em>feasible</em> observed loss. While no observation is feasible
 * the EI factor is dropped and the acquisition is the probability of feasibility alone, so the
 * search first looks for the feasible region.
 */
final class Acquisition {

    /** One constraint's model: a GP on the standardised constraint value and the standardised threshold 0. */
    record Constraint(GaussianProcess gp, double threshold) {
    }

    private final GaussianProcess objective;
    private final Double incumbent;
    private final List<Constraint> constraints;

    /**
     * @param incumbent best feasible standardised loss, or null when nothing feasible was observed
     */
    Acquisition(GaussianProcess objective, Double incumbent, List<Constraint> constraints) {
        this.objective = objective;
        this.incumbent = incumbent;
        this.constraints = List.copyOf(constraints);
    }

    /**
     * This acquisition with every model replaced by its {@link GaussianProcess#localVariance local
     * view} around {@code point}: for cheap gradient steps near it; its values are approximate.
     */
    Acquisition local(double[] point, int m) {
        List<Constraint> local = constraints.stream()
                .map(c -> new Constraint(c.gp().localVariance(point, m), c.threshold())).toList();
        return new Acquisition(objective.localVariance(point, m), incumbent, local);
    }

    /** Observations (with fantasies) the objective's posterior conditions on. */
    int observations() {
        return objective.n;
    }

    int dims() {
        return objective.d;
    }

    double value(double[] x) {
        double[] out = new double[2];
        double a = 0;
        if (incumbent != null) {
            objective.predict(x, out);
            double sd = Math.sqrt(out[1]);
            a += LogEi.logH((incumbent - out[0]) / sd) + Math.log(sd);
        }
        for (Constraint c : constraints) {
            c.gp().predict(x, out);
            a += LogEi.logNormalCdf((c.threshold() - out[0]) / Math.sqrt(out[1]));
        }
        return a;
    }

    /**
     * {@link #value} at each of {@code points}, the same to the last bit, with one pass over each
     * model's Cholesky factor for all of them.
     */
    double[] valueEach(double[][] points) {
        return combined(points.length, (gp, mean, var) -> gp.predictEach(points, mean, var));
    }

    /** The acquisition at each row of {@code points} (row-major), batched for speed. */
    double[] values(double[] points, int count) {
        return combined(count, (gp, mean, var) -> gp.predictMany(points, mean, var));
    }

    /** Writes a model's posterior means and latent variances at some points. */
    private interface Predictions {
        void into(GaussianProcess gp, double[] mean, double[] var);
    }

    /** The acquisition at {@code count} points from each model's {@code predictions} there. */
    private double[] combined(int count, Predictions predictions) {
        double[] a = new double[count];
        double[] mean = new double[count];
        double[] var = new double[count];
        if (incumbent != null) {
            predictions.into(objective, mean, var);
            for (int i = 0; i < count; i++) {
                double sd = Math.sqrt(var[i]);
                a[i] += LogEi.logH((incumbent - mean[i]) / sd) + Math.log(sd);
            }
        }
        for (Constraint c : constraints) {
            predictions.into(c.gp(), mean, var);
            for (int i = 0; i < count; i++) {
                a[i] += LogEi.logNormalCdf((c.threshold() - mean[i]) / Math.sqrt(var[i]));
            }
        }
        return a;
    }

    /**
     * Upper bounds on the acquisition at each row of {@code points}, from the exact means and the
     * variance bounds of {@link GaussianProcess#predictBounds} (conditioning on the {@code m}
     * nearest observations). EI = σ h((best - μ)/σ) grows with σ (its derivative in σ is
     * φ(z) > 0), so the bound on σ bounds it; a probability of feasibility Φ((t - μ)/σ) grows
     * with σ only while the mean is infeasible (t < μ) and is bounded by 1 otherwise.
     */
    double[] upperBounds(double[] points, int count, int m) {
        return new Bounds(points, count, m, m).bounds;
    }

    /**
     * Upper bounds on the acquisition at candidate points that can be tightened one candidate
     * at a time: every model's exact mean at every candidate is kept, so a tighter bound (the
     * variance conditioned on more neighbours, {@link GaussianProcess#varianceBound}) costs no
     * further O(n) kernel evaluations.
     */
    final class Bounds {
        private final double[] points;
        /** Means at the candidates: the objective's first when there is an incumbent, then each constraint's. */
        private final double[][] means;
        /** Per model, each candidate's {@link #keep} nearest observations and its kernel to them. */
        private final int[][] near;
        private final double[][] kNear;
        private final int keep;
        /** The current upper bound of each candidate's acquisition. */
        final double[] bounds;

        /**
         * Bounds from the variance conditioned on the {@code m} nearest observations of each
         * candidate; the {@code keep} nearest are remembered for {@link #tighten}.
         */
        Bounds(double[] points, int count, int m, int keep) {
            this.points = points;
            this.keep = keep;
            List<GaussianProcess> models = models();
            means = new double[models.size()][count];
            near = new int[models.size()][count * keep];
            kNear = new double[models.size()][count * keep];
            double[][] vars = new double[models.size()][count];
            for (int g = 0; g < models.size(); g++) {
                models.get(g).predictBounds(points, m, keep, means[g], vars[g], near[g], kNear[g]);
            }
            bounds = new double[count];
            for (int i = 0; i < count; i++) {
                double a = 0;
                for (int g = 0; g < models.size(); g++) {
                    a += term(g, means[g][i], vars[g][i]);
                }
                bounds[i] = a;
            }
        }

        /**
         * Tightens candidate {@code i}'s bound with the variances conditioned on its {@code m}
         * nearest observations (keeping the old bound where that is lower: both are bounds).
         */
        double tighten(int i, int m) {
            List<GaussianProcess> models = models();
            int d = dims();
            double[] x = java.util.Arrays.copyOfRange(points, i * d, (i + 1) * d);
            double a = 0;
            for (int g = 0; g < models.size(); g++) {
                GaussianProcess gp = models.get(g);
                double var = Math.min(m, gp.n) <= Math.min(keep, gp.n) ? gp.varianceBound(near[g], kNear[g], i * keep, m)
                        : gp.varianceBound(x, m);
                a += term(g, means[g][i], var);
            }
            if (a < bounds[i]) {
                bounds[i] = a;
            }
            return bounds[i];
        }
    }

    /** The models in the order of {@link Bounds#means}. */
    private List<GaussianProcess> models() {
        List<GaussianProcess> models = new java.util.ArrayList<>();
        if (incumbent != null) {
            models.add(objective);
        }
        for (Constraint c : constraints) {
            models.add(c.gp());
        }
        return models;
    }

    /** Model {@code g}'s term of the acquisition bound, given its mean and an upper bound on its variance. */
    private double term(int g, double mean, double varUpper) {
        if (incumbent != null && g == 0) {
            double sd = Math.sqrt(varUpper);
            return LogEi.logH((incumbent - mean) / sd) + Math.log(sd);
        }
        Constraint c = constraints.get(incumbent != null ? g - 1 : g);
        double gap = c.threshold() - mean;
        return gap >= 0 ? 0 : LogEi.logNormalCdf(gap / Math.sqrt(varUpper));
    }

    /** The acquisition at {@code x} and its gradient with respect to the dimensions {@code free}. */
    double valueAndGradient(double[] x, int[] free, double[] gradient) {
        int f = free.length;
        java.util.Arrays.fill(gradient, 0);
        double[] out = new double[2];
        double[] dm = new double[f];
        double[] dv = new double[f];
        double a = 0;
        if (incumbent != null) {
            objective.predictWithGradient(x, free, out, dm, dv);
            double sd = Math.sqrt(out[1]);
            double z = (incumbent - out[0]) / sd;
            a += LogEi.logH(z) + Math.log(sd);
            double dh = LogEi.dLogH(z);
            for (int j = 0; j < f; j++) {
                double dsd = dv[j] / (2 * sd);
                double dz = (-dm[j] - z * dsd) / sd;
                gradient[j] += dh * dz + dsd / sd;
            }
        }
        for (Constraint c : constraints) {
            c.gp().predictWithGradient(x, free, out, dm, dv);
            double sd = Math.sqrt(out[1]);
            double u = (c.threshold() - out[0]) / sd;
            a += LogEi.logNormalCdf(u);
            double dl = LogEi.dLogNormalCdf(u);
            for (int j = 0; j < f; j++) {
                double dsd = dv[j] / (2 * sd);
                gradient[j] += dl * (-dm[j] - u * dsd) / sd;
            }
        }
        return a;
    }
}
