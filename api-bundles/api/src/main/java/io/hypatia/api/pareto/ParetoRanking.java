package io.hypatia.api.pareto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fast non-dominated sorting and crowding distance (Deb, Pratap, Agarwal and Meyarivan 2002,
 * "A fast and elitist multiobjective genetic algorithm: NSGA-II").
 *
 * <p>Every point is a vector of <em>losses</em>: all objectives are minimised. Convert maximised
 * objectives with {@link io.hypatia.api.study.Direction#toLoss} first.
 * Points must be finite and of equal length.
 */
public final class ParetoRanking {
    private ParetoRanking() {
    }

    /** True when {@code a} Pareto-dominates {@code b}: no worse in every loss, better in one. */
    public static boolean dominates(double[] a, double[] b) {
        boolean strictlyBetter = false;
        for (int k = 0; k < a.length; k++) {
            if (a[k] > b[k]) {
                return false;
            }
            if (a[k] < b[k]) {
                strictlyBetter = true;
            }
        }
        return strictlyBetter;
    }

    /**
     * Sorts points into non-dominated fronts: front 0 holds the points no other point dominates,
     * front 1 those dominated only by front 0, and so on. Indices within a front are ascending.
     */
    public static int[][] fronts(double[][] losses) {
        return fronts(losses, null);
    }

    /**
     * Non-dominated sorting under Deb's constrained domination: with {@code violations} non-null,
     * {@code violations[i] > 0} marks point i infeasible and {@link ConstrainedOrder#constrainedDominates}
     * decides domination (feasible before infeasible, infeasible ones by smaller total violation).
     *
     * @param violations total constraint violation per point (0 when feasible), or null for none
     */
    public static int[][] fronts(double[][] losses, double[] violations) {
        int n = losses.length;
        if (violations != null && violations.length != n) {
            throw new IllegalArgumentException("violations has " + violations.length + " entries for " + n + " points");
        }
        // S_p: the points p dominates; n_p: how many points dominate p.
        List<List<Integer>> dominatedBy = new ArrayList<>(n);
        int[] dominationCount = new int[n];
        for (int i = 0; i < n; i++) {
            dominatedBy.add(new ArrayList<>());
        }
        for (int p = 0; p < n; p++) {
            for (int q = p + 1; q < n; q++) {
                if (dominatesAt(losses, violations, p, q)) {
                    dominatedBy.get(p).add(q);
                    dominationCount[q]++;
                } else if (dominatesAt(losses, violations, q, p)) {
                    dominatedBy.get(q).add(p);
                    dominationCount[p]++;
                }
            }
        }
        List<int[]> result = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            if (dominationCount[p] == 0) {
                current.add(p);
            }
        }
        while (!current.isEmpty()) {
            int[] front = current.stream().mapToInt(Integer::intValue).sorted().toArray();
            result.add(front);
            List<Integer> next = new ArrayList<>();
            for (int p : front) {
                for (int q : dominatedBy.get(p)) {
                    if (--dominationCount[q] == 0) {
                        next.add(q);
                    }
                }
            }
            current = next;
        }
        return result.toArray(new int[0][]);
    }

    private static boolean dominatesAt(double[][] losses, double[] violations, int a, int b) {
        return violations == null ? dominates(losses[a], losses[b])
                : ConstrainedOrder.constrainedDominates(losses[a], violations[a], losses[b], violations[b]);
    }

    /** The non-dominated rank of every point (0 = first front); see {@link #fronts(double[][])}. */
    public static int[] ranks(double[][] losses) {
        return ranksOf(fronts(losses), losses.length);
    }

    /** The rank of every point under constrained domination; see {@link #fronts(double[][], double[])}. */
    public static int[] ranks(double[][] losses, double[] violations) {
        return ranksOf(fronts(losses, violations), losses.length);
    }

    /** Converts fronts to a per-point rank array of length {@code n}. */
    public static int[] ranksOf(int[][] fronts, int n) {
        int[] rank = new int[n];
        Arrays.fill(rank, -1);
        for (int f = 0; f < fronts.length; f++) {
            for (int i : fronts[f]) {
                rank[i] = f;
            }
        }
        return rank;
    }

    /** Indices of the non-dominated points (the first front), ascending. */
    public static int[] nonDominated(double[][] losses) {
        return losses.length == 0 ? new int[0] : fronts(losses)[0];
    }

    /**
     * Crowding distance of each member of one front: the sum over objectives of the normalised
     * gap between its two neighbours along that objective. Boundary points (the extremes of any
     * objective) get {@link Double#POSITIVE_INFINITY}; fronts of one or two points are all infinite.
     * Ties are broken by index, so the result is deterministic.
     *
     * @param front indices into {@code losses}
     * @return distances aligned with {@code front}
     */
    public static double[] crowdingDistance(double[][] losses, int[] front) {
        int n = front.length;
        double[] distance = new double[n];
        if (n <= 2) {
            Arrays.fill(distance, Double.POSITIVE_INFINITY);
            return distance;
        }
        int m = losses[front[0]].length;
        Integer[] order = new Integer[n];
        for (int k = 0; k < m; k++) {
            final int objective = k;
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> {
                int c = Double.compare(losses[front[a]][objective], losses[front[b]][objective]);
                return c != 0 ? c : Integer.compare(front[a], front[b]);
            });
            double min = losses[front[order[0]]][k];
            double max = losses[front[order[n - 1]]][k];
            distance[order[0]] = Double.POSITIVE_INFINITY;
            distance[order[n - 1]] = Double.POSITIVE_INFINITY;
            if (max - min <= 0) {
                continue;
            }
            for (int i = 1; i < n - 1; i++) {
                distance[order[i]] += (losses[front[order[i + 1]]][k] - losses[front[order[i - 1]]][k]) / (max - min);
            }
        }
        return distance;
    }

    /**
     * Crowding distance of every point, computed within its own front.
     *
     * @return distances aligned with {@code losses}
     */
    public static double[] crowdingDistances(double[][] losses, int[][] fronts) {
        double[] out = new double[losses.length];
        for (int[] front : fronts) {
            double[] d = crowdingDistance(losses, front);
            for (int i = 0; i < front.length; i++) {
                out[front[i]] = d[i];
            }
        }
        return out;
    }
}
