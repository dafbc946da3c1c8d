package io.hypatia.sampler.qmc.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HaltonSequenceTest {

    @Test
    void plainSequenceIsTheRadicalInverse() {
        HaltonSequence h = new HaltonSequence(3, false, 0);
        assertArrayEquals(new int[]{2, 3, 5, 7, 11, 13}, HaltonSequence.firstPrimes(6));
        assertArrayEquals(new double[]{0.5, 1.0 / 3, 1.0 / 5}, h.point(1), 1e-15);
        assertArrayEquals(new double[]{0.25, 2.0 / 3, 2.0 / 5}, h.point(2), 1e-15);
        assertArrayEquals(new double[]{0.75, 1.0 / 9, 3.0 / 5}, h.point(3), 1e-15);
        assertEquals(0.625, h.coordinate(5, 0), 1e-15);
    }

    @Test
    void scrambledBlocksOfBPowKPointsStratifyEachAxis() {
        HaltonSequence h = new HaltonSequence(8, true, 99);
        for (int j = 0; j < 8; j++) {
            int b = h.base(j);
            for (int k = 1; Math.pow(b, k) <= 3000; k++) {
                int n = (int) Math.pow(b, k);
                int[] counts = new int[n];
                for (int i = 0; i < n; i++) {
                    double x = h.coordinate(i, j);
                    assertTrue(x >= 0 && x < 1);
                    counts[(int) (x * n)]++;
                }
                assertTrue(Arrays.stream(counts).allMatch(c -> c == 1), "base " + b + ", k " + k);
            }
        }
    }

    @Test
    void scramblingBreaksTheHighDimensionalStripes() {
        // plain Halton in bases 43 and 47 puts the first 40 points on one line; scrambled it does not
        HaltonSequence plain = new HaltonSequence(15, false, 0), scrambled = new HaltonSequence(15, true, 5);
        assertEquals(43, plain.base(13));
        assertTrue(correlation(plain, 13, 14, 40) > 0.99);
        assertTrue(Math.abs(correlation(scrambled, 13, 14, 40)) < 0.5);
    }

    private static double correlation(HaltonSequence h, int a, int b, int n) {
        double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        for (int i = 1; i <= n; i++) {
            double x = h.coordinate(i, a), y = h.coordinate(i, b);
            sa += x;
            sb += y;
            saa += x * x;
            sbb += y * y;
            sab += x * y;
        }
        double cov = sab / n - sa * sb / n / n;
        return cov / Math.sqrt((saa / n - sa * sa / n / n) * (sbb / n - sb * sb / n / n));
    }
}
