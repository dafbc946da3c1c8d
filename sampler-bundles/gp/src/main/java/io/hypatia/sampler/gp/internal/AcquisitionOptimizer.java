package io.hypatia.sampler.gp.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.random.SobolSequenceGenerator;

/**
 * Maximises the acquisition over the search space in three stages:
 * <ol>
 * <li>score {@code n_candidates} points: three quarters from a Sobol sequence (commons-math3,
 * Joe-Kuo direction numbers) with a random Cranley-Patterson shift, in the per-parameter unit
 * cube so that every parameter kind and conditional is covered as by random search; one quarter
 * by perturbing the best observed configurations (Gaussian steps in the unit cube, occasional
 * re-draws of categorical levels), which finds the narrow peaks EI develops near the incumbent;</li>
 * <li>refine the best {@code n_local_starts} distinct candidates with projected L-BFGS on the
 * analytic gradient over their active float/int/ordinal dimensions (ints and ordinals relaxed),
 * then round to a real configuration and keep the result only if the rounded point still scores
 * better;</li>
 * <li>greedily try the other levels of each active categorical parameter of the winner.</li>
 * </ol>
 * Every acquisition value is taken at a rounded ({@link SpaceEncoding#snap snapped}) point.
 */
final class AcquisitionOptimizer {
    private static final int LOCAL_ITERATIONS = 40;
    private static final int NEIGHBOUR_ROUNDS = 3;
    /** Log-acquisition differences below this (EI within about 10%) are ties (see {@link #interiorTieBreak}). */
    static final double INDIFFERENT = 0.1;

    private AcquisitionOptimizer() {
    }

    /**
     * @param seeds per-parameter unit-cube coordinates of good observed configurations (NaN for
     *              inactive parameters), best first; may be empty
     * @return the feature vector of the chosen configuration
     */
    static double[] maximise(Acquisition acq, SpaceEncoding enc, GpSettings settings, SplittableRandom random,
                             List<double[]> seeds) {
        int p = enc.parameterCount();
        int total = settings.candidates();
        int local = seeds.isEmpty() ? 0 : total / 4;
        int global = total - local;
        List<double[]> candidates = new ArrayList<>(total);
        double[] shift = new double[p];
        for (int j = 0; j < p; j++) {
            shift[j] = random.nextDouble();
        }
        SobolSequenceGenerator sobol = p <= 1000 ? new SobolSequenceGenerator(p) : null;
        for (int i = 0; i < global; i++) {
            double[] u = sobol != null ? sobol.nextVector() : new double[p];
            for (int j = 0; j < p; j++) {
                double v = sobol != null ? u[j] + shift[j] : random.nextDouble();
                u[j] = v - Math.floor(v);
            }
            candidates.add(enc.encode(enc.fromUnitCube(u)));
        }
        for (int i = 0; i < local; i++) {
            double[] u = seeds.get(i % seeds.size()).clone();
            double step = (i / seeds.size()) % 2 == 0 ? 0.02 : 0.1;
            for (int j = 0; j < p; j++) {
                if (Double.isNaN(u[j]) || (enc.isCategorical(j) && random.nextDouble() < 1.0 / p)) {
                    u[j] = random.nextDouble();
                } else if (!enc.isCategorical(j)) {
                    u[j] = reflect(u[j] + step * MarginalLikelihood.gaussian(random));
                }
            }
            candidates.add(enc.encode(enc.fromUnitCube(u)));
        }

        int d = enc.dims();
        double[] flat = new double[candidates.size() * d];
        for (int i = 0; i < candidates.size(); i++) {
            System.arraycopy(candidates.get(i), 0, flat, i * d, d);
        }
        double[] scores = acq.values(flat, candidates.size());
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i));

        double[] best = candidates.get(order[0]);
        double bestValue = scores[order[0]];
        List<double[]> starts = new ArrayList<>();
        for (int k = 0; k < order.length && starts.size() < settings.localStarts(); k++) {
            double[] c = candidates.get(order[k]);
            if (starts.stream().noneMatch(s -> Arrays.equals(s, c))) {
                starts.add(c);
            }
        }
        for (double[] start : starts) {
            double[] refined = refine(acq, enc, start);
            if (refined != null) {
                double v = acq.value(refined);
                if (v > bestValue) {
                    bestValue = v;
                    best = refined;
                }
            }
        }
        for (int round = 0; round < NEIGHBOUR_ROUNDS; round++) {
            double[] improved = null;
            for (double[] nb : enc.categoricalNeighbours(best)) {
                double v = acq.value(nb);
                if (v > bestValue) {
                    bestValue = v;
                    improved = nb;
                }
            }
            if (improved == null) {
                break;
            }
            best = improved;
        }
        return best;
    }

    /** L-BFGS on the continuous dimensions of {@code start}, then rounded; null when nothing is free. */
    private static double[] refine(Acquisition acq, SpaceEncoding enc, double[] start) {
        int[] free = enc.continuousDims(start);
        if (free.length == 0) {
            return null;
        }
        double[] z0 = new double[free.length];
        for (int j = 0; j < free.length; j++) {
            z0[j] = start[free[j]];
        }
        double[] lower = new double[free.length];
        double[] upper = new double[free.length];
        Arrays.fill(upper, 1);
        double[] full = start.clone();
        Lbfgs.Objective negative = (z, g) -> {
            for (int j = 0; j < free.length; j++) {
                full[free[j]] = z[j];
            }
            double v = acq.valueAndGradient(full, free, g);
            for (int j = 0; j < g.length; j++) {
                g[j] = -g[j];
            }
            return -v;
        };
        Lbfgs.Result r = Lbfgs.minimise(negative, z0, lower, upper, LOCAL_ITERATIONS, 1e-9);
        double[] x = start.clone();
        for (int j = 0; j < free.length; j++) {
            x[free[j]] = r.x()[j];
        }
        return enc.snap(interiorTieBreak(acq, x, start, free));
    }

    /**
     * Takes back moves onto the box's boundary that the acquisition is indifferent to. Along a
     * direction where the posterior is nearly flat (a long lengthscale) the posterior variance
     * still grows towards the boundary, so L-BFGS slides such coordinates onto a bound for a
     * small gain in EI; and that gain is itself an artefact, because a stationary GP
     * overestimates the variance at the boundary, where no data lie beyond (Siivola, Vehtari,
     * Vanhatalo, González and Andersen 2018, "Correcting boundary over-exploration deficiencies
     * in Bayesian optimization with virtual derivative sign observations"). Each coordinate that
     * ended on a bound is returned to its start value when that costs less than
     * {@value #INDIFFERENT} in log acquisition (EI within about 10%); an optimum at the boundary
     * gives far larger gains and is kept. On the suite this halved the share of trials on a
     * bound again after the pessimistic prior mean, with equal or better regret.
     */
    static double[] interiorTieBreak(Acquisition acq, double[] x, double[] start, int[] free) {
        double value = acq.value(x);
        double[] out = x.clone();
        for (int j : free) {
            boolean onBound = out[j] <= 0 || out[j] >= 1;
            if (onBound && start[j] > 0 && start[j] < 1) {
                double kept = out[j];
                out[j] = start[j];
                double v = acq.value(out);
                if (v >= value - INDIFFERENT) {
                    value = Math.max(value, v);
                } else {
                    out[j] = kept;
                }
            }
        }
        return out;
    }

    /** Folds a value back into [0, 1). */
    private static double reflect(double v) {
        double m = v - 2 * Math.floor(v / 2); // in [0, 2)
        double r = m <= 1 ? m : 2 - m;
        return Math.min(r, Math.nextDown(1.0));
    }
}
