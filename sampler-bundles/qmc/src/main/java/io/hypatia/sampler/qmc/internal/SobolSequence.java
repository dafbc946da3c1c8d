package io.hypatia.sampler.qmc.internal;

import java.util.SplittableRandom;

/**
 * The Sobol sequence in base 2 (Sobol 1967; Bratley and Fox 1988) with Joe-Kuo direction
 * numbers, optionally randomised by <b>linear matrix scrambling plus a random digital shift</b>
 * (Matousek 1998, "On the L2-discrepancy for anchored boxes"; Owen 2003, "Variance with
 * alternative scramblings of digital nets"). Owen's full nested scrambling is not used.
 *
 * <p>Point i in dimension j is the 32-bit binary expansion {@code L_j C_j digits(i) XOR e_j},
 * where C_j is the generating matrix whose k-th column is the direction number V_{j,k},
 * L_j a random lower-triangular binary matrix with unit diagonal and e_j a random 32-bit shift.
 * Both are non-singular digital transforms, so every (t, m, s)-net property of the plain
 * sequence (e.g. that each run of 2^m points starting at a multiple of 2^m stratifies all 1-D
 * elementary intervals of length 2^-m) is kept, while the points become uniformly distributed.
 * Points are indexed directly (natural order, not Gray-code order), so point i depends on i only.
 *
 * <p>The scrambling of dimension j is drawn from a stream seeded by (seed, j), so adding a
 * dimension never changes the others.
 */
final class SobolSequence {
    static final int BITS = 32;
    /** Number of dimensions with tabulated direction numbers. */
    static final int MAX_DIMENSION = JoeKuo.ROWS.length + 1;

    private final int dimension;
    /** columns[j][k]: (scrambled) direction number of dimension j for index bit k, MSB = first binary digit. */
    private final int[][] columns;
    private final int[] shift;

    SobolSequence(int dimension, boolean scramble, long seed) {
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new IllegalArgumentException("Sobol dimension must be in 1.." + MAX_DIMENSION + ", got " + dimension);
        }
        this.dimension = dimension;
        this.columns = new int[dimension][];
        this.shift = new int[dimension];
        for (int j = 0; j < dimension; j++) {
            int[] v = directionNumbers(j);
            if (scramble) {
                SplittableRandom r = new SplittableRandom(Mix.mix(seed, 0x5b0b01L, j));
                v = linearScramble(v, r);
                shift[j] = r.nextInt();
            }
            columns[j] = v;
        }
    }

    int dimension() {
        return dimension;
    }

    /** Unscrambled direction numbers V_k = m_k 2^(32-k), k = 1..32, of 0-based dimension j. */
    static int[] directionNumbers(int j) {
        int[] v = new int[BITS];
        if (j == 0) {
            for (int k = 0; k < BITS; k++) {
                v[k] = 1 << (BITS - 1 - k);
            }
            return v;
        }
        int[] row = JoeKuo.ROWS[j - 1];
        int s = row[0], a = row[1];
        long[] m = new long[BITS + 1]; // 1-based m_k
        for (int k = 1; k <= s; k++) {
            m[k] = row[1 + k];
        }
        // Bratley-Fox recurrence: m_k = 2 a_1 m_{k-1} ^ 4 a_2 m_{k-2} ^ ... ^ 2^(s-1) a_(s-1) m_(k-s+1) ^ 2^s m_(k-s) ^ m_(k-s)
        for (int k = s + 1; k <= BITS; k++) {
            long mk = m[k - s] ^ (m[k - s] << s);
            for (int i = 1; i < s; i++) {
                int ai = (a >>> (s - 1 - i)) & 1;
                if (ai == 1) {
                    mk ^= m[k - i] << i;
                }
            }
            m[k] = mk;
        }
        for (int k = 1; k <= BITS; k++) {
            v[k - 1] = (int) (m[k] << (BITS - k));
        }
        return v;
    }

    /**
     * Left-multiplies every column by a random lower-triangular binary matrix L with unit
     * diagonal: output digit r is the parity of (row r of L) AND column. Digit r (1-based from the
     * most significant) sits at bit 32 - r.
     */
    private static int[] linearScramble(int[] v, SplittableRandom r) {
        int[] rows = new int[BITS];
        for (int d = 0; d < BITS; d++) {
            int diagonal = 1 << (BITS - 1 - d);
            int above = d == 0 ? 0 : -(1 << (BITS - d)); // bits of the earlier (more significant) digits
            rows[d] = diagonal | (r.nextInt() & above);
        }
        int[] out = new int[BITS];
        for (int k = 0; k < BITS; k++) {
            int col = 0;
            for (int d = 0; d < BITS; d++) {
                if ((Integer.bitCount(rows[d] & v[k]) & 1) == 1) {
                    col |= 1 << (BITS - 1 - d);
                }
            }
            out[k] = col;
        }
        return out;
    }

    /** Coordinate j of point {@code index} (0 <= index < 2^32), in [0, 1). */
    double coordinate(long index, int j) {
        if (index < 0 || index >= (1L << BITS)) {
            throw new IllegalArgumentException("Sobol index out of range: " + index);
        }
        int x = shift[j];
        int[] v = columns[j];
        for (int k = 0; index >>> k != 0; k++) {
            if (((index >>> k) & 1) == 1) {
                x ^= v[k];
            }
        }
        // the midpoint of the 2^-32 cell keeps every coordinate strictly inside (0, 1)
        return ((x & 0xFFFFFFFFL) + 0.5) / 4294967296.0;
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
