package io.hypatia.api.pareto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ParetoRankingTest {

    @Test
    void sortsAKnownSetIntoFronts() {
        double[][] pts = {{1, 4}, {2, 2}, {4, 1}, {3, 3}, {5, 5}, {2, 5}, {1, 4}};
        int[][] fronts = ParetoRanking.fronts(pts);
        assertArrayEquals(new int[]{0, 1, 2, 6}, fronts[0]);
        assertArrayEquals(new int[]{3, 5}, fronts[1]);
        assertArrayEquals(new int[]{4}, fronts[2]);
        assertArrayEquals(new int[]{0, 0, 0, 1, 2, 1, 0}, ParetoRanking.ranks(pts));
        assertTrue(ParetoRanking.dominates(pts[1], pts[3]));
        assertFalse(ParetoRanking.dominates(pts[0], pts[6]), "equal points do not dominate each other");
    }

    @Test
    void frontsSatisfyTheDefinitionOnRandomPoints() {
        SplittableRandom r = new SplittableRandom(3);
        for (int m = 2; m <= 4; m++) {
            double[][] pts = new double[120][m];
            for (double[] p : pts) {
                for (int k = 0; k < m; k++) {
                    p[k] = r.nextInt(10); // ties on purpose
                }
            }
            int[] rank = ParetoRanking.ranks(pts);
            for (int i = 0; i < pts.length; i++) {
                boolean dominatedByPrevious = false;
                for (int j = 0; j < pts.length; j++) {
                    if (ParetoRanking.dominates(pts[j], pts[i])) {
                        assertTrue(rank[j] < rank[i], "a dominator has a lower rank");
                        dominatedByPrevious |= rank[j] == rank[i] - 1;
                    }
                }
                assertEquals(rank[i] > 0, dominatedByPrevious, "rank k > 0 is dominated by front k-1");
            }
        }
    }

    @Test
    void crowdingDistanceGivesBoundariesInfinityAndInteriorTheNormalisedGap() {
        double[][] pts = {{0, 4}, {1, 3}, {3, 1}, {4, 0}};
        double[] d = ParetoRanking.crowdingDistance(pts, new int[]{0, 1, 2, 3});
        assertEquals(Double.POSITIVE_INFINITY, d[0]);
        assertEquals(Double.POSITIVE_INFINITY, d[3]);
        assertEquals(3.0 / 4 + 3.0 / 4, d[1], 1e-12);
        assertEquals(3.0 / 4 + 3.0 / 4, d[2], 1e-12);
        double[] all = ParetoRanking.crowdingDistances(pts, ParetoRanking.fronts(pts));
        assertArrayEquals(d, all);
    }

    @Test
    void constrainedDominationPutsFeasibleFirstThenSmallerViolation() {
        double[][] pts = {{5, 5}, {0, 0}, {1, 1}, {4, 6}};
        double[] violation = {0, 2, 1, 0};
        int[][] fronts = ParetoRanking.fronts(pts, violation);
        assertArrayEquals(new int[]{0, 3}, fronts[0]);
        assertArrayEquals(new int[]{2}, fronts[1]);
        assertArrayEquals(new int[]{1}, fronts[2]);
        assertTrue(ConstrainedOrder.compare(10, 0, -10, 0.5) < 0);
        assertTrue(ConstrainedOrder.compare(10, 0.1, -10, 0.5) < 0);
        assertTrue(ConstrainedOrder.compare(1, 0, 2, 0) < 0);
        assertEquals(3.0, ConstrainedOrder.violation(java.util.List.of(-1.0, 1.0, 2.0)));
        assertEquals(Double.POSITIVE_INFINITY, ConstrainedOrder.violation(java.util.List.of(Double.NaN)));
    }
}
