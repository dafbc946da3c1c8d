package io.hypatia.sampler.mobster.internal;

import io.hypatia.sampler.mobster.internal.ResourceData.Point;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Caps the data so that an ask stays cheap however long the study runs: the posterior's cost grows
 * with the cube of its observations, the hyper-parameter fit's with the cube of its subset times
 * the optimiser's iterations.
 *
 * <p>Random parts of a subsample are "bottom-k by hash": the points whose hash of (trial number,
 * level) is smallest. Unlike a fresh random draw this is stable as the data grow (a new point
 * enters only when its hash is small enough), so the hyper-parameter subset, and with it the cached
 * fit, changes rarely; and it is a function of the data alone, as a restarted service needs.
 */
final class Subsample {
    /**
     * {@code comparingInt(Point::level).thenComparingInt(Point::number)}, written out: the same
     * outcome for every pair, so a sort makes the same order, without two levels of lambdas per
     * comparison (sorting the observations is a tenth of an ask in a long study).
     */
    static final Comparator<Point> BY_LEVEL_AND_NUMBER = (a, b) -> a.level() != b.level()
            ? Integer.compare(a.level(), b.level()) : Integer.compare(a.number(), b.number());
    /** {@code comparingDouble(Point::loss).thenComparingInt(Point::number)}, written out likewise. */
    static final Comparator<Point> BY_LOSS_AND_NUMBER = (a, b) -> {
        int c = Double.compare(a.loss(), b.loss());
        return c != 0 ? c : Integer.compare(a.number(), b.number());
    };

    private Subsample() {
    }

    /**
     * The first {@code k} items of {@code list} stably sorted by {@code key}
     * ({@code list.sort(Comparator.comparingLong(key))}), as a set, in list order: the items whose
     * key is below the k-th smallest key, then those equal to it, first come first, until there are k.
     * Every caller sorts the result by a total order afterwards, so this replaces sorting all the
     * items (a long study's every observation at every ask) by sorting their keys.
     */
    static <T> List<T> smallest(List<T> list, ToLongFunction<T> key, int k) {
        int n = list.size();
        if (k >= n) {
            return new ArrayList<>(list);
        }
        List<T> out = new ArrayList<>(Math.max(k, 0));
        if (k <= 0) {
            return out;
        }
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = key.applyAsLong(list.get(i));
        }
        long[] sorted = keys.clone();
        Arrays.sort(sorted);
        long kth = sorted[k - 1];
        int firstKth = k - 1;
        while (firstKth > 0 && sorted[firstKth - 1] == kth) {
            firstKth--;
        }
        int equal = k - firstKth; // how many with key kth are among the first k
        for (int i = 0; i < n; i++) {
            if (keys[i] < kth || (keys[i] == kth && equal-- > 0)) {
                out.add(list.get(i));
            }
        }
        return out;
    }

    /**
     * At most {@code max} points for the posterior: all when there are that few; else those at and
     * above the target level first (up to two thirds of {@code max}), then the lower levels; within
     * each group the best quarter by loss and a stable random sample of the rest.
     */
    static List<Point> posterior(List<Point> points, int target, int max) {
        if (points.size() <= max) {
            return points;
        }
        List<Point> high = new ArrayList<>();
        List<Point> low = new ArrayList<>();
        for (Point p : points) {
            (p.level() >= target ? high : low).add(p);
        }
        List<Point> keep = new ArrayList<>(choose(high, Math.min(high.size(), 2 * max / 3)));
        keep.addAll(choose(low, max - keep.size()));
        keep.sort(BY_LEVEL_AND_NUMBER);
        return keep;
    }

    /**
     * The hyper-parameter subset: the settled points (a running trial's latest report moves with
     * every epoch) of {@code points}, at most {@code max} of them, a stable random sample; all
     * points when fewer than ten are settled.
     */
    static List<Point> fit(List<Point> points, int max) {
        List<Point> frozen = new ArrayList<>();
        for (Point p : points) {
            if (p.frozen()) {
                frozen.add(p);
            }
        }
        List<Point> pool = frozen.size() >= 10 ? frozen : points;
        if (pool.size() <= max) {
            return pool;
        }
        List<Point> sample = smallest(pool, Subsample::hash, max);
        sample.sort(BY_LEVEL_AND_NUMBER);
        return sample;
    }

    /** The best quarter of {@code k} by loss, then the smallest hashes among the rest. */
    private static List<Point> choose(List<Point> group, int k) {
        if (group.size() <= k) {
            return group;
        }
        List<Point> byLoss = new ArrayList<>(group);
        byLoss.sort(BY_LOSS_AND_NUMBER);
        List<Point> out = new ArrayList<>(byLoss.subList(0, k / 4));
        out.addAll(smallest(byLoss.subList(k / 4, byLoss.size()), Subsample::hash, k - out.size()));
        return out; // a set: the caller sorts it
    }

    static long hash(Point p) {
        return hash(p.number(), p.level());
    }

    /** The stable hash of (trial number, level) the bottom-k samples sort by. */
    static long hash(int number, int level) {
        long z = number * 0x9E3779B97F4A7C15L + level * 0xD1B54A32D192ED03L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
