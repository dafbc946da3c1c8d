package io.hypatia.benchmark.synthetic.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exact hypervolume of a set of points (all objectives minimised) with respect to a reference
 * point, in two or three dimensions: the measure of the region that some point weakly dominates
 * and that is dominated by the reference point. Points not strictly better than the reference
 * point in every objective add nothing. Dominated and duplicate points are allowed.
 *
 * <p>Two dimensions: a sweep in increasing f1, O(n log n). Three dimensions: a sweep in
 * increasing f3 that keeps the 2-D non-dominated staircase of the points seen so far and its
 * area, updated as points enter and dominated ones leave, O(n log n).
 */
final class Hypervolume {
    private Hypervolume() {
    }

    static double of(List<double[]> points, double[] reference) {
        return switch (reference.length) {
            case 2 -> twoD(points, reference);
            case 3 -> threeD(points, reference);
            default -> throw new IllegalArgumentException("hypervolume is implemented for 2 and 3 objectives, not "
                    + reference.length);
        };
    }

    private static List<double[]> inside(List<double[]> points, double[] reference) {
        List<double[]> kept = new ArrayList<>();
        for (double[] p : points) {
            if (p.length != reference.length) {
                throw new IllegalArgumentException("point has " + p.length + " objectives, reference point " + reference.length);
            }
            boolean better = true;
            for (int i = 0; i < p.length; i++) {
                better &= p[i] < reference[i];
            }
            if (better) {
                kept.add(p);
            }
        }
        return kept;
    }

    private static double twoD(List<double[]> points, double[] reference) {
        List<double[]> sorted = inside(points, reference);
        sorted.sort(Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
        double area = 0;
        double bestF2 = reference[1];
        for (double[] p : sorted) {
            if (p[1] < bestF2) {
                area += (reference[0] - p[0]) * (bestF2 - p[1]);
                bestF2 = p[1];
            }
        }
        return area;
    }

    private static double threeD(List<double[]> points, double[] reference) {
        List<double[]> sorted = inside(points, reference);
        sorted.sort(Comparator.comparingDouble(p -> p[2]));
        Staircase staircase = new Staircase(reference[0], reference[1]);
        double volume = 0;
        for (int i = 0; i < sorted.size(); i++) {
            staircase.add(sorted.get(i)[0], sorted.get(i)[1]);
            double nextF3 = i + 1 < sorted.size() ? sorted.get(i + 1)[2] : reference[2];
            volume += staircase.area * (nextF3 - sorted.get(i)[2]);
        }
        return volume;
    }

    /** Mutually non-dominated 2-D points by increasing f1 (so decreasing f2), and the area they dominate. */
    private static final class Staircase {
        private final TreeMap<Double, Double> f2ByF1 = new TreeMap<>();
        private final double reference1;
        private final double reference2;
        double area;

        Staircase(double reference1, double reference2) {
            this.reference1 = reference1;
            this.reference2 = reference2;
        }

        void add(double f1, double f2) {
            Map.Entry<Double, Double> left = f2ByF1.floorEntry(f1);
            if (left != null && left.getValue() <= f2) {
                return; // weakly dominated
            }
            // the new point dominates the points from f1 on whose f2 is not below its own
            for (Map.Entry<Double, Double> right = f2ByF1.ceilingEntry(f1);
                 right != null && right.getValue() >= f2; right = f2ByF1.ceilingEntry(f1)) {
                area -= exclusiveArea(right.getKey(), right.getValue());
                f2ByF1.remove(right.getKey());
            }
            area += exclusiveArea(f1, f2);
            f2ByF1.put(f1, f2);
        }

        /**
         * The rectangle only (f1, f2) dominates among the staircase's points: up to the next
         * point's f1 and the previous point's f2 (or the reference point's).
         */
        private double exclusiveArea(double f1, double f2) {
            Double nextF1 = f2ByF1.higherKey(f1);
            Map.Entry<Double, Double> previous = f2ByF1.lowerEntry(f1);
            return ((nextF1 == null ? reference1 : nextF1) - f1) * ((previous == null ? reference2 : previous.getValue()) - f2);
        }
    }
}
