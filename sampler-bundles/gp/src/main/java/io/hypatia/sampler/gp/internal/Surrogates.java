package io.hypatia.sampler.gp.internal;

import io.hypatia.sampler.gp.model.FitSchedule;
import io.hypatia.sampler.gp.model.GaussianProcess;
import io.hypatia.sampler.gp.model.Hyperparameters;
import io.hypatia.sampler.gp.model.MarginalLikelihood;
import io.hypatia.sampler.gp.model.ModelCache;
import io.hypatia.sampler.gp.model.Outputs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The GPs fitted to the completed trials: one for the (standardised) loss and one per
 * constraint (Gardner et al. 2014 model each constraint independently). This is a pure function
 * of the observations, the settings and the study seed (the random restarts of the
 * hyper-parameter fit draw from a stream seeded by both the study seed and a hash of the data),
 * so it can be cached by that key and recomputed identically after a restart or on another
 * replica.
 */
final class Surrogates {
    private static final int FIT_ITERATIONS = 60;
    /** Iterations of a fit that starts from the previous fit point's optimum (it is usually a few steps away). */
    static final int WARM_ITERATIONS = 20;

    record ConstraintModel(GaussianProcess gp, double threshold) {
    }

    final GaussianProcess objective;
    /** Standardised losses of the observations, shifted so that the worst is 0 ({@link #centreOnWorst}). */
    final double[] standardisedLoss;
    final List<ConstraintModel> constraints;
    /** Best standardised loss among feasible observations, or null when none is feasible. */
    final Double incumbent;

    private Surrogates(GaussianProcess objective, double[] standardisedLoss, List<ConstraintModel> constraints,
                       Double incumbent) {
        this.objective = objective;
        this.standardisedLoss = standardisedLoss;
        this.constraints = List.copyOf(constraints);
        this.incumbent = incumbent;
    }

    /**
     * Fits the models to {@code obs}. Hyper-parameters are fitted on the first
     * {@link FitSchedule#fitPoint} observations (through {@code cache}, so a study refits only at
     * those points); the posterior conditions on all observations through a factor the cache
     * extends row by row.
     */
    static Surrogates fit(Observations obs, GpSettings settings, long seed, ModelCache cache) {
        int d = obs.d;
        double[] ys = objectiveOutputs(obs.loss, settings);
        // A ParEGO scalarisation is new with every ask, so no fit of an earlier ask can be reused
        // and a warm chain would be recomputed in full each time: fit it cold, once.
        Hyperparameters h = hyperparameters(obs.x, d, obs.loss, objectiveRole(settings), !obs.scalarised, settings, seed, cache);
        GaussianProcess objective = GaussianProcess.condition(obs.x, d, ys, h, cache.factor(obs.x, d, h));

        Double incumbent = null;
        for (int i = 0; i < obs.n; i++) {
            if (obs.feasible[i] && (incumbent == null || ys[i] < incumbent)) {
                incumbent = ys[i];
            }
        }

        List<ConstraintModel> constraints = new ArrayList<>();
        for (int j = 0; j < obs.constraintCount(); j++) {
            double[] c = obs.constraints[j];
            int[] known = IntStream.range(0, obs.n).filter(i -> !Double.isNaN(c[i])).toArray();
            if (known.length == 0) {
                continue;
            }
            double[] raw = pick(c, known);
            double mean = mean(raw), sd = sd(raw, mean);
            double[] cs = standardise(raw);
            double[] cx = rows(obs.x, d, known);
            Hyperparameters hc = hyperparameters(cx, d, raw, j, true, settings, seed, cache);
            constraints.add(new ConstraintModel(GaussianProcess.condition(cx, d, cs, hc, cache.factor(cx, d, hc)), (0 - mean) / sd));
        }
        return new Surrogates(objective, ys, constraints, incumbent);
    }

    /**
     * MAP hyper-parameters for the values {@code raw} at the rows of {@code x}, fitted on the
     * leading {@link FitSchedule#fitPoint} rows (standardised among themselves; at most
     * {@code max_fit_points} of them, see {@link #fitSubset}).
     */
    private static Hyperparameters hyperparameters(double[] x, int d, double[] raw, int role, boolean warmChain,
                                                   GpSettings settings, long seed, ModelCache cache) {
        return fitAt(FitSchedule.fitPoint(raw.length), x, d, raw, role, warmChain, settings, seed, cache);
    }

    /**
     * The fit on the leading {@code m} rows. At a {@link FitSchedule#coldStart cold} fit point the
     * optimisation starts from the prior centre and random restarts drawn from a stream seeded by
     * the study seed and those rows; elsewhere from the previous fit point's optimum (itself
     * computed the same way, through the cache), for {@value #WARM_ITERATIONS} iterations. Either
     * way the result is a function of the rows, so a cold cache computes the same fit.
     */
    private static Hyperparameters fitAt(int m, double[] x, int d, double[] raw, int role, boolean warmChain,
                                         GpSettings settings, long seed, ModelCache cache) {
        double[] fx = Arrays.copyOf(x, m * d);
        double[] fy = Arrays.copyOf(raw, m);
        return cache.fit(new ModelCache.FitKey(seed, settings.restarts(), settings.maxFitPoints(), role, fx, fy, settings.noiseFloor()), () -> {
            double[] ys = role >= 0 ? standardise(fy) : objectiveOutputs(fy, settings);
            // Constraints: the most recent rows; the objective: the best half and the most recent others.
            int[] fitRows = role >= 0 ? IntStream.range(Math.max(0, m - settings.maxFitPoints()), m).toArray()
                    : fitSubset(m, ys, settings.maxFitPoints());
            MarginalLikelihood likelihood = new MarginalLikelihood(rows(fx, d, fitRows), d, pick(ys, fitRows), settings.noiseFloor());
            if (warmChain && !FitSchedule.coldStart(m)) {
                Hyperparameters previous = fitAt(FitSchedule.previous(m), x, d, raw, role, true, settings, seed, cache);
                Hyperparameters warm = likelihood.fitFrom(previous.toLog(), WARM_ITERATIONS);
                if (warm != null) {
                    return warm;
                }
            }
            long dataHash = 1125899906842597L + role;
            for (double v : fx) {
                dataHash = 31 * dataHash + Double.doubleToLongBits(v);
            }
            for (double v : fy) {
                dataHash = 31 * dataHash + Double.doubleToLongBits(v);
            }
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ dataHash);
            return likelihood.fit(settings.restarts(), random, FIT_ITERATIONS);
        });
    }

    /**
     * Rows for the hyper-parameter fit: all when there are at most {@code max}; otherwise the best
     * half by loss and the most recent of the others, in their original order.
     */
    static int[] fitSubset(int n, double[] ys, int max) {
        if (n <= max) {
            return IntStream.range(0, n).toArray();
        }
        Integer[] byLoss = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(byLoss, Comparator.<Integer>comparingDouble(i -> ys[i]).thenComparingInt(i -> i));
        boolean[] chosen = new boolean[n];
        int best = max / 2;
        for (int k = 0; k < best; k++) {
            chosen[byLoss[k]] = true;
        }
        int left = max - best;
        for (int i = n - 1; i >= 0 && left > 0; i--) {
            if (!chosen[i]) {
                chosen[i] = true;
                left--;
            }
        }
        return IntStream.range(0, n).filter(i -> chosen[i]).toArray();
    }

    /** The objective's GP outputs: standardised (after the optional warping), then {@link #centreOnWorst centred on the worst}. */
    static double[] objectiveOutputs(double[] loss, GpSettings settings) {
        return centreOnWorst(standardise(settings.warpOutputs() ? YeoJohnson.warp(loss) : loss));
    }

    /** The objective's role in the fit cache's keys (constraints are 0, 1, ...): warped and plain fits differ. */
    private static int objectiveRole(GpSettings settings) {
        return settings.warpOutputs() ? -2 : -1;
    }

    /** See {@link Outputs#centreOnWorst}. */
    static double[] centreOnWorst(double[] ys) {
        return Outputs.centreOnWorst(ys);
    }

    static double[] standardise(double[] v) {
        return Outputs.standardise(v);
    }

    private static double mean(double[] v) {
        return Outputs.mean(v);
    }

    private static double sd(double[] v, double mean) {
        return Outputs.sd(v, mean);
    }

    private static double[] rows(double[] x, int d, int[] idx) {
        double[] out = new double[idx.length * d];
        for (int k = 0; k < idx.length; k++) {
            System.arraycopy(x, idx[k] * d, out, k * d, d);
        }
        return out;
    }

    private static double[] pick(double[] v, int[] idx) {
        double[] out = new double[idx.length];
        for (int k = 0; k < idx.length; k++) {
            out[k] = v[idx[k]];
        }
        return out;
    }
}
