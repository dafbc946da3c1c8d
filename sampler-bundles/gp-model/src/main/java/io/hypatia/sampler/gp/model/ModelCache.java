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

    /** A factor of the kernel matrix of the rows {@code x} under {@code hyper}. */
    private record Factor(double[] x, Cholesky chol) {
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
     * cached factor for {@code hyper} extended when its rows are a prefix of {@code x}, else a new one.
     *
     * @throws IllegalStateException when the kernel matrix cannot be factorised even with jitter
     */
    public Cholesky factor(double[] x, int d, Hyperparameters hyper) {
        Factor cached;
        synchronized (factors) {
            cached = factors.get(hyper);
        }
        Cholesky chol = null;
        if (cached != null && cached.x.length <= x.length && Arrays.equals(cached.x, 0, cached.x.length, x, 0, cached.x.length)) {
            chol = cached.x.length == x.length ? cached.chol
                    : GaussianProcess.extendFactor(cached.chol, cached.x, Arrays.copyOfRange(x, cached.x.length, x.length), d, hyper);
        }
        if (chol == null) {
            chol = GaussianProcess.factor(x, d, hyper);
        }
        synchronized (factors) {
            factors.put(hyper, new Factor(x.clone(), chol));
        }
        return chol;
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
