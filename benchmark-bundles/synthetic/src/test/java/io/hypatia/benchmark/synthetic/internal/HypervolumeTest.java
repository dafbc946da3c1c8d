package io.hypatia.benchmark.synthetic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The exact 2-D and 3-D hypervolume against hand-computed areas and an independent inclusion-exclusion count. */
class HypervolumeTest {

    @Test
    void twoDimensionalStaircase() {
        // three steps under (4, 4): 3 * 1 + 2 * 1 + 1 * 1
        List<double[]> points = new ArrayList<>(List.of(new double[] {1, 3}, new double[] {2, 2}, new double[] {3, 1}));
        assertEquals(6, Hypervolume.of(points, new double[] {4, 4}), 1e-12);
        // a dominated point, a duplicate and points on or beyond the reference point change nothing
        points.add(new double[] {3, 3});
        points.add(new double[] {2, 2});
        points.add(new double[] {5, 0});
        points.add(new double[] {0, 4});
        assertEquals(6, Hypervolume.of(points, new double[] {4, 4}), 1e-12);
        assertEquals(0, Hypervolume.of(List.of(), new double[] {4, 4}));
    }

    @Test
    void threeDimensionalBoxes() {
        assertEquals(6, Hypervolume.of(List.of(new double[] {0, 0, 0}), new double[] {1, 2, 3}), 1e-12);
        // boxes of volume 4 and 2 overlapping in the unit cube [1, 2]^3
        assertEquals(5, Hypervolume.of(List.of(new double[] {0, 0, 1}, new double[] {1, 1, 0}), new double[] {2, 2, 2}), 1e-12);
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

    @Test
    void threeDimensionalWithAConstantThirdObjectiveIsTheAreaTimesTheDepth() {
        SplittableRandom random = new SplittableRandom(5);
        List<double[]> flat = new ArrayList<>();
        List<double[]> slab = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            double a = random.nextDouble(), b = random.nextDouble();
            flat.add(new double[] {a, b});
            slab.add(new double[] {a, b, 0.25});
        }
        assertEquals(0.75 * Hypervolume.of(flat, new double[] {1, 1}), Hypervolume.of(slab, new double[] {1, 1, 1}), 1e-12);
    }

    @Test
    void otherDimensionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Hypervolume.of(List.of(new double[4]), new double[4]));
        assertThrows(IllegalArgumentException.class, () -> Hypervolume.of(List.of(new double[3]), new double[2]));
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
