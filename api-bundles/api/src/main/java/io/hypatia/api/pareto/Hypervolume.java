package io.hypatia.api.pareto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Exact hypervolume of a set of loss vectors (minimisation) with respect to a reference point:
 * the Lebesgue measure of the region dominated by the set and bounded by the reference.
 *
 * <p>Two objectives use an O(n log n) sweep; more objectives use "hypervolume by slicing
 * objectives" (While, Hingston, Barone and Huband 2006): sort on the last objective and sum slab
 * thickness times the (d-1)-dimensional hypervolume of the points below the slab. That is
 * O(n^2 log n) for three objectives and grows as O(n^(d-1)) beyond, fine for the front sizes a
 * sampler sees. Points that do not strictly dominate the reference contribute nothing.
 */
public final class Hypervolume {
    private Hypervolume() {
    }

    /** The hypervolume of {@code points} w.r.t. {@code reference}; 0 for an empty set. */
    public static double of(double[][] points, double[] reference) {
        return compute(inside(Arrays.asList(points), reference), reference, reference.length);
    }

    /** The hypervolume of {@code points} w.r.t. {@code reference}; 0 for an empty list. */
    public static double of(List<double[]> points, double[] reference) {
        return compute(inside(points, reference), reference, reference.length);
    }

    /**
     * The exclusive contribution of each point: the volume lost when that point alone is removed.
     * Dominated and duplicated points contribute 0.
     *
     * @return contributions aligned with {@code points}
     */
    public static double[] contributions(double[][] points, double[] reference) {
        List<double[]> all = Arrays.asList(points);
        double total = of(all, reference);
        double[] out = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            if (!strictlyInside(points[i], reference)) {
                continue;
            }
            List<double[]> rest = new ArrayList<>(all);
            rest.remove(i);
            out[i] = Math.max(0, total - of(rest, reference));
        }
        return out;
    }

    private static boolean strictlyInside(double[] p, double[] reference) {
        if (p.length != reference.length) {
            throw new IllegalArgumentException("point has " + p.length + " objectives, reference has " + reference.length);
        }
        for (int k = 0; k < p.length; k++) {
            if (Double.isNaN(p[k])) {
                throw new IllegalArgumentException("point has a NaN loss: " + Arrays.toString(p));
            }
            if (!(p[k] < reference[k])) {
                return false;
            }
        }
        return true;
    }

    private static List<double[]> inside(List<double[]> points, double[] reference) {
        for (double r : reference) {
            if (!Double.isFinite(r)) {
                throw new IllegalArgumentException("reference point must be finite: " + Arrays.toString(reference));
            }
        }
        List<double[]> out = new ArrayList<>(points.size());
        for (double[] p : points) {
            if (strictlyInside(p, reference)) {
                out.add(p);
            }
        }
        return out;
    }

    /** Hypervolume over the first {@code d} coordinates of points that all lie inside the reference box. */
    private static double compute(List<double[]> points, double[] reference, int d) {
        if (points.isEmpty()) {
            return 0;
        }
        if (d == 1) {
            double min = reference[0];
            for (double[] p : points) {
                min = Math.min(min, p[0]);
            }
            return reference[0] - min;
        }
        if (d == 2) {
            return sweep2d(points, reference);
        }
        int last = d - 1;
        List<double[]> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble(p -> p[last]));
        double volume = 0;
        List<double[]> below = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            below.add(sorted.get(i));
            double top = i + 1 < sorted.size() ? sorted.get(i + 1)[last] : reference[last];
            double thickness = top - sorted.get(i)[last];
            if (thickness > 0) {
                volume += thickness * compute(below, reference, d - 1);
            }
        }
        return volume;
    }

    private static double sweep2d(List<double[]> points, double[] reference) {
        double[][] sorted = points.toArray(new double[0][]);
        Arrays.sort(sorted, Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
        double area = 0, bestY = reference[1];
        for (double[] p : sorted) {
            if (p[1] < bestY) {
                area += (reference[0] - p[0]) * (bestY - p[1]);
                bestY = p[1];
            }
        }
        return area;
    }
}
