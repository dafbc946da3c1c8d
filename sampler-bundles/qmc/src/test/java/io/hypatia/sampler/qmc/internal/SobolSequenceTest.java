package io.hypatia.sampler.qmc.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SobolSequenceTest {

    /** Counts of points per elementary interval [i/2^a, (i+1)/2^a) x [k/2^b, (k+1)/2^b). */
    private static boolean stratifies(double[][] pts, int j1, int a, int j2, int b) {
        int[] counts = new int[1 << (a + b)];
        for (double[] p : pts) {
            int i = (int) (p[j1] * (1 << a)), k = (int) (p[j2] * (1 << b));
            counts[(i << b) | k]++;
        }
        int expected = pts.length >> (a + b);
        return Arrays.stream(counts).allMatch(c -> c == expected);
    }

    private static double[][] points(SobolSequence s, int from, int n) {
        double[][] pts = new double[n][];
        for (int i = 0; i < n; i++) {
            pts[i] = s.point(from + i);
        }
        return pts;
    }

    @Test
    void plainSequenceStartsWithTheKnownPoints() {
        SobolSequence s = new SobolSequence(3, false, 0);
        double eps = 1e-9;
        assertArrayEquals(new double[]{0, 0, 0}, s.point(0), eps);
        assertArrayEquals(new double[]{0.5, 0.5, 0.5}, s.point(1), eps);
        assertArrayEquals(new double[]{0.25, 0.75, 0.75}, s.point(2), eps);
        assertArrayEquals(new double[]{0.75, 0.25, 0.25}, s.point(3), eps);
        // direction numbers of dimension 2 (x^1+1): m = 1, 3, 5, 15, ...
        int[] v = SobolSequence.directionNumbers(1);
        assertEquals(5, v[2] >>> 29);
        assertEquals(15, v[3] >>> 28);
    }

    @Test
    void everyBlockOf2PowMPointsStratifiesEveryOneDimensionalInterval() {
        for (long seed : new long[]{1, 2, 3}) {
            SobolSequence s = new SobolSequence(SobolSequence.MAX_DIMENSION, true, seed);
            for (int m = 1; m <= 10; m++) {
                double[][] pts = points(s, 1 << m, 1 << m); // the second block, to check blocks too
                for (int j = 0; j < s.dimension(); j++) {
                    assertTrue(stratifies(pts, j, m, j, 0), "dim " + j + ", m " + m);
                }
            }
        }
    }

    @Test
    void firstTwoDimensionsAreA02SequenceAndOtherPairsHaveSmallTValues() {
        SobolSequence s = new SobolSequence(32, true, 7);
        for (int m = 1; m <= 10; m++) {
            double[][] pts = points(s, 0, 1 << m);
            for (int a = 0; a <= m; a++) {
                assertTrue(stratifies(pts, 0, a, 1, m - a), "(0,m,2)-net, m=" + m + " a=" + a);
            }
        }
        // every pair of the first 32 dimensions: the first 2^10 points form a (t,10,2)-net with t <= 6 (most have t <= 3)
        double[][] pts = points(s, 0, 1 << 10);
        int maxT = 0;
        int[] histogram = new int[11];
        for (int j1 = 0; j1 < 32; j1++) {
            for (int j2 = j1 + 1; j2 < 32; j2++) {
                int t = 0;
                while (!allSplits(pts, j1, j2, 10 - t)) {
                    t++;
                }
                maxT = Math.max(maxT, t);
                histogram[t]++;
            }
        }
        System.out.println("t-values of 2-D projections (first 32 dims, m=10): " + Arrays.toString(histogram));
        assertTrue(maxT <= 6, "max t " + maxT);
    }

    private static boolean allSplits(double[][] pts, int j1, int j2, int k) {
        for (int a = 0; a <= k; a++) {
            if (!stratifies(pts, j1, a, j2, k - a)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void scramblingDependsOnTheSeedAndNotOnTheNumberOfDimensions() {
        SobolSequence a = new SobolSequence(5, true, 42), b = new SobolSequence(40, true, 42), c = new SobolSequence(5, true, 43);
        for (int i = 0; i < 50; i++) {
            assertArrayEquals(a.point(i), Arrays.copyOf(b.point(i), 5));
            assertTrue(!Arrays.equals(a.point(i), c.point(i)));
            for (double x : b.point(i)) {
                assertTrue(x > 0 && x < 1);
            }
        }
    }

    @Test
    void discrepancyIsWellBelowRandomPoints() {
        int n = 256, d = 6;
        double[] sobol = new double[7], halton = new double[7], random = new double[7];
        for (int rep = 0; rep < 7; rep++) {
            SobolSequence s = new SobolSequence(d, true, rep);
            HaltonSequence h = new HaltonSequence(d, true, rep);
            SplittableRandom r = new SplittableRandom(rep);
            double[][] ps = new double[n][], ph = new double[n][], pr = new double[n][d];
            for (int i = 0; i < n; i++) {
                ps[i] = s.point(i);
                ph[i] = h.point(i);
                for (int k = 0; k < d; k++) {
                    pr[i][k] = r.nextDouble();
                }
            }
            sobol[rep] = Discrepancy.centredL2(ps);
            halton[rep] = Discrepancy.centredL2(ph);
            random[rep] = Discrepancy.centredL2(pr);
        }
        Arrays.sort(sobol);
        Arrays.sort(halton);
        Arrays.sort(random);
        System.out.printf("centred L2 discrepancy, n=%d d=%d, medians: sobol %.5f halton %.5f random %.5f%n",
                n, d, sobol[3], halton[3], random[3]);
        assertTrue(sobol[6] < 0.5 * random[3], "worst Sobol " + sobol[6] + " vs median random " + random[3]);
        assertTrue(halton[6] < 0.5 * random[3], "worst Halton " + halton[6] + " vs median random " + random[3]);
    }
}
