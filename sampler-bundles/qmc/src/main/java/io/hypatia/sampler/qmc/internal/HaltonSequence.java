package io.hypatia.sampler.qmc.internal;

import java.util.SplittableRandom;

/**
 * The Halton sequence (Halton 1960): coordinate j of point i is the radical inverse of i in the
 * j-th prime base. Scrambled, each digit position k of each dimension gets its own random
 * permutation of the digits {0, ..., b-1} (random digit permutation, as in Owen's "A randomized
 * Halton algorithm in R", 2017, but with independent permutations per position rather than
 * nested ones). The trailing zero digits of i are permuted too, so the randomised point has a
 * full-precision random tail; permutation depth runs until b^-k falls below 2^-53.
 *
 * <p>Scrambling repairs the strong correlations of plain Halton in high dimensions (the
 * familiar diagonal stripes between consecutive large primes). The permutations of dimension j
 * are drawn from a stream seeded by (seed, j).
 */
final class HaltonSequence {
    private final int dimension;
    private final int[] bases;
    /** permutations[j][k][digit], or null when unscrambled. */
    private final int[][][] permutations;

    HaltonSequence(int dimension, boolean scramble, long seed) {
        if (dimension < 1) {
            throw new IllegalArgumentException("Halton dimension must be >= 1, got " + dimension);
        }
        this.dimension = dimension;
        this.bases = firstPrimes(dimension);
        this.permutations = scramble ? new int[dimension][][] : null;
        if (scramble) {
            for (int j = 0; j < dimension; j++) {
                int b = bases[j];
                int depth = (int) Math.ceil(53 * Math.log(2) / Math.log(b));
                SplittableRandom r = new SplittableRandom(Mix.mix(seed, 0x4a170L, j));
                permutations[j] = new int[depth][];
                for (int k = 0; k < depth; k++) {
                    permutations[j][k] = randomPermutation(b, r);
                }
            }
        }
    }

    int dimension() {
        return dimension;
    }

    int base(int j) {
        return bases[j];
    }

    static int[] firstPrimes(int n) {
        int[] primes = new int[n];
        int count = 0;
        for (int candidate = 2; count < n; candidate++) {
            boolean prime = true;
            for (int i = 0; i < count && primes[i] * primes[i] <= candidate; i++) {
                if (candidate % primes[i] == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) {
                primes[count++] = candidate;
            }
        }
        return primes;
    }

    /** Fisher-Yates shuffle of 0..b-1. */
    private static int[] randomPermutation(int b, SplittableRandom r) {
        int[] p = new int[b];
        for (int i = 0; i < b; i++) {
            p[i] = i;
        }
        for (int i = b - 1; i > 0; i--) {
            int k = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[k];
            p[k] = t;
        }
        return p;
    }

    /** Coordinate j of point {@code index} (index >= 0), in [0, 1). */
    double coordinate(long index, int j) {
        if (index < 0) {
            throw new IllegalArgumentException("Halton index must be >= 0, got " + index);
        }
        int b = bases[j];
        double x = 0, scale = 1.0 / b;
        long rest = index;
        if (permutations == null) {
            while (rest > 0) {
                x += (rest % b) * scale;
                rest /= b;
                scale /= b;
            }
            return x;
        }
        int[][] perm = permutations[j];
        for (int k = 0; k < perm.length; k++) {
            x += perm[k][(int) (rest % b)] * scale;
            rest /= b;
            scale /= b;
        }
        // digits beyond the permutation depth (only for indices >= b^depth, i.e. never in practice)
        while (rest > 0) {
            x += (rest % b) * scale;
            rest /= b;
            scale /= b;
        }
        return Math.min(x, Math.nextDown(1.0));
    }

    /** Point {@code index} in [0, 1)^dimension. */
    double[] point(long index) {
        double[] x = new double[dimension];
        for (int j = 0; j < dimension; j++) {
            x[j] = coordinate(index, j);
        }
        return x;
    }
}
