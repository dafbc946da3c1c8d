package io.hypatia.api.pareto;

import java.util.List;
import java.util.ArrayList;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HypervolumeTest {

    /** Counts unit cells of the box [0, ref)^d dominated by some integer point. */
    private static double bruteForce(double[][] pts, int ref, int d) {
        int cells = (int) Math.pow(ref, d), count = 0;
        int[] c = new int[d];
        for (int idx = 0; idx < cells; idx++) {
            int rest = idx;
            for (int k = 0; k < d; k++) {
                c[k] = rest % ref;
                rest /= ref;
            }
            for (double[] p : pts) {
                boolean covers = true;
                for (int k = 0; k < d && covers; k++) {
                    covers = p[k] <= c[k];
                }
                if (covers) {
                    count++;
                    break;
                }
            }
        }
        return count;
    }

    @Test
    void matchesCellCountingIn2To4Dimensions() {
        SplittableRandom r = new SplittableRandom(11);
        for (int d = 2; d <= 4; d++) {
            for (int rep = 0; rep < 20; rep++) {
                double[][] pts = new double[1 + r.nextInt(15)][d];
                for (double[] p : pts) {
                    for (int k = 0; k < d; k++) {
                        p[k] = r.nextInt(8); // some may sit on the reference's faces: they add nothing
                    }
                }
                double[] ref = new double[d];
                java.util.Arrays.fill(ref, 7);
                assertEquals(bruteForce(pts, 7, d), Hypervolume.of(pts, ref), 1e-9, "d=" + d);
            }
        }
    }

    @Test
    void zdt1TrueFrontHasTheKnownHypervolume() {
        int n = 20001;
        double[][] front = new double[n][];
        for (int i = 0; i < n; i++) {
            double f1 = i / (double) (n - 1);
            front[i] = new double[]{f1, 1 - Math.sqrt(f1)};
        }
        // 1.1 * 1.1 - integral_0^1 (1 - sqrt x) dx - 0.1 * 1.1 * 0 ... = 0.1 + 2/3 + 0.11
        assertEquals(0.1 + 2.0 / 3 + 0.11, Hypervolume.of(front, new double[]{1.1, 1.1}), 1e-4);
    }

    @Test
    void exclusiveContributions() {
        double[][] pts = {{1, 3}, {2, 2}, {3, 1}, {3, 3}, {5, 0}};
        assertArrayEquals(new double[]{1, 1, 1, 0, 0}, Hypervolume.contributions(pts, new double[]{4, 4}), 1e-12);
        double[][] three = {{0, 0, 1}, {1, 1, 0}, {0, 0, 1}};
        // the duplicate pair contributes nothing exclusively; (1,1,0) adds the slab z in [0,1) over [1,2)^2
        assertArrayEquals(new double[]{0, 1, 0}, Hypervolume.contributions(three, new double[]{2, 2, 2}), 1e-12);
        assertEquals(5.0, Hypervolume.of(three, new double[]{2, 2, 2}), 1e-12);
    }

    @Test
    void threeDimensionalMatchesInclusionExclusion() {
        SplittableRandom random = new SplittableRandom(3);
        double[] reference = {1, 1, 1};
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + random.nextInt(9);
            List<double[]> points = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                double[] p = new double[3];
                for (int j = 0; j < 3; j++) {
                    // every other set on a coarse grid, so that ties in every coordinate occur
                    p[j] = trial % 2 == 0 ? random.nextDouble(1.1) : random.nextInt(5) / 4.0;
                }
                points.add(p);
            }
            assertEquals(inclusionExclusion(points, reference), Hypervolume.of(points, reference), 1e-12, "trial " + trial);
        }
    }

    /** The volume of a union of boxes [p, reference] by inclusion-exclusion over all subsets. */
    static double inclusionExclusion(List<double[]> points, double[] reference) {
        double total = 0;
        for (int subset = 1; subset < 1 << points.size(); subset++) {
            double volume = 1;
            for (int j = 0; j < reference.length; j++) {
                double corner = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < points.size(); i++) {
                    if ((subset & 1 << i) != 0) {
                        corner = Math.max(corner, points.get(i)[j]);
                    }
                }
                volume *= Math.max(0, reference[j] - corner);
            }
            total += Integer.bitCount(subset) % 2 == 1 ? volume : -volume;
        }
        return total;
    }
}
