package io.hypatia.sampler.gp.internal;

import io.hypatia.sampler.gp.model.Candidates;
import io.hypatia.sampler.gp.model.GaussianProcess;
import io.hypatia.sampler.gp.model.Lbfgs;
import io.hypatia.sampler.gp.model.SpaceEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Maximises the acquisition over the search space in three stages:
 * <ol>
 * <li>score {@code n_candidates} points ({@link Candidates#sobolAndLocal}): three quarters from a Sobol sequence (commons-math3,
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
    /** Observations the first, cheapest variance bound of the candidate screen conditions on (every candidate). */
    static final int SCREEN_FIRST_NEIGHBOURS = 4;
    /**
     * Observations the tightened variance bounds of the candidate screen condition on, in turn,
     * for the candidates still in contention (see {@link #screenLevels}).
     */
    static final int[] SCREEN_NEIGHBOURS = {16, 32};
    /**
     * Observations the variance conditions on while L-BFGS polishes a candidate (the
     * {@link GaussianProcess#localVariance local view} around its start): O(m^2) per step instead
     * of O(n^2). Below {@link #LOCAL_POLISH_ABOVE} observations the polish is exact; above, its
     * result is scored exactly before it is compared with the candidates. 128 rather than the
     * earlier 256: the view's factor (m^3/6) was a sixth of an ask at 1,000 observations, and
     * the polished points' exact log EI differed from those of 256-point views by 1e-11 in the
     * median and 0.003 at worst (GpLatency --against).
     */
    static final int POLISH_NEIGHBOURS = 128;
    /**
     * Observations above which the polish uses the local view: building a 256-point view's
     * factor cost more than the ~20 exact O(n^2) steps it saves below about 512 observations
     * (kept at that since the view shrank, so that proposals up to 512 are unchanged).
     */
    static final int LOCAL_POLISH_ABOVE = 512;
    /** Candidates scored exactly at a time (the blocked triangular solves share each pass over L). */
    private static final int SCREEN_BLOCK = 64;
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
        List<double[]> candidates = Candidates.sobolAndLocal(enc, settings.candidates(), seeds, random);

        int d = enc.dims();
        double[] flat = new double[candidates.size() * d];
        for (int i = 0; i < candidates.size(); i++) {
            System.arraycopy(candidates.get(i), 0, flat, i * d, d);
        }
        int k = Math.max(1, settings.localStarts());
        Top top = topDistinct(acq, flat, candidates, k);
        double[] best = candidates.get(top.indices[0]);
        double bestValue = top.scores[0];
        List<double[]> starts = new ArrayList<>();
        for (int i = 0; i < Math.min(top.indices.length, settings.localStarts()); i++) {
            starts.add(candidates.get(top.indices[i]));
        }
        for (Scored refined : refine(acq, enc, starts)) {
            if (refined != null && refined.value() > bestValue) {
                bestValue = refined.value();
                best = refined.x();
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

    /**
     * The indices of the {@code k} best distinct candidates by acquisition (ties to the lower
     * index), best first: the same as scoring every candidate exactly and sorting, but the exact
     * O(n^2) score is computed only where it can matter. Every candidate first gets a cheap upper
     * bound ({@link Acquisition.Bounds}: exact mean, variance conditioned on its
     * {@value #SCREEN_FIRST_NEIGHBOURS} nearest observations). The candidate with the highest
     * bound is then taken: unless its bound is at the last of the {@link #screenLevels levels},
     * it is tightened (variance conditioned on more neighbours) and goes back; otherwise it joins
     * the next block scored exactly. This stops when the highest remaining bound is below the
     * k-th best distinct exact score: a candidate never scored exactly has a score below that,
     * so it could not have been among the k. Most candidates never need a tighter bound, whose
     * m^2/2 kernel evaluations and m^3/6 factorisation were most of the screen's cost beside the
     * means, and few reach the exact O(n^2) score.
     */
    static Top topDistinct(Acquisition acq, double[] flat, List<double[]> candidates, int k) {
        int count = candidates.size();
        int d = acq.dims();
        int[] levels = screenLevels(acq.observations());
        // The first pass also remembers each candidate's neighbours for the first tightening.
        int keep = levels.length == 0 ? SCREEN_FIRST_NEIGHBOURS : Math.max(SCREEN_FIRST_NEIGHBOURS, levels[0]);
        Acquisition.Bounds screen = acq.new Bounds(flat, count, SCREEN_FIRST_NEIGHBOURS, keep);
        double[] bounds = screen.bounds;
        int[] level = new int[count]; // tightenings done
        // Highest bound first, ties to the lower index; NaN bounds (should not happen) first of all,
        // so such candidates are always scored exactly.
        java.util.PriorityQueue<Integer> queue = new java.util.PriorityQueue<>(Math.max(1, count),
                Comparator.<Integer>comparingDouble(i -> Double.isNaN(bounds[i]) ? Double.NEGATIVE_INFINITY : -bounds[i])
                        .thenComparingInt(i -> i));
        for (int i = 0; i < count; i++) {
            queue.add(i);
        }
        double[] score = new double[count];
        Arrays.fill(score, Double.NaN);
        List<Integer> scored = new ArrayList<>();
        double threshold = Double.NEGATIVE_INFINITY;
        boolean full = false;
        while (!queue.isEmpty()) {
            // A first small block usually settles it; later ones grow.
            int blockSize = Math.max(2 * k, scored.isEmpty() ? SCREEN_BLOCK / 4 : Math.min(scored.size(), SCREEN_BLOCK));
            List<Integer> block = new ArrayList<>(blockSize);
            while (block.size() < blockSize && !queue.isEmpty()) {
                int i = queue.peek();
                if (full && bounds[i] < threshold) {
                    break;
                }
                queue.poll();
                if (level[i] == levels.length || Double.isNaN(bounds[i])) {
                    block.add(i);
                } else {
                    screen.tighten(i, levels[level[i]++]);
                    queue.add(i);
                }
            }
            if (block.isEmpty()) {
                break;
            }
            double[] rows = new double[block.size() * d];
            for (int b = 0; b < block.size(); b++) {
                System.arraycopy(flat, block.get(b) * d, rows, b * d, d);
            }
            double[] v = acq.values(rows, block.size());
            for (int b = 0; b < block.size(); b++) {
                int i = block.get(b);
                score[i] = Double.isNaN(v[b]) ? Double.NEGATIVE_INFINITY : v[b];
                scored.add(i);
            }
            int[] top = ranked(scored, score, candidates, k);
            full = top.length == k;
            threshold = full ? score[top[k - 1]] : Double.NEGATIVE_INFINITY;
        }
        int[] indices = ranked(scored, score, candidates, k);
        double[] values = new double[indices.length];
        for (int i = 0; i < indices.length; i++) {
            values[i] = score[indices[i]];
        }
        return new Top(indices, values, scored.size());
    }

    /**
     * The neighbour counts of the screen's tighter bounds at {@code n} observations: those of
     * {@link #SCREEN_NEIGHBOURS} whose cost (m^3/6 for the factor and m^2/2 kernel evaluations at
     * about 20 multiply-adds each) is below an eighth of an exact score's n^2/2, so that
     * tightening pays even when it rules out only some of the candidates it is spent on.
     */
    static int[] screenLevels(int n) {
        return Arrays.stream(SCREEN_NEIGHBOURS)
                .filter(m -> (double) m * m * m / 6 + 10.0 * m * m < (double) n * n / 8)
                .toArray();
    }

    /**
     * The best distinct candidates and their exact scores, best first.
     *
     * @param exactlyScored how many candidates the screen scored exactly (the rest were ruled out by their bound)
     */
    record Top(int[] indices, double[] scores, int exactlyScored) {
    }

    /** The first {@code k} distinct candidates of {@code scored} ordered by score (descending), then index. */
    private static int[] ranked(List<Integer> scored, double[] score, List<double[]> candidates, int k) {
        Integer[] order = scored.toArray(new Integer[0]);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -score[i]).thenComparingInt(i -> i));
        int[] out = new int[Math.min(k, order.length)];
        int filled = 0;
        for (int o = 0; o < order.length && filled < out.length; o++) {
            double[] c = candidates.get(order[o]);
            boolean duplicate = false;
            for (int f = 0; f < filled && !duplicate; f++) {
                duplicate = Arrays.equals(candidates.get(out[f]), c);
            }
            if (!duplicate) {
                out[filled++] = order[o];
            }
        }
        return Arrays.copyOf(out, filled);
    }

    /** A point and its exact acquisition value. */
    record Scored(double[] x, double value) {
    }

    /**
     * Each start polished by L-BFGS on its continuous dimensions, indifferent boundary moves taken
     * back ({@link #interiorTieBreak}), then rounded, with its exact value; null for a start with
     * nothing free. The polishes are independent of each other, so all run first and the
     * tie-breaks then evaluate the starts side by side, sharing each pass over the Cholesky
     * factor; every value is the one {@link Acquisition#value} gives.
     */
    private static List<Scored> refine(Acquisition acq, SpaceEncoding enc, List<double[]> starts) {
        int count = starts.size();
        double[][] polished = new double[count][];
        int[][] free = new int[count][];
        for (int s = 0; s < count; s++) {
            free[s] = enc.continuousDims(starts.get(s));
            polished[s] = free[s].length == 0 ? null : polish(acq, starts.get(s), free[s]);
        }
        Scored[] kept = interiorTieBreak(acq, polished, starts.toArray(new double[0][]), free);
        List<Scored> out = new ArrayList<>(count);
        for (Scored k : kept) {
            if (k == null) {
                out.add(null);
                continue;
            }
            double[] snapped = enc.snap(k.x());
            // The tie-break has scored its point already; rounding usually leaves float coordinates as they are.
            out.add(Arrays.equals(snapped, k.x()) ? k : new Scored(snapped, acq.value(snapped)));
        }
        return out;
    }

    /** L-BFGS on the dimensions {@code free} of {@code start}; the point it ends at (not rounded). */
    private static double[] polish(Acquisition acq, double[] start, int[] free) {
        double[] z0 = new double[free.length];
        for (int j = 0; j < free.length; j++) {
            z0[j] = start[free[j]];
        }
        double[] lower = new double[free.length];
        double[] upper = new double[free.length];
        Arrays.fill(upper, 1);
        double[] full = start.clone();
        Acquisition near = acq.observations() > LOCAL_POLISH_ABOVE ? acq.local(start, POLISH_NEIGHBOURS) : acq;
        Lbfgs.Objective negative = (z, g) -> {
            for (int j = 0; j < free.length; j++) {
                full[free[j]] = z[j];
            }
            double v = near.valueAndGradient(full, free, g);
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
        return x;
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
    static Scored interiorTieBreak(Acquisition acq, double[] x, double[] start, int[] free) {
        return interiorTieBreak(acq, new double[][] {x}, new double[][] {start}, new int[][] {free})[0];
    }

    /**
     * {@link #interiorTieBreak(Acquisition, double[], double[], int[])} for several points at once
     * (null entries give null): each point's coordinates are visited in its own order and decided
     * from its own values exactly as one by one, but the evaluations of all points at the same
     * step share one pass over the Cholesky factor ({@link Acquisition#valueEach}).
     */
    static Scored[] interiorTieBreak(Acquisition acq, double[][] x, double[][] start, int[][] free) {
        int count = x.length;
        double[][] out = new double[count][];
        double[] value = new double[count];   // the best value seen, which moves are judged against
        double[] current = new double[count]; // the exact value of out
        List<Integer> live = new ArrayList<>();
        int steps = 0;
        for (int s = 0; s < count; s++) {
            if (x[s] != null) {
                out[s] = x[s].clone();
                live.add(s);
                steps = Math.max(steps, free[s].length);
            }
        }
        double[] first = acq.valueEach(live.stream().map(s -> out[s]).toArray(double[][]::new));
        for (int l = 0; l < live.size(); l++) {
            value[live.get(l)] = first[l];
            current[live.get(l)] = first[l];
        }
        double[] kept = new double[count];
        for (int step = 0; step < steps; step++) {
            List<Integer> moved = new ArrayList<>();
            for (int s : live) {
                if (step < free[s].length) {
                    int j = free[s][step];
                    boolean onBound = out[s][j] <= 0 || out[s][j] >= 1;
                    if (onBound && start[s][j] > 0 && start[s][j] < 1) {
                        kept[s] = out[s][j];
                        out[s][j] = start[s][j];
                        moved.add(s);
                    }
                }
            }
            if (moved.isEmpty()) {
                continue;
            }
            double[] v = acq.valueEach(moved.stream().map(s -> out[s]).toArray(double[][]::new));
            for (int m = 0; m < moved.size(); m++) {
                int s = moved.get(m);
                if (v[m] >= value[s] - INDIFFERENT) {
                    value[s] = Math.max(value[s], v[m]);
                    current[s] = v[m];
                } else {
                    out[s][free[s][step]] = kept[s];
                }
            }
        }
        Scored[] result = new Scored[count];
        for (int s : live) {
            result[s] = new Scored(out[s], current[s]);
        }
        return result;
    }
}
