package io.hypatia.sampler.tpe.internal;

import io.hypatia.api.pareto.ConstrainedOrder;
import io.hypatia.api.pareto.Hypervolume;
import io.hypatia.api.pareto.ParetoRanking;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Divides the observations into the good set (modelled by l(x)) and the bad set (g(x)).
 *
 * <p>All observations are put in one order, best first, and the first
 * {@link TpeSettings#goodCount(int) gamma(n)} of them are good:
 * <ol>
 *   <li>complete observations: with one objective by loss; with several by non-domination rank
 *       (fronts are peeled off only until the good set is full) and, inside the front that
 *       straddles the boundary, by greedy hypervolume subset selection (MOTPE, Ozaki et al.
 *       2020/2022). Under constraints feasible ones come first and
 *       infeasible ones follow by increasing total violation (Deb's constrained domination), so
 *       an infeasible trial is good only when fewer than gamma(n) trials are feasible;</li>
 *   <li>partial (pruned or paused) observations: furthest step first, then by last value;</li>
 *   <li>pending observations, when the constant liar is on: they always land in the bad set, as
 *       if they had returned the worst value.</li>
 * </ol>
 * Ties go to the lower trial number, so the split is deterministic.
 *
 * @param good        observation indices of the good set, best first
 * @param goodWeights weight per good observation (mean 1), or null for equal weights
 * @param bad         observation indices of the bad set
 */
record GoodBadSplit(int[] good, double[] goodWeights, int[] bad) {

    /** With {@code forget_old}, this many newest observations of a density keep full weight. */
    static final int RECENT_FULL_WEIGHT = 25;
    /** Above three objectives exact hypervolume gets expensive; crowding distance stands in for it. */
    private static final int MAX_HYPERVOLUME_OBJECTIVES = 3;
    /** Weight, relative to the largest, of a good point that adds no hypervolume of its own. */
    private static final double MIN_RELATIVE_WEIGHT = 0.05;

    static GoodBadSplit of(History h, TpeSettings settings) {
        int nGood = settings.goodCount(h.finished());
        int objectives = h.objectives();
        int[] ordered = new int[h.size()];
        int at = 0;
        double[] weights = null;
        if (objectives == 1) {
            for (int o : sortedComplete(h)) {
                ordered[at++] = o;
            }
        } else {
            MultiObjectiveOrder mo = multiObjective(h, Math.min(nGood, h.complete.length));
            for (int o : mo.order) {
                ordered[at++] = o;
            }
            if (mo.goodWeights != null && nGood <= h.complete.length) {
                weights = Arrays.copyOf(mo.goodWeights, nGood);
            }
        }
        for (int o : sortedPartial(h)) {
            ordered[at++] = o;
        }
        for (int o : h.pending) {
            ordered[at++] = o;
        }
        return new GoodBadSplit(Arrays.copyOfRange(ordered, 0, nGood), weights, Arrays.copyOfRange(ordered, nGood, at));
    }

    /**
     * Weights that forget old observations ({@code forget_old}): of the {@code n} given
     * observations, the newest {@value #RECENT_FULL_WEIGHT} (by trial number) weigh 1 and the
     * older ones rise linearly with age rank from 1/n for the oldest to 1 (Optuna's default
     * weighting, which Watanabe 2023 discusses as a TPE component). Below
     * {@value #RECENT_FULL_WEIGHT} observations all weigh 1.
     *
     * @return one weight per entry of {@code observations}, in their order
     */
    static double[] recencyWeights(int[] observations, History h) {
        int n = observations.length;
        double[] w = new double[n];
        Arrays.fill(w, 1.0);
        int old = n - RECENT_FULL_WEIGHT;
        if (old <= 0) {
            return w;
        }
        Integer[] byAge = new Integer[n];
        for (int i = 0; i < n; i++) {
            byAge[i] = i;
        }
        Arrays.sort(byAge, Comparator.comparingInt(i -> h.number[observations[i]]));
        for (int r = 0; r < old; r++) {
            w[byAge[r]] = old == 1 ? 1.0 / n : 1.0 / n + (1 - 1.0 / n) * r / (old - 1);
        }
        return w;
    }

    private static int[] sortedComplete(History h) {
        Integer[] idx = boxed(h.complete);
        Arrays.sort(idx, (a, b) -> {
            int c = ConstrainedOrder.compare(h.losses[a][0], h.violation[a], h.losses[b][0], h.violation[b]);
            return c != 0 ? c : Integer.compare(h.number[a], h.number[b]);
        });
        return unboxed(idx);
    }

    private static int[] sortedPartial(History h) {
        Integer[] idx = boxed(h.partial);
        Arrays.sort(idx, Comparator.<Integer>comparingDouble(o -> -h.partialStep[o])
                .thenComparingDouble(o -> h.partialLoss[o])
                .thenComparingInt(o -> h.number[o]));
        return unboxed(idx);
    }

    private record MultiObjectiveOrder(int[] order, double[] goodWeights) {
    }

    /**
     * Complete observations ordered for MOTPE: the first {@code nGood} are the good set, the rest
     * follow front by front. The good set's weights are their exclusive hypervolume contributions
     * within the good set (Ozaki et al. 2022), floored at {@link #MIN_RELATIVE_WEIGHT} of the largest.
     */
    private static MultiObjectiveOrder multiObjective(History h, int nGood) {
        int n = h.complete.length;
        int m = h.objectives();
        double[][] losses = new double[n][];
        double[] violations = new double[n];
        for (int i = 0; i < n; i++) {
            losses[i] = h.losses[h.complete[i]];
            violations[i] = h.violation[h.complete[i]];
        }
        double[][] normalised = normalise(losses, violations);
        double[] reference = new double[m];
        Arrays.fill(reference, 1.1);
        double[] constraint = h.constrained ? violations : null;

        // Peel non-dominated fronts off the rest until the good set is full; the bad set's order
        // does not matter, so the remaining points are never sorted (O(n * front) per peel rather
        // than a full O(n^2) non-dominated sort).
        List<Integer> good = new ArrayList<>(nGood);
        boolean[] taken = new boolean[n];
        boolean[] removed = new boolean[n];
        int remaining = n;
        while (good.size() < nGood && remaining > 0) {
            int[] front = nextFront(losses, constraint, removed);
            for (int i : front) {
                removed[i] = true;
            }
            remaining -= front.length;
            int need = nGood - good.size();
            int[] chosen = front.length <= need ? front : selectFromFront(front, need, normalised, violations, reference, losses);
            for (int i : chosen) {
                good.add(i);
                taken[i] = true;
            }
        }
        int[] order = new int[n];
        int at = 0;
        for (int i : good) {
            order[at++] = h.complete[i];
        }
        for (int i = 0; i < n; i++) {
            if (!taken[i]) {
                order[at++] = h.complete[i];
            }
        }
        double[] weights = null;
        boolean allFeasible = good.stream().allMatch(i -> violations[i] <= 0);
        if (m <= MAX_HYPERVOLUME_OBJECTIVES && allFeasible && !good.isEmpty()) {
            double[][] points = new double[good.size()][];
            for (int k = 0; k < points.length; k++) {
                points[k] = normalised[good.get(k)];
            }
            double[] contribution = Hypervolume.contributions(points, reference);
            double max = Arrays.stream(contribution).max().orElse(0);
            if (max > 0) {
                weights = new double[points.length];
                double sum = 0;
                for (int k = 0; k < weights.length; k++) {
                    weights[k] = Math.max(MIN_RELATIVE_WEIGHT, contribution[k] / max);
                    sum += weights[k];
                }
                for (int k = 0; k < weights.length; k++) {
                    weights[k] *= weights.length / sum;
                }
            }
        }
        return new MultiObjectiveOrder(order, weights);
    }

    /**
     * The points not yet removed that no other remaining point (constrained-)dominates, ascending.
     * A point stops scanning at its first dominator, so dominated points are usually cheap.
     */
    private static int[] nextFront(double[][] losses, double[] violations, boolean[] removed) {
        int n = losses.length;
        int[] front = new int[n];
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (removed[i]) {
                continue;
            }
            boolean dominated = false;
            for (int j = 0; j < n && !dominated; j++) {
                if (j != i && !removed[j]) {
                    dominated = violations == null ? ParetoRanking.dominates(losses[j], losses[i])
                            : ConstrainedOrder.constrainedDominates(losses[j], violations[j], losses[i], violations[i]);
                }
            }
            if (!dominated) {
                front[size++] = i;
            }
        }
        return Arrays.copyOf(front, size);
    }

    /**
     * Picks {@code need} members of a front that does not fit whole: greedy hypervolume subset
     * selection for feasible fronts of at most three objectives (each step adds the point that
     * raises the hypervolume of the chosen set most), crowding distance otherwise (an infeasible
     * front under constrained domination is a tie in total violation).
     */
    private static int[] selectFromFront(int[] front, int need, double[][] normalised, double[] violations,
                                         double[] reference, double[][] losses) {
        int m = reference.length;
        boolean feasible = violations[front[0]] <= 0;
        if (feasible && m <= MAX_HYPERVOLUME_OBJECTIVES) {
            int[] chosen = new int[need];
            boolean[] used = new boolean[front.length];
            List<double[]> set = new ArrayList<>(need);
            for (int k = 0; k < need; k++) {
                int best = -1;
                double bestVolume = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < front.length; j++) {
                    if (used[j]) {
                        continue;
                    }
                    set.add(normalised[front[j]]);
                    double volume = Hypervolume.of(set, reference);
                    set.remove(set.size() - 1);
                    if (volume > bestVolume) {
                        bestVolume = volume;
                        best = j;
                    }
                }
                used[best] = true;
                chosen[k] = front[best];
                set.add(normalised[front[best]]);
            }
            return chosen;
        }
        double[] crowding = ParetoRanking.crowdingDistance(losses, front);
        Integer[] idx = new Integer[front.length];
        for (int j = 0; j < idx.length; j++) {
            idx[j] = j;
        }
        Arrays.sort(idx, (a, b) -> {
            int c = Double.compare(crowding[b], crowding[a]);
            return c != 0 ? c : Integer.compare(front[a], front[b]);
        });
        int[] chosen = new int[need];
        for (int k = 0; k < need; k++) {
            chosen[k] = front[idx[k]];
        }
        return chosen;
    }

    /** Losses scaled to [0, 1] per objective over the feasible points (all points when none is feasible). */
    private static double[][] normalise(double[][] losses, double[] violations) {
        int n = losses.length, m = losses.length == 0 ? 0 : losses[0].length;
        boolean anyFeasible = false;
        for (double v : violations) {
            anyFeasible |= v <= 0;
        }
        double[] lo = new double[m], hi = new double[m];
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            if (anyFeasible && violations[i] > 0) {
                continue;
            }
            for (int k = 0; k < m; k++) {
                lo[k] = Math.min(lo[k], losses[i][k]);
                hi[k] = Math.max(hi[k], losses[i][k]);
            }
        }
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < m; k++) {
                double range = hi[k] - lo[k];
                // Infeasible points may fall outside the feasible box; clamp them into it.
                double v = range > 0 ? (losses[i][k] - lo[k]) / range : 0;
                out[i][k] = Math.max(0, Math.min(1, v));
            }
        }
        return out;
    }

    private static Integer[] boxed(int[] a) {
        Integer[] out = new Integer[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    private static int[] unboxed(Integer[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
