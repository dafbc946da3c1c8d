package io.hypatia.sampler.gp.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Exact GP regression posterior with a zero prior mean on standardised outputs (Rasmussen and
 * Williams 2006, algorithm 2.1): {@code alpha = K^-1 y} through the Cholesky factor of
 * {@code K = K_f + noise I}; predictive mean {@code k*^T alpha} and latent variance
 * {@code k** - |L^-1 k*|^2}. Immutable and safe to share between threads.
 */
public final class GaussianProcess {
    /** Predictive variances are floored at this fraction of the signal variance. */
    public static final double MIN_VARIANCE_FRACTION = 1e-12;
    private static final int BLOCK = 32;
    /**
     * Up to this many observations {@link #predictBounds} caches the kernel between observations in
     * an n x n array (2 MB at the limit); above it the values are recomputed, which costs a few
     * kernel evaluations per point but never n^2 memory (200 MB per call at 5,000 observations).
     */
    static final int PAIR_CACHE_LIMIT = 512;

    public final int n;
    public final int d;
    public final Hyperparameters hyper;
    private final double[] x;
    private final double[] xs;
    /**
     * The scaled inputs by column ({@code columns[j][i] = xs[i * d + j]}), so that the distances
     * from one point to every observation are computed dimension by dimension in loops the JIT
     * vectorises; the sums are taken in the same order as {@link Matern52#distance}, so the
     * kernel values are the same to the last bit.
     */
    private final double[][] columns;
    private final double[] y;
    private final Cholesky chol;
    private final double[] alpha;
    /** Diagonal of the factorised matrix L L^T (kernel + noise + jitter), for {@link #predictBounds}. */
    private final double[] diagonal;
    /**
     * For a {@link #localVariance local view}: the observations its variance conditions on and
     * the factor of their matrix; null for the exact posterior.
     */
    private final int[] localRows;
    private final Cholesky localChol;

    private GaussianProcess(int d, double[] x, double[] y, Hyperparameters hyper, Cholesky chol) {
        this.n = y.length;
        this.d = d;
        this.x = x;
        this.xs = Matern52.scale(x, d, hyper.lengthscales());
        this.columns = columns(xs, n, d);
        this.y = y;
        this.hyper = hyper;
        this.chol = chol;
        this.alpha = chol.solve(y);
        this.diagonal = new double[n];
        for (int i = 0; i < n; i++) {
            diagonal[i] = Cholesky.dot(chol.l, i * n, chol.l, i * n, i + 1);
        }
        this.localRows = null;
        this.localChol = null;
    }

    private GaussianProcess(GaussianProcess full, int[] localRows, Cholesky localChol) {
        this.n = full.n;
        this.d = full.d;
        this.x = full.x;
        this.xs = full.xs;
        this.columns = full.columns;
        this.y = full.y;
        this.hyper = full.hyper;
        this.chol = full.chol;
        this.alpha = full.alpha;
        this.diagonal = full.diagonal;
        this.localRows = localRows;
        this.localChol = localChol;
    }

    private static double[][] columns(double[] xs, int n, int d) {
        double[][] c = new double[d][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                c[j][i] = xs[i * d + j];
            }
        }
        return c;
    }

    /**
     * Squared scaled distances from row {@code row} of the scaled points {@code ps} to every
     * observation, into {@code r2}: the same sums, in the same order, as {@link Matern52#distance}.
     */
    private void squaredDistances(double[] ps, int row, double[] r2) {
        int o = row * d;
        if (d == 0) {
            Arrays.fill(r2, 0, n, 0);
            return;
        }
        double p = ps[o];
        double[] c = columns[0];
        for (int i = 0; i < n; i++) {
            double t = p - c[i];
            r2[i] = t * t;
        }
        for (int j = 1; j < d; j++) {
            p = ps[o + j];
            c = columns[j];
            for (int i = 0; i < n; i++) {
                double t = p - c[i];
                r2[i] += t * t;
            }
        }
    }

    /**
     * The kernel between row {@code row} of the scaled points {@code ps} and every observation,
     * into {@code k}; returns the posterior mean there ({@code k . alpha}, summed in index order).
     */
    private double kernelRow(double[] ps, int row, double[] k) {
        squaredDistances(ps, row, k);
        double s2 = hyper.signalVariance();
        double m = 0;
        for (int i = 0; i < n; i++) {
            k[i] = Matern52.value(Math.sqrt(k[i]), s2);
            m += k[i] * alpha[i];
        }
        return m;
    }

    /**
     * A view for optimising the acquisition near {@code point}: the same exact posterior mean
     * (O(n d) per point), but {@link #predict} and {@link #predictWithGradient} take the variance
     * conditioned on only the {@code m} observations with the largest covariance to
     * {@code point} (O(m^2) instead of O(n^2) per evaluation). Near {@code point} the others
     * hardly reduce the variance (and can only reduce it: the view's variance is an upper bound).
     * Returns this posterior itself when it has at most {@code m} observations. Batched
     * ({@link #predictMany}) and bound ({@link #predictBounds}) predictions stay exact.
     */
    public GaussianProcess localVariance(double[] point, int m) {
        if (n <= m || localRows != null) {
            return this;
        }
        double[] ps = scalePoint(point);
        double s2 = hyper.signalVariance();
        double[] k = new double[n];
        kernelRow(ps, 0, k);
        int[] rows = new int[m];
        nearest(k, rows);
        Arrays.sort(rows);
        double[] sub = new double[m * m];
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < a; b++) {
                double v = Matern52.value(Matern52.distance(xs, rows[a], xs, rows[b], d), s2);
                sub[a * m + b] = v;
                sub[b * m + a] = v;
            }
            sub[a * m + a] = diagonal[rows[a]];
        }
        Cholesky c = Cholesky.factor(sub, m);
        return c == null ? this : new GaussianProcess(this, rows, c);
    }

    /**
     * Conditions the prior on {@code y} observed at the rows of {@code x} (row-major,
     * {@code d} columns).
     *
     * @throws IllegalStateException when the kernel matrix cannot be factorised even with jitter
     */
    public static GaussianProcess condition(double[] x, int d, double[] y, Hyperparameters hyper) {
        return condition(x, d, y, hyper, factor(x, d, hyper));
    }

    /** As {@link #condition(double[], int, double[], Hyperparameters)} with the factor of its kernel matrix already computed. */
    public static GaussianProcess condition(double[] x, int d, double[] y, Hyperparameters hyper, Cholesky chol) {
        return new GaussianProcess(d, x.clone(), y.clone(), hyper, chol);
    }

    /**
     * The Cholesky factor of the kernel matrix (with noise) of the rows of {@code x}.
     *
     * @throws IllegalStateException when it cannot be factorised even with jitter
     */
    public static Cholesky factor(double[] x, int d, Hyperparameters hyper) {
        int n = x.length / d;
        Cholesky c = Cholesky.factor(kernelMatrix(Matern52.scale(x, d, hyper.lengthscales()), n, d, hyper), n);
        if (c == null) {
            throw new IllegalStateException("kernel matrix is not positive definite even with jitter");
        }
        return c;
    }

    /**
     * The factor {@code chol} of the rows {@code x} extended by the rows {@code fx} observed with
     * noise variance {@code noiseVariance} (O(n^2 p) for p new rows); null when the extended
     * matrix is not positive definite.
     */
    public static Cholesky extendFactor(Cholesky chol, double[] x, double[] fx, int d, Hyperparameters hyper, double noiseVariance) {
        int n = x.length / d, p = fx.length / d;
        double s2 = hyper.signalVariance();
        double[] xs = Matern52.scale(x, d, hyper.lengthscales());
        double[] fxs = Matern52.scale(fx, d, hyper.lengthscales());
        double[] cross = new double[p * n];
        for (int r = 0; r < p; r++) {
            for (int i = 0; i < n; i++) {
                cross[r * n + i] = Matern52.value(Matern52.distance(fxs, r, xs, i, d), s2);
            }
        }
        double[] block = kernelMatrix(fxs, p, d, hyper);
        // The old factor carries its jitter on the diagonal; give the new block the same.
        for (int r = 0; r < p; r++) {
            block[r * p + r] += chol.jitter - hyper.noiseVariance() + noiseVariance;
        }
        return chol.extend(cross, block, p);
    }

    /** {@link #extendFactor(Cholesky, double[], double[], int, Hyperparameters, double)} with the fitted noise. */
    public static Cholesky extendFactor(Cholesky chol, double[] x, double[] fx, int d, Hyperparameters hyper) {
        return extendFactor(chol, x, fx, d, hyper, hyper.noiseVariance());
    }

    /** K_f + noise I for scaled inputs (full symmetric matrix). */
    public static double[] kernelMatrix(double[] xs, int n, int d, Hyperparameters hyper) {
        double[] k = new double[n * n];
        kernelRows(xs, n, d, hyper, 0, null, k, true);
        return k;
    }

    /**
     * Rows {@code from} and on of {@link #kernelMatrix}, the same values, into {@code k} (n x n):
     * the lower triangle and diagonal only, or also the mirrored upper entries when {@code mirror};
     * in row i only from column {@code firstColumn[i]} on (0 when null).
     */
    private static void kernelRows(double[] xs, int n, int d, Hyperparameters hyper, int from, int[] firstColumn, double[] k,
                                   boolean mirror) {
        double s2 = hyper.signalVariance();
        for (int i = from; i < n; i++) {
            for (int j = firstColumn == null ? 0 : firstColumn[i]; j < i; j++) {
                double v = Matern52.value(Matern52.distance(xs, i, xs, j, d), s2);
                k[i * n + j] = v;
                if (mirror) {
                    k[j * n + i] = v;
                }
            }
            k[i * n + i] = s2 + hyper.noiseVariance();
        }
    }

    /**
     * {@link #factor(double[], int, Hyperparameters)} of the rows of {@code x}, bit for bit, from
     * a factor {@code prefix} of other rows {@code px} under the same hyper-parameters, whose first
     * {@code rows} rows are the first rows of the jitter-free factor of x's kernel matrix (x and
     * px share those rows, and prefix computed them as {@link #factor} does; {@code exactRows}
     * says how many of prefix's rows it computed so). Later rows of x equal to one of prefix's
     * exactly computed rows past {@code rows} take their first {@code rows} entries from it
     * ({@link Cholesky#factorFrom}); only the other kernel entries and factor entries are computed.
     *
     * @throws IllegalStateException when the kernel matrix cannot be factorised even with jitter
     */
    public static Cholesky factorFrom(Cholesky prefix, double[] px, int exactRows, int rows, double[] x, int d, Hyperparameters hyper) {
        int n = x.length / d;
        int[] moved = new int[n - rows];
        int[] firstColumn = new int[n];
        Map<RowKey, Integer> sources = new HashMap<>();
        for (int o = Math.min(exactRows, px.length / d) - 1; o >= rows; o--) {
            sources.put(new RowKey(px, o * d, d), o); // the lowest index wins among equal rows
        }
        for (int i = rows; i < n; i++) {
            Integer o = sources.isEmpty() ? null : sources.get(new RowKey(x, i * d, d));
            moved[i - rows] = o == null ? -1 : o;
            firstColumn[i] = o == null ? 0 : rows;
        }
        double[] xs = Matern52.scale(x, d, hyper.lengthscales());
        double[] lower = new double[n * n];
        kernelRows(xs, n, d, hyper, rows, firstColumn, lower, false);
        Cholesky c = Cholesky.factorFrom(prefix, rows, moved, lower, n, () -> kernelMatrix(xs, n, d, hyper));
        if (c == null) {
            throw new IllegalStateException("kernel matrix is not positive definite even with jitter");
        }
        return c;
    }

    /** One row of a row-major matrix, compared by its values as {@link Arrays#equals(double[], double[])} does. */
    private record RowKey(double[] values, int offset, int length) {
        @Override
        public boolean equals(Object o) {
            return o instanceof RowKey k && Arrays.equals(values, offset, offset + length, k.values, k.offset, k.offset + k.length);
        }

        @Override
        public int hashCode() {
            int h = 1;
            for (int j = offset; j < offset + length; j++) {
                long bits = Double.doubleToLongBits(values[j]);
                h = 31 * h + (int) (bits ^ (bits >>> 32));
            }
            return h;
        }
    }

    /**
     * The posterior after also observing {@code fy} at the points {@code fx} with the same
     * hyper-parameters; the Cholesky factor is extended by blocks (O(n^2 p)) rather than recomputed.
     */
    public GaussianProcess withObservations(double[] fx, double[] fy) {
        return withObservations(fx, fy, hyper.noiseVariance());
    }

    /**
     * As {@link #withObservations(double[], double[])} with the given noise variance on the new
     * observations. Fantasised values of pending trials (kriging believer, constant liar) are added
     * noise-free, as in Ginsbourger et al.'s kriging: the pending evaluation will reveal f there,
     * so the posterior variance at a pending point collapses and the next suggestion goes elsewhere
     * (with the fitted noise, a point whose variance is already below the noise level would hardly
     * change and could be suggested again).
     */
    public GaussianProcess withObservations(double[] fx, double[] fy, double noiseVariance) {
        int p = fy.length;
        if (p == 0) {
            return this;
        }
        Cholesky extended = extendFactor(chol, x, fx, d, hyper, noiseVariance);
        double[] ax = new double[(n + p) * d];
        System.arraycopy(x, 0, ax, 0, n * d);
        System.arraycopy(fx, 0, ax, n * d, p * d);
        double[] ay = new double[n + p];
        System.arraycopy(y, 0, ay, 0, n);
        System.arraycopy(fy, 0, ay, n, p);
        if (extended == null) {
            if (noiseVariance < hyper.noiseVariance()) {
                return withObservations(fx, fy, hyper.noiseVariance());
            }
            throw new IllegalStateException("kernel matrix with added observations is not positive definite");
        }
        return new GaussianProcess(d, ax, ay, hyper, extended);
    }

    /** Posterior mean at {@code point}. */
    public double mean(double[] point) {
        return kernelRow(scalePoint(point), 0, new double[n]);
    }

    /** Writes the posterior mean and latent (noise-free) variance at {@code point} into {@code out}. */
    public void predict(double[] point, double[] out) {
        if (localRows != null) {
            predictWithGradient(point, new int[0], out, new double[0], new double[0]);
            return;
        }
        double s2 = hyper.signalVariance();
        double[] k = new double[n];
        double m = kernelRow(scalePoint(point), 0, k);
        chol.solveLowerInPlace(k);
        double vv = 0;
        for (int i = 0; i < n; i++) {
            vv += k[i] * k[i];
        }
        out[0] = m;
        out[1] = Math.max(s2 - vv, MIN_VARIANCE_FRACTION * s2);
    }

    /**
     * {@link #predict} at each of {@code points}, with the same results to the last bit, but one
     * pass over the Cholesky factor for all of them (for a few points that cannot wait for a
     * {@link #predictMany} block).
     */
    public void predictEach(double[][] points, double[] mean, double[] var) {
        int count = points.length;
        if (localRows != null) {
            double[] out = new double[2];
            for (int c = 0; c < count; c++) {
                predict(points[c], out);
                mean[c] = out[0];
                var[c] = out[1];
            }
            return;
        }
        double s2 = hyper.signalVariance();
        double[][] k = new double[count][n];
        for (int c = 0; c < count; c++) {
            mean[c] = kernelRow(scalePoint(points[c]), 0, k[c]);
        }
        chol.solveLowerInPlaceEach(k, count);
        for (int c = 0; c < count; c++) {
            double vv = 0;
            for (int i = 0; i < n; i++) {
                vv += k[c][i] * k[c][i];
            }
            var[c] = Math.max(s2 - vv, MIN_VARIANCE_FRACTION * s2);
        }
    }

    /**
     * Posterior means and latent variances at the rows of {@code points} (row-major, {@code d}
     * columns), in blocks of {@value #BLOCK} so that the triangular solves share each pass over L.
     */
    public void predictMany(double[] points, double[] mean, double[] var) {
        int m = mean.length;
        double s2 = hyper.signalVariance();
        double[] ps = Matern52.scale(points, d, hyper.lengthscales());
        double[][] k = new double[Math.min(BLOCK, m)][n];
        for (int b0 = 0; b0 < m; b0 += BLOCK) {
            int count = Math.min(BLOCK, m - b0);
            for (int c = 0; c < count; c++) {
                mean[b0 + c] = kernelRow(ps, b0 + c, k[c]);
            }
            chol.solveLowerInPlace(k, count);
            for (int c = 0; c < count; c++) {
                double vv = 0;
                for (double v : k[c]) {
                    vv += v * v;
                }
                var[b0 + c] = Math.max(s2 - vv, MIN_VARIANCE_FRACTION * s2);
            }
        }
    }

    /**
     * The posterior means of {@link #predictMany} at the rows of {@code points}, bit for bit,
     * without the variances (O(n d) per row instead of O(n^2)).
     */
    public void predictMeans(double[] points, double[] mean) {
        double[] ps = Matern52.scale(points, d, hyper.lengthscales());
        double[] k = new double[n];
        for (int c = 0; c < mean.length; c++) {
            mean[c] = kernelRow(ps, c, k);
        }
    }

    /**
     * What {@link #predictMany} computes for the rows {@code which} of {@code points}, bit for bit,
     * without computing the other rows: a caller that scores only some candidates exactly (after
     * screening the rest with {@link #predictBounds}) then makes the same decisions as one that
     * scores all. Rows are computed here in the same kind of group (of four, or a block's remainder)
     * as in {@code predictMany}; since {@link Cholesky#solveLowerInPlace(double[][], int)} sums every
     * right-hand side with one running sum in the same order, whatever its group, this is no longer
     * needed for equality, only kept as the safe choice.
     *
     * @param mean receives the mean of row {@code which[j]} at index j; likewise {@code var}
     */
    public void predictRows(double[] points, int[] which, double[] mean, double[] var) {
        int total = points.length / d;
        int[] grouped = new int[which.length];
        int g = 0;
        for (int j = 0; j < which.length; j++) {
            int p = which[j];
            int b0 = p / BLOCK * BLOCK;
            if (p - b0 < (Math.min(BLOCK, total - b0) & ~3)) {
                grouped[g++] = j;
            } else { // in a block's remainder: alone, through the same row-wise solve
                double[] m1 = new double[1], v1 = new double[1];
                predictMany(Arrays.copyOfRange(points, p * d, (p + 1) * d), m1, v1);
                mean[j] = m1[0];
                var[j] = v1[0];
            }
        }
        if (g == 0) {
            return;
        }
        int padded = (g + 3) & ~3; // whole groups of four, the last row repeated
        double[] rows = new double[padded * d];
        for (int r = 0; r < padded; r++) {
            int p = which[grouped[Math.min(r, g - 1)]];
            System.arraycopy(points, p * d, rows, r * d, d);
        }
        double[] m = new double[padded], v = new double[padded];
        predictMany(rows, m, v);
        for (int r = 0; r < g; r++) {
            mean[grouped[r]] = m[r];
            var[grouped[r]] = v[r];
        }
    }

    /**
     * Exact posterior means and <em>upper bounds</em> on the latent variances at the rows of
     * {@code points}, in O(n d + m^3) per point instead of the O(n^2) of {@link #predictMany}.
     * The bound is the variance after conditioning on only the {@code m} observations with the
     * largest covariance to the point: conditioning on more data never increases a Gaussian
     * posterior variance (the Schur complement of a positive definite matrix is positive
     * definite), so the full posterior variance is at most this. The subset uses the very
     * diagonal (noise, fantasy noise and jitter) the full factor was computed with. A tiny
     * relative slack covers rounding. The means are computed exactly as {@link #predictMany}
     * computes them.
     */
    public void predictBounds(double[] points, int m, double[] mean, double[] varUpper) {
        predictBounds(points, m, m, mean, varUpper, null, null);
    }

    /**
     * As {@link #predictBounds(double[], int, double[], double[])}, and also records for each point
     * its {@code keep >= m} nearest observations, nearest first, and its kernel to them (row
     * {@code c} at {@code c * keep} of {@code nearOut} and {@code kOut}), for
     * {@link #varianceBound(int[], double[], int, int)} to tighten the bound later without
     * another pass over all observations. The m nearest are the first m of the keep nearest.
     */
    public void predictBounds(double[] points, int m, int keep, double[] mean, double[] varUpper, int[] nearOut, double[] kOut) {
        int count = mean.length;
        int size = Math.min(m, n);
        int kept = Math.min(Math.max(keep, m), n);
        double[] ps = Matern52.scale(points, d, hyper.lengthscales());
        double[] kc = new double[n];
        int[] near = new int[kept];
        double[] kNear = new double[kept];
        double[] work = new double[size * size + size];
        // Kernel values between observations, computed when first needed: the candidates' nearest
        // observations overlap, so most pairs recur. 0 means not computed yet (a computed value is
        // positive, or 0 again when it underflows, which only costs a recomputation).
        double[] pairs = n <= PAIR_CACHE_LIMIT ? new double[n * n] : null;
        for (int c = 0; c < count; c++) {
            mean[c] = kernelRow(ps, c, kc);
            nearest(kc, near);
            for (int a = 0; a < kept; a++) {
                kNear[a] = kc[near[a]];
            }
            varUpper[c] = conditionedVariance(near, kNear, size, work, pairs);
            if (nearOut != null) {
                System.arraycopy(near, 0, nearOut, c * keep, kept);
                System.arraycopy(kNear, 0, kOut, c * keep, kept);
            }
        }
    }

    /**
     * The variance bound of {@link #predictBounds} conditioned on the first {@code m} of the
     * nearest observations it recorded for a point ({@code near} and {@code kNear} from
     * {@code offset}); m(m-1)/2 kernel evaluations and an m^3/6 factorisation.
     */
    public double varianceBound(int[] near, double[] kNear, int offset, int m) {
        int size = Math.min(m, n);
        int[] nr = Arrays.copyOfRange(near, offset, offset + size);
        double[] kr = Arrays.copyOfRange(kNear, offset, offset + size);
        return conditionedVariance(nr, kr, size, new double[size * size + size], null);
    }

    /**
     * An upper bound on the latent variance at {@code point}: the variance conditioned on its
     * {@code m} nearest observations (in the lengthscale-scaled distance, i.e. the largest
     * covariances, as in {@link #predictBounds}). O(n d + m^3) with only m(m+1)/2 kernel
     * evaluations, for tightening the bound of a few points after a cheaper first screen.
     */
    public double varianceBound(double[] point, int m) {
        int size = Math.min(m, n);
        double[] ps = scalePoint(point);
        double[] r2 = new double[n];
        squaredDistances(ps, 0, r2);
        int[] near = new int[size];
        nearestByDistance(r2, near);
        double s2 = hyper.signalVariance();
        double[] kNear = new double[size];
        for (int a = 0; a < size; a++) {
            kNear[a] = Matern52.value(Math.sqrt(r2[near[a]]), s2);
        }
        return conditionedVariance(near, kNear, size, new double[size * size + size], null);
    }

    /**
     * The latent variance at a point conditioned on the first {@code size} observations of
     * {@code near} only, with {@code kNear} its kernel to each; {@code work} holds (size + 1) * size
     * doubles. Falls back to the prior variance (still a bound) when the subset's matrix does not
     * factorise. {@code pairs} (n x n, or null) caches the kernel between observations (0: not
     * yet computed); the distance is symmetric to the last bit ((a - b)^2 = (b - a)^2), so a
     * cached value is the one that would be computed.
     */
    private double conditionedVariance(int[] near, double[] kNear, int size, double[] work, double[] pairs) {
        double s2 = hyper.signalVariance();
        // Cholesky of the subset's matrix, in place in the first size^2 entries of work; v = L_S^-1 k_S after them.
        double[] sub = work;
        int v0 = size * size;
        boolean ok = true;
        for (int a = 0; a < size && ok; a++) {
            int ra = a * size;
            for (int b = 0; b <= a; b++) {
                double kab;
                if (a == b) {
                    kab = diagonal[near[a]];
                } else if (pairs == null) {
                    kab = Matern52.value(Matern52.distance(xs, near[a], xs, near[b], d), s2);
                } else {
                    int at = near[a] * n + near[b];
                    kab = pairs[at];
                    if (kab == 0) {
                        kab = Matern52.value(Matern52.distance(xs, near[a], xs, near[b], d), s2);
                        pairs[at] = kab;
                        pairs[near[b] * n + near[a]] = kab;
                    }
                }
                double t = kab - Cholesky.dot(sub, ra, sub, b * size, b);
                if (a == b) {
                    if (!(t > 0)) {
                        ok = false;
                        break;
                    }
                    sub[ra + a] = Math.sqrt(t);
                } else {
                    sub[ra + b] = t / sub[b * size + b];
                }
            }
            if (ok) {
                work[v0 + a] = (kNear[a] - Cholesky.dot(sub, ra, work, v0, a)) / sub[ra + a];
            }
        }
        double bound = s2;
        if (ok) {
            double vv = 0;
            for (int a = 0; a < size; a++) {
                vv += work[v0 + a] * work[v0 + a];
            }
            bound = Math.min(s2, s2 - vv + 1e-9 * s2);
        }
        return Math.max(bound, MIN_VARIANCE_FRACTION * s2);
    }

    /** Indices of the {@code near.length} smallest entries of {@code r2} (ties to the lower index). */
    private static void nearestByDistance(double[] r2, int[] near) {
        int size = near.length, filled = 0;
        for (int i = 0; i < r2.length; i++) {
            double ri = r2[i];
            if (filled == size && ri >= r2[near[size - 1]]) {
                continue;
            }
            int pos = filled < size ? filled++ : size - 1;
            while (pos > 0 && r2[near[pos - 1]] > ri) {
                near[pos] = near[pos - 1];
                pos--;
            }
            near[pos] = i;
        }
    }

    /**
     * Indices of the {@code near.length} largest entries of {@code k} (ties to the lower index),
     * largest first. Scanned from the last index down: the observations are ordered by resource
     * level, and a candidate at the target level is usually closest to the last ones, so the kept
     * set fills with the largest entries early and later entries fail the first comparison (a
     * forward scan inserted nearly every entry). The result is the same as
     * {@link #nearestForward}'s, the {@code near.length} first entries in the order (value
     * descending, index ascending); with a NaN entry, which has no place in that order, it is
     * {@code nearestForward}'s.
     */
    static void nearest(double[] k, int[] near) {
        int size = near.length, filled = 0;
        if (size == 0) {
            return;
        }
        double[] top = new double[size];
        double threshold = Double.NEGATIVE_INFINITY;
        for (int i = k.length - 1; i >= 0; i--) {
            double ki = k[i];
            if (filled == size && ki < threshold) {
                continue;
            }
            if (ki != ki) {
                nearestForward(k, near);
                return;
            }
            // an entry equal to kept ones has a lower index than they: it goes before them, and
            // displaces the last kept entry when that one is equal
            int pos = filled < size ? filled++ : size - 1;
            while (pos > 0 && top[pos - 1] <= ki) {
                top[pos] = top[pos - 1];
                near[pos] = near[pos - 1];
                pos--;
            }
            top[pos] = ki;
            near[pos] = i;
            if (filled == size) {
                threshold = top[size - 1];
            }
        }
    }

    /** {@link #nearest} by a forward scan (what it computed before; kept for NaN entries and as the test's reference). */
    static void nearestForward(double[] k, int[] near) {
        int size = near.length, filled = 0;
        if (size == 0) {
            return;
        }
        // The kept values beside their indices, and the smallest kept value in a local, so that
        // the common case (not among the largest) is one comparison with no dependent load.
        double[] top = new double[size];
        double threshold = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k.length; i++) {
            double ki = k[i];
            if (filled == size && ki <= threshold) {
                continue;
            }
            int pos = filled < size ? filled++ : size - 1;
            while (pos > 0 && top[pos - 1] < ki) {
                top[pos] = top[pos - 1];
                near[pos] = near[pos - 1];
                pos--;
            }
            top[pos] = ki;
            near[pos] = i;
            if (filled == size) {
                threshold = top[size - 1];
            }
        }
    }

    /**
     * Like {@link #predict} and also the derivatives of mean and variance with respect to the
     * input dimensions listed in {@code free}: {@code dMean[j]} and {@code dVar[j]} for
     * dimension {@code free[j]}.
     */
    public void predictWithGradient(double[] point, int[] free, double[] out, double[] dMean, double[] dVar) {
        double[] ps = scalePoint(point);
        double s2 = hyper.signalVariance();
        double[] ls = hyper.lengthscales();
        int[] rows = localRows;
        int nv = rows == null ? n : rows.length;
        // k and q of the rows the variance conditions on (all rows for the exact posterior).
        double[] k = new double[nv];
        double[] q = new double[nv];
        double m = 0;
        java.util.Arrays.fill(dMean, 0);
        double[] r2 = new double[n];
        squaredDistances(ps, 0, r2);
        if (rows == null) {
            for (int i = 0; i < n; i++) {
                double r = Math.sqrt(r2[i]);
                k[i] = Matern52.value(r, s2);
                q[i] = Matern52.q(r, s2);
                m += k[i] * alpha[i];
            }
            for (int f = 0; f < free.length; f++) {
                int j = free[f];
                double gm = 0;
                for (int i = 0; i < n; i++) {
                    gm -= q[i] * (ps[j] - xs[i * d + j]) / ls[j] * alpha[i];
                }
                dMean[f] = gm;
            }
        } else {
            // Exact mean and mean gradient over all rows, without storing them.
            for (int i = 0; i < n; i++) {
                double r = Math.sqrt(r2[i]);
                double sr = Matern52.SQRT5 * r;
                double e = Math.exp(-sr);
                m += s2 * (1 + sr + sr * sr / 3) * e * alpha[i];
                double qa = 5.0 / 3.0 * s2 * (1 + sr) * e * alpha[i];
                for (int f = 0; f < free.length; f++) {
                    int j = free[f];
                    dMean[f] -= qa * (ps[j] - xs[i * d + j]) / ls[j];
                }
            }
            for (int a = 0; a < nv; a++) {
                double r = Math.sqrt(r2[rows[a]]);
                k[a] = Matern52.value(r, s2);
                q[a] = Matern52.q(r, s2);
            }
        }
        Cholesky c = rows == null ? chol : localChol;
        double[] beta = k.clone();
        c.solveLowerInPlace(beta);
        double vv = 0;
        for (int a = 0; a < nv; a++) {
            vv += beta[a] * beta[a];
        }
        c.solveUpperInPlace(beta); // beta = K^-1 k*
        double var = s2 - vv;
        boolean floored = var < MIN_VARIANCE_FRACTION * s2;
        out[0] = m;
        out[1] = floored ? MIN_VARIANCE_FRACTION * s2 : var;
        // dk_i/dx_j = -q_i (x_j - x_ij) / l_j^2 = -q_i (xs_j - xs_ij) / l_j
        for (int f = 0; f < free.length; f++) {
            int j = free[f];
            double gb = 0;
            for (int a = 0; a < nv; a++) {
                int i = rows == null ? a : rows[a];
                gb -= q[a] * (ps[j] - xs[i * d + j]) / ls[j] * beta[a];
            }
            dVar[f] = floored ? 0 : -2 * gb;
        }
    }

    private double[] scalePoint(double[] point) {
        double[] ls = hyper.lengthscales();
        double[] ps = new double[d];
        for (int j = 0; j < d; j++) {
            ps[j] = point[j] / ls[j];
        }
        return ps;
    }
}
