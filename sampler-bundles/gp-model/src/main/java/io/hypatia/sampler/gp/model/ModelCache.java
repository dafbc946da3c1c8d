package io.hypatia.sampler.gp.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What successive asks of one study can reuse: fitted hyper-parameters, keyed by the exact data
 * they were fitted on, and the latest Cholesky factor for each set of hyper-parameters, which is
 * extended by the rows a later history appends (O(n^2) per new row instead of O(n^3)). Both are
 * caches: a miss recomputes the same thing from the history. Thread-safe; bounded (least
 * recently used entries are dropped).
 */
public final class ModelCache {
    private static final int FITS = 16;
    private static final int FACTORS = 8;

    /**
     * The data a hyper-parameter fit depends on; {@code role} is -1 for the objective, j for constraint j;
     * {@code noiseFloor} the lower bound of the fitted noise variance.
     */
    public record FitKey(long seed, int restarts, int maxFit, int role, double[] x, double[] y, double noiseFloor) {
        /** A key for a fit with the default noise floor {@link MarginalLikelihood#MIN_NOISE}. */
        public FitKey(long seed, int restarts, int maxFit, int role, double[] x, double[] y) {
            this(seed, restarts, maxFit, role, x, y, MarginalLikelihood.MIN_NOISE);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FitKey k && k.seed == seed && k.restarts == restarts && k.maxFit == maxFit && k.role == role
                    && Double.compare(k.noiseFloor, noiseFloor) == 0 && Arrays.equals(k.x, x) && Arrays.equals(k.y, y);
        }

        @Override
        public int hashCode() {
            return ((Long.hashCode(seed) * 31 + restarts) * 31 + maxFit) * 31 + role + 17 * Arrays.hashCode(x) + Arrays.hashCode(y);
        }
    }

    /**
     * A factor of the kernel matrix of the rows {@code x} under {@code hyper}; its first
     * {@code exactRows} rows are those of the jitter-free {@link Cholesky#factor} of that matrix
     * (rows made by {@link Cholesky#extend} after the first appended one are not: the Schur
     * complement sums in another order).
     */
    private record Factor(double[] x, Cholesky chol, int exactRows) {
    }

    private final Map<FitKey, Hyperparameters> fits = lru(FITS);
    private final Map<Hyperparameters, Factor> factors = lru(FACTORS);

    public Hyperparameters fit(FitKey key, Supplier<Hyperparameters> compute) {
        synchronized (fits) {
            Hyperparameters h = fits.get(key);
            if (h != null) {
                return h;
            }
        }
        Hyperparameters h = compute.get();
        synchronized (fits) {
            fits.put(key, h);
        }
        return h;
    }

    /**
     * The Cholesky factor of the kernel matrix of the rows of {@code x} ({@code d} columns): the
     * cached factor for {@code hyper} extended when its rows are a prefix of {@code x}, else a new
     * one, which reuses the cached factor's leading rows that x shares and the leading columns of
     * its rows that x has further on ({@link GaussianProcess#factorFrom}: the same factor to the
     * last bit, for a fraction of the work when rows were inserted, removed or changed after the
     * first ones).
     *
     * @throws IllegalStateException when the kernel matrix cannot be factorised even with jitter
     */
    public Cholesky factor(double[] x, int d, Hyperparameters hyper) {
        Factor cached;
        synchronized (factors) {
            cached = factors.get(hyper);
        }
        int n = x.length / d;
        Factor made = null;
        if (cached != null && cached.x.length <= x.length && Arrays.equals(cached.x, 0, cached.x.length, x, 0, cached.x.length)) {
            int old = cached.chol.n;
            if (old == n) {
                made = cached;
            } else {
                Cholesky chol = GaussianProcess.extendFactor(cached.chol, cached.x, Arrays.copyOfRange(x, cached.x.length, x.length), d,
                        hyper);
                if (chol != null) {
                    // The first appended row is computed as the full factor computes it (the Schur
                    // complement of one row is its diagonal entry alone) when all before it were.
                    boolean next = cached.exactRows == old && chol.jitter == 0;
                    made = new Factor(x.clone(), chol, next ? old + 1 : cached.exactRows);
                }
            }
        }
        if (made == null) {
            int shared = cached == null ? 0 : Math.min(cached.exactRows, sharedRows(cached.x, x, d));
            Cholesky chol = shared > 0 ? GaussianProcess.factorFrom(cached.chol, cached.x, cached.exactRows, shared, x, d, hyper)
                    : GaussianProcess.factor(x, d, hyper);
            made = new Factor(x.clone(), chol, chol.jitter == 0 ? n : 0);
        }
        synchronized (factors) {
            factors.put(hyper, made);
        }
        return made.chol;
    }

    /** The number of leading rows ({@code d} values each) that {@code a} and {@code b} have in common. */
    static int sharedRows(double[] a, double[] b, int d) {
        int rows = Math.min(a.length, b.length) / d;
        int mismatch = Arrays.mismatch(a, 0, rows * d, b, 0, rows * d);
        return mismatch < 0 ? rows : mismatch / d;
    }

    private static <K, V> Map<K, V> lru(int size) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > size;
            }
        };
    }
}
