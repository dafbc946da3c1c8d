package io.hypatia.dashboard;

import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Which complete trials the study page's charts get when a study has more than the page can
 * usefully draw: a bounded, deterministic selection that keeps what the eye looks for, so the
 * page costs the same at 10,000 trials as at 1,000.
 *
 * <ol>
 *   <li>every trial that improved the best value so far, for each objective, in trial-number and
 *       in finish-time order (so both history charts' best-so-far lines stay exact);</li>
 *   <li>the Pareto front (several objectives), evenly thinned if it alone exceeds half the budget;</li>
 *   <li>the rest of the budget as the lowest and the highest value of the chosen objective in each
 *       of equal ranges of trial numbers (the envelope of the history's point cloud).</li>
 * </ol>
 */
final class ChartSample {
    private ChartSample() {
    }

    /**
     * @param values    values[k][j]: objective j of trial k (trials in trial-number order)
     * @param finished  finish time of trial k
     * @param pareto    indexes of trials on the Pareto front
     * @param objective the objective the charts are drawn for (its extremes fill the budget)
     * @param max       at most this many (plus the best-so-far trials, which are few: about log n each)
     * @return the indexes kept, ascending; all of them when there are at most {@code max}
     */
    static int[] select(double[][] values, long[] finished, List<Objective> objectives, Set<Integer> pareto,
                        int objective, int max) {
        int n = values.length;
        if (n <= max) {
            int[] all = new int[n];
            Arrays.setAll(all, k -> k);
            return all;
        }
        boolean[] keep = new boolean[n];
        Integer[] byTime = new Integer[n];
        Arrays.setAll(byTime, k -> k);
        Arrays.sort(byTime, Comparator.<Integer>comparingLong(k -> finished[k]).thenComparingInt(k -> k));
        for (int j = 0; j < objectives.size(); j++) {
            boolean maximize = objectives.get(j).direction() == Direction.MAXIMIZE;
            double best = Double.NaN;
            for (int k = 0; k < n; k++) {
                if (Double.isNaN(best) || (maximize ? values[k][j] > best : values[k][j] < best)) {
                    best = values[k][j];
                    keep[k] = true;
                }
            }
            best = Double.NaN;
            for (int k : byTime) {
                if (Double.isNaN(best) || (maximize ? values[k][j] > best : values[k][j] < best)) {
                    best = values[k][j];
                    keep[k] = true;
                }
            }
        }
        List<Integer> front = new ArrayList<>(pareto);
        front.sort(Comparator.<Integer>comparingDouble(k -> values[k][0]).thenComparingInt(k -> k));
        int frontBudget = Math.max(1, max / 2);
        for (int i = 0; i < front.size() && i < frontBudget; i++) {
            int pick = front.size() <= frontBudget ? i : (int) ((long) i * front.size() / frontBudget);
            keep[front.get(pick)] = true;
        }
        int kept = 0;
        for (boolean b : keep) {
            kept += b ? 1 : 0;
        }
        int buckets = Math.max(1, (max - kept) / 2);
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets);
            int to = (int) ((long) (b + 1) * n / buckets);
            int lo = from;
            int hi = from;
            for (int k = from; k < to; k++) {
                if (values[k][objective] < values[lo][objective]) {
                    lo = k;
                }
                if (values[k][objective] > values[hi][objective]) {
                    hi = k;
                }
            }
            if (to > from) {
                keep[lo] = true;
                keep[hi] = true;
            }
        }
        int count = 0;
        for (boolean b : keep) {
            count += b ? 1 : 0;
        }
        int[] out = new int[count];
        for (int k = 0, i = 0; k < n; k++) {
            if (keep[k]) {
                out[i++] = k;
            }
        }
        return out;
    }
}
