package io.hypatia.sampler.grid.internal;

/**
 * A seeded pseudo-random permutation of {0, ..., n-1} evaluated one index at a time, so the
 * shuffled grid order needs no stored state: a balanced Feistel network on the smallest even
 * number of bits covering n, with cycle walking (re-encrypt until the result falls below n;
 * Black and Rogaway 2002, "Ciphers with arbitrary finite domains"). A Feistel network is a
 * bijection on its bit domain whatever its round function, and cycle walking restricts a
 * bijection to a subset, so the result is a permutation of 0..n-1.
 */
final class ShuffledOrder {
    private static final int ROUNDS = 6;
    private final long n;
    private final long seed;
    private final int halfBits;
    private final long halfMask;

    ShuffledOrder(long n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        this.n = n;
        this.seed = seed;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
        if (bits % 2 == 1) {
            bits++;
        }
        this.halfBits = bits / 2;
        this.halfMask = halfBits == 32 ? 0xFFFFFFFFL : (1L << halfBits) - 1;
    }

    /** The position-{@code i} element of the permutation. */
    long at(long i) {
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException(i + " outside 0.." + (n - 1));
        }
        long x = i;
        do {
            x = encrypt(x);
        } while (x >= n);
        return x;
    }

    private long encrypt(long x) {
        long left = (x >>> halfBits) & halfMask, right = x & halfMask;
        for (int round = 0; round < ROUNDS; round++) {
            long next = left ^ (roundFunction(right, round) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    private long roundFunction(long value, int round) {
        long z = value + seed * 0x9E3779B97F4A7C15L + (round + 1) * 0xD1B54A32D192ED03L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
