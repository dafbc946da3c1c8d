package io.hypatia.sampler.gp.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The shortcuts that make a model-based ask cheaper must not change a single bit of what it
 * computes: each is checked here against the computation it replaces.
 */
class BitIdenticalShortcutsTest {
    private static final int D = 3;
    private static final Hyperparameters HYPER = new Hyperparameters(new double[]{0.3, 0.5, 0.8}, 1.3, 1e-4);

    private static double[] points(int n, SplittableRandom random) {
        double[] x = new double[n * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble();
        }
        return x;
    }

    private static void assertSameFactor(Cholesky expected, Cholesky actual, String what) {
        assertEquals(expected.n, actual.n, what);
        assertEquals(Double.doubleToLongBits(expected.jitter), Double.doubleToLongBits(actual.jitter), what + ": jitter");
        for (int i = 0; i < expected.n; i++) {
            for (int j = 0; j <= i; j++) {
                int at = i * expected.n + j;
                assertEquals(Double.doubleToLongBits(expected.l[at]), Double.doubleToLongBits(actual.l[at]),
                        what + ": L[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void factorFromSharedLeadingRowsIsBitForBitTheFullFactor() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 20; trial++) {
            int n = 5 + random.nextInt(120);
            double[] x = points(n, random);
            Cholesky full = GaussianProcess.factor(x, D, HYPER);
            assertEquals(0, full.jitter);
            // an older factor that shares the first rows, then differs (changed, inserted or removed rows)
            int shared = random.nextInt(n + 1);
            double[] older = Arrays.copyOf(x, (shared + random.nextInt(20)) * D);
            for (int i = shared * D; i < older.length; i++) {
                older[i] = random.nextDouble();
            }
            Cholesky prefix = GaussianProcess.factor(older, D, HYPER);
            int rows = Math.min(shared, older.length / D);
            assertSameFactor(full, GaussianProcess.factorFrom(prefix, older, older.length / D, rows, x, D, HYPER),
                    "n=" + n + " rows=" + rows);
        }
    }

    @Test
    void factorFromReusesTheLeadingColumnsOfMovedRowsBitForBit() {
        SplittableRandom random = new SplittableRandom(17);
        for (int trial = 0; trial < 20; trial++) {
            int n = 10 + random.nextInt(120);
            double[] x = points(n, random);
            // the older rows: x's first ones, then some rows removed, new ones inserted, the rest of x shifted
            int shared = 1 + random.nextInt(n - 1);
            double[] older = Arrays.copyOf(x, shared * D);
            for (int i = shared; i < n; i++) {
                int kind = random.nextInt(4);
                if (kind == 0) { // a row x does not have
                    older = Arrays.copyOf(older, older.length + D);
                    for (int j = older.length - D; j < older.length; j++) {
                        older[j] = random.nextDouble();
                    }
                }
                if (kind != 1) { // kind 1: x's row i is new (not in older)
                    older = Arrays.copyOf(older, older.length + D);
                    System.arraycopy(x, i * D, older, older.length - D, D);
                }
            }
            if (random.nextBoolean()) { // a duplicate of a later row
                older = Arrays.copyOf(older, older.length + D);
                System.arraycopy(x, (n - 1) * D, older, older.length - D, D);
            }
            Cholesky full = GaussianProcess.factor(x, D, HYPER);
            Cholesky prefix = GaussianProcess.factor(older, D, HYPER);
            int exact = shared + random.nextInt(older.length / D - shared + 1); // rows past this one are not reused
            assertSameFactor(full, GaussianProcess.factorFrom(prefix, older, exact, shared, x, D, HYPER),
                    "n=" + n + " shared=" + shared + " exact=" + exact);
        }
    }

    @Test
    void factorFromFallsBackToJitterExactlyAsTheFullFactor() {
        SplittableRandom random = new SplittableRandom(11);
        double[] x = points(40, random);
        // the last rows duplicate earlier ones: singular without jitter (the noise is tiny)
        Hyperparameters h = new Hyperparameters(new double[]{0.3, 0.5, 0.8}, 1.3, 0);
        System.arraycopy(x, 3 * D, x, 38 * D, D);
        System.arraycopy(x, 4 * D, x, 39 * D, D);
        Cholesky full = GaussianProcess.factor(x, D, h);
        assertTrue(full.jitter > 0, "the test matrix must need jitter");
        Cholesky prefix = GaussianProcess.factor(Arrays.copyOf(x, 30 * D), D, h);
        assertSameFactor(full, GaussianProcess.factorFrom(prefix, Arrays.copyOf(x, 30 * D), 30, 30, x, D, h), "with jitter");
    }

    /** What {@link ModelCache#factor} computed before it reused shared leading rows. */
    private static final class PreviousCache {
        double[] x;
        Cholesky chol;

        Cholesky factor(double[] nx, Hyperparameters h) {
            Cholesky c = null;
            if (x != null && x.length <= nx.length && Arrays.equals(x, 0, x.length, nx, 0, x.length)) {
                c = x.length == nx.length ? chol : GaussianProcess.extendFactor(chol, x, Arrays.copyOfRange(nx, x.length, nx.length), D, h);
            }
            if (c == null) {
                c = GaussianProcess.factor(nx, D, h);
            }
            x = nx.clone();
            chol = c;
            return c;
        }
    }

    @Test
    void modelCacheFactorsAreBitForBitThoseOfTheCacheBefore() {
        // A history as MOBSTER's sorted observations change: rows appended (one or several), inserted
        // in the middle, the last rows moved, rows removed; also duplicates that need jitter.
        SplittableRandom random = new SplittableRandom(3);
        int jittered = 0;
        for (double noise : new double[]{1e-4, 0}) {
            Hyperparameters h = new Hyperparameters(new double[]{0.3, 0.5, 0.8}, 1.3, noise);
            ModelCache cache = new ModelCache();
            PreviousCache previous = new PreviousCache();
            double[] x = points(8, random);
            for (int step = 0; step < 150; step++) {
                int n = x.length / D;
                int kind = random.nextInt(6);
                double[] next;
                if (kind == 0 || kind == 1) { // append 1 or 2 rows
                    next = Arrays.copyOf(x, (n + 1 + kind) * D);
                    for (int i = n * D; i < next.length; i++) {
                        next[i] = random.nextDouble();
                    }
                } else if (kind == 2) { // insert a row
                    int at = random.nextInt(n + 1);
                    next = new double[(n + 1) * D];
                    System.arraycopy(x, 0, next, 0, at * D);
                    System.arraycopy(x, at * D, next, (at + 1) * D, (n - at) * D);
                    for (int j = 0; j < D; j++) {
                        next[at * D + j] = random.nextDouble();
                    }
                } else if (kind == 3) { // move one of the last rows (a running trial's resource)
                    next = x.clone();
                    next[(n - 1 - random.nextInt(Math.min(n, 5))) * D + D - 1] = random.nextDouble();
                } else if (kind == 4 && n > 3) { // remove a row
                    int at = random.nextInt(n);
                    next = new double[(n - 1) * D];
                    System.arraycopy(x, 0, next, 0, at * D);
                    System.arraycopy(x, (at + 1) * D, next, at * D, (n - at - 1) * D);
                } else { // append a duplicate of an earlier row (jitter when the noise is tiny)
                    next = Arrays.copyOf(x, (n + 1) * D);
                    System.arraycopy(x, random.nextInt(n) * D, next, n * D, D);
                }
                x = next;
                Cholesky expected = previous.factor(x, h);
                assertSameFactor(expected, cache.factor(x, D, h), "noise " + noise + ", step " + step + ", kind " + kind);
                jittered += expected.jitter > 0 ? 1 : 0;
            }
        }
        assertTrue(jittered > 0, "the history must reach the jitter path");
    }

    @Test
    void nearestIsBitForBitTheForwardScan() {
        SplittableRandom random = new SplittableRandom(5);
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + random.nextInt(80);
            double[] k = new double[n];
            int shape = trial % 4;
            for (int i = 0; i < n; i++) {
                // few distinct values for many ties; increasing and decreasing runs
                k[i] = switch (shape) {
                    case 0 -> random.nextDouble();
                    case 1 -> random.nextInt(5) * 0.25;
                    case 2 -> i * 0.01 + random.nextInt(3) * 0.001;
                    default -> -i * 0.01 + random.nextInt(2) * 0.1;
                };
            }
            if (trial % 50 == 7) {
                k[random.nextInt(n)] = Double.NaN;
            }
            int size = Math.min(n, 1 + random.nextInt(20));
            int[] expected = new int[size];
            int[] actual = new int[size];
            GaussianProcess.nearestForward(k, expected);
            GaussianProcess.nearest(k, actual);
            assertArrayEquals(expected, actual, "trial " + trial + " " + Arrays.toString(k));
        }
    }

    @Test
    void boundsWithCachedPairKernelsAreBitForBitTheUncachedOnes() {
        checkBoundsAgainstUncached(150, 200, 16, 24, 9);
    }

    @Test
    void boundsAboveThePairCacheLimitAllocateNoSquareArray() {
        int n = 2 * GaussianProcess.PAIR_CACHE_LIMIT;
        long allocated = checkBoundsAgainstUncached(n, 8, 4, 4, 11);
        // an n x n cache would be 8 n^2 = 8.4 MB here; what is needed is O(n + m d)
        assertTrue(allocated < 64L * n * 8, "predictBounds allocated " + allocated + " bytes for n = " + n);
    }

    /**
     * Checks {@code predictBounds} (m candidates, conditioning on {@code near}, recording {@code keep})
     * on n random observations against {@code varianceBound}, which computes every kernel value
     * afresh; returns the bytes {@code predictBounds} allocated.
     */
    private static long checkBoundsAgainstUncached(int n, int m, int near, int keep, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = points(n, random);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = Math.sin(6 * x[i * D]) + x[i * D + 1];
        }
        GaussianProcess gp = GaussianProcess.condition(x, D, y, HYPER);
        double[] cand = points(m, random);
        double[] mean = new double[m], var = new double[m], kOut = new double[m * keep];
        int[] nearOut = new int[m * keep];
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        gp.predictBounds(cand, near, keep, mean, var, nearOut, kOut);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        for (int c = 0; c < m; c++) {
            assertEquals(Double.doubleToLongBits(gp.varianceBound(nearOut, kOut, c * keep, near)), Double.doubleToLongBits(var[c]),
                    "candidate " + c);
        }
        return allocated;
    }

    @Test
    void meansAloneAreBitForBitThoseOfPredictMany() {
        SplittableRandom random = new SplittableRandom(13);
        int n = 90, m = 77; // more than two blocks of predictMany, and a remainder
        double[] x = points(n, random);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = Math.cos(5 * x[i * D + 2]) - x[i * D];
        }
        GaussianProcess gp = GaussianProcess.condition(x, D, y, HYPER);
        double[] cand = points(m, random);
        double[] mean = new double[m], var = new double[m], alone = new double[m];
        gp.predictMany(cand, mean, var);
        gp.predictMeans(cand, alone);
        for (int c = 0; c < m; c++) {
            assertEquals(Double.doubleToLongBits(mean[c]), Double.doubleToLongBits(alone[c]), "candidate " + c);
        }
    }

    /** The row-by-row Cholesky-Banachiewicz that {@link Cholesky#factor} computed before it took rows in pairs. */
    private static double[] referenceFactor(double[] a, int n, double jitter) {
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * n + j] - Cholesky.dot(l, i * n, l, j * n, j);
                if (i == j) {
                    s += jitter;
                    if (!(s > 0)) {
                        return null;
                    }
                    l[i * n + i] = Math.sqrt(s);
                } else {
                    l[i * n + j] = s / l[j * n + j];
                }
            }
        }
        return l;
    }

    /** What {@link Cholesky#inverse} computed before it took entries in pairs. */
    private static double[] referenceInverse(Cholesky c) {
        int n = c.n;
        double[] l = c.l, m = new double[n * n], inv = new double[n * n];
        for (int j = 0; j < n; j++) {
            m[j * n + j] = 1 / l[j * n + j];
            for (int i = j + 1; i < n; i++) {
                m[j * n + i] = -Cholesky.dot(l, i * n + j, m, j * n + j, i - j) / l[i * n + i];
            }
        }
        for (int a = 0; a < n; a++) {
            for (int b = 0; b <= a; b++) {
                double s = Cholesky.dot(m, a * n + a, m, b * n + a, n - a);
                inv[a * n + b] = s;
                inv[b * n + a] = s;
            }
        }
        return inv;
    }

    @Test
    void pairedFactorAndInverseAreBitForBitTheRowByRowOnes() {
        SplittableRandom random = new SplittableRandom(19);
        for (int n = 1; n <= 70; n += 1 + n / 10) {
            double[] x = points(n, random);
            double[] a = GaussianProcess.kernelMatrix(Matern52.scale(x, D, HYPER.lengthscales()), n, D, HYPER);
            Cholesky c = Cholesky.factor(a, n);
            assertEquals(0, c.jitter);
            double[] expected = referenceFactor(a, n, 0);
            for (int k = 0; k < n * n; k++) {
                assertEquals(Double.doubleToLongBits(expected[k]), Double.doubleToLongBits(c.l[k]), "n=" + n + " L entry " + k);
            }
            double[] inv = c.inverse(), expectedInv = referenceInverse(c);
            for (int k = 0; k < n * n; k++) {
                assertEquals(Double.doubleToLongBits(expectedInv[k]), Double.doubleToLongBits(inv[k]), "n=" + n + " inverse entry " + k);
            }
        }
        // with jitter: the first attempt fails (a duplicated point, no noise), the jittered one matches
        Hyperparameters h = new Hyperparameters(new double[]{0.3, 0.5, 0.8}, 1.3, 0);
        double[] x = points(33, random);
        System.arraycopy(x, 0, x, 32 * D, D);
        double[] a = GaussianProcess.kernelMatrix(Matern52.scale(x, D, h.lengthscales()), 33, D, h);
        Cholesky c = Cholesky.factor(a, 33);
        assertTrue(c.jitter > 0);
        double[] expected = referenceFactor(a, 33, c.jitter);
        for (int k = 0; k < 33 * 33; k++) {
            assertEquals(Double.doubleToLongBits(expected[k]), Double.doubleToLongBits(c.l[k]), "jittered L entry " + k);
        }
    }

    @Test
    void blockedSolveIsBitForBitOneRunningSumPerRightHandSide() {
        SplittableRandom random = new SplittableRandom(23);
        int n = 45;
        double[] x = points(n, random);
        Cholesky c = GaussianProcess.factor(x, D, HYPER);
        for (int count = 1; count <= 21; count++) {
            double[][] b = new double[count][n];
            double[][] expected = new double[count][];
            for (int r = 0; r < count; r++) {
                for (int i = 0; i < n; i++) {
                    b[r][i] = random.nextDouble() - 0.5;
                }
                // what solveLowerInPlace(b, count) computed for every right-hand side before it took eight at a time
                double[] v = b[r].clone();
                for (int i = 0; i < n; i++) {
                    double sum = 0;
                    for (int k = 0; k < i; k++) {
                        sum += c.l[i * n + k] * v[k];
                    }
                    v[i] = (v[i] - sum) / c.l[i * n + i];
                }
                expected[r] = v;
            }
            c.solveLowerInPlace(b, count);
            for (int r = 0; r < count; r++) {
                for (int i = 0; i < n; i++) {
                    assertEquals(Double.doubleToLongBits(expected[r][i]), Double.doubleToLongBits(b[r][i]),
                            "count " + count + " right-hand side " + r + " entry " + i);
                }
            }
        }
    }
}
