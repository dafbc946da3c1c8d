package io.hypatia.sampler.gp.internal;

/**
 * Exact GP regression posterior with a zero prior mean on standardised outputs (Rasmussen and
 * Williams 2006, algorithm 2.1): {@code alpha = K^-1 y} through the Cholesky factor of
 * {@code K = K_f + noise I}; predictive mean {@code k*^T alpha} and latent variance
 * {@code k** - |L^-1 k*|^2}. Immutable and safe to share between threads.
 */
final class GaussianProcess {
    /** Predictive variances are floored at this fraction of the signal variance. */
    static final double MIN_VARIANCE_FRACTION = 1e-12;
    private static final int BLOCK = 32;

    final int n;
    final int d;
    final Hyperparameters hyper;
    private final double[] x;
    private final double[] xs;
    private final double[] y;
    private final Cholesky chol;
    private final double[] alpha;

    private GaussianProcess(int d, double[] x, double[] y, Hyperparameters hyper, Cholesky chol) {
        this.n = y.length;
        this.d = d;
        this.x = x;
        this.xs = Matern52.scale(x, d, hyper.lengthscales());
        this.y = y;
        this.hyper = hyper;
        this.chol = chol;
        this.alpha = chol.solve(y);
    }

    /**
     * Conditions the prior on {@code y} observed at the rows of {@code x} (row-major,
     * {@code d} columns).
     *
     * @throws IllegalStateException when the kernel matrix cannot be factorised even with jitter
     */
    static GaussianProcess condition(double[] x, int d, double[] y, Hyperparameters hyper) {
        return condition(x, d, y, hyper, factor(x, d, hyper));
    }

    /** As {@link #condition(double[], int, double[], Hyperparameters)} with the factor of its kernel matrix already computed. */
    static GaussianProcess condition(double[] x, int d, double[] y, Hyperparameters hyper, Cholesky chol) {
        return new GaussianProcess(d, x.clone(), y.clone(), hyper, chol);
    }

    /**
     * The Cholesky factor of the kernel matrix (with noise) of the rows of {@code x}.
     *
     * @throws IllegalStateException when it cannot be factorised even with jitter
     */
    static Cholesky factor(double[] x, int d, Hyperparameters hyper) {
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
    static Cholesky extendFactor(Cholesky chol, double[] x, double[] fx, int d, Hyperparameters hyper, double noiseVariance) {
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
    static Cholesky extendFactor(Cholesky chol, double[] x, double[] fx, int d, Hyperparameters hyper) {
        return extendFactor(chol, x, fx, d, hyper, hyper.noiseVariance());
    }

    /** K_f + noise I for scaled inputs (full symmetric matrix). */
    static double[] kernelMatrix(double[] xs, int n, int d, Hyperparameters hyper) {
        double s2 = hyper.signalVariance();
        double[] k = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double v = Matern52.value(Matern52.distance(xs, i, xs, j, d), s2);
                k[i * n + j] = v;
                k[j * n + i] = v;
            }
            k[i * n + i] = s2 + hyper.noiseVariance();
        }
        return k;
    }

    /**
     * The posterior after also observing {@code fy} at the points {@code fx} with the same
     * hyper-parameters; the Cholesky factor is extended by blocks (O(n^2 p)) rather than recomputed.
     */
    GaussianProcess withObservations(double[] fx, double[] fy) {
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
    GaussianProcess withObservations(double[] fx, double[] fy, double noiseVariance) {
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
    double mean(double[] point) {
        double[] ps = scalePoint(point);
        double s2 = hyper.signalVariance();
        double m = 0;
        for (int i = 0; i < n; i++) {
            m += Matern52.value(Matern52.distance(ps, 0, xs, i, d), s2) * alpha[i];
        }
        return m;
    }

    /** Writes the posterior mean and latent (noise-free) variance at {@code point} into {@code out}. */
    void predict(double[] point, double[] out) {
        double[] ps = scalePoint(point);
        double s2 = hyper.signalVariance();
        double[] k = new double[n];
        double m = 0;
        for (int i = 0; i < n; i++) {
            k[i] = Matern52.value(Matern52.distance(ps, 0, xs, i, d), s2);
            m += k[i] * alpha[i];
        }
        chol.solveLowerInPlace(k);
        double vv = 0;
        for (int i = 0; i < n; i++) {
            vv += k[i] * k[i];
        }
        out[0] = m;
        out[1] = Math.max(s2 - vv, MIN_VARIANCE_FRACTION * s2);
    }

    /**
     * Posterior means and latent variances at the rows of {@code points} (row-major, {@code d}
     * columns), in blocks of {@value #BLOCK} so that the triangular solves share each pass over L.
     */
    void predictMany(double[] points, double[] mean, double[] var) {
        int m = mean.length;
        double s2 = hyper.signalVariance();
        double[] ps = Matern52.scale(points, d, hyper.lengthscales());
        double[][] k = new double[Math.min(BLOCK, m)][n];
        for (int b0 = 0; b0 < m; b0 += BLOCK) {
            int count = Math.min(BLOCK, m - b0);
            for (int c = 0; c < count; c++) {
                double mu = 0;
                double[] kc = k[c];
                for (int i = 0; i < n; i++) {
                    kc[i] = Matern52.value(Matern52.distance(ps, b0 + c, xs, i, d), s2);
                    mu += kc[i] * alpha[i];
                }
                mean[b0 + c] = mu;
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
     * Like {@link #predict} and also the derivatives of mean and variance with respect to the
     * input dimensions listed in {@code free}: {@code dMean[j]} and {@code dVar[j]} for
     * dimension {@code free[j]}.
     */
    void predictWithGradient(double[] point, int[] free, double[] out, double[] dMean, double[] dVar) {
        double[] ps = scalePoint(point);
        double s2 = hyper.signalVariance();
        double[] ls = hyper.lengthscales();
        double[] k = new double[n];
        double[] q = new double[n];
        double m = 0;
        for (int i = 0; i < n; i++) {
            double r = Matern52.distance(ps, 0, xs, i, d);
            k[i] = Matern52.value(r, s2);
            q[i] = Matern52.q(r, s2);
            m += k[i] * alpha[i];
        }
        double[] beta = k.clone();
        chol.solveLowerInPlace(beta);
        double vv = 0;
        for (int i = 0; i < n; i++) {
            vv += beta[i] * beta[i];
        }
        chol.solveUpperInPlace(beta); // beta = K^-1 k*
        double var = s2 - vv;
        boolean floored = var < MIN_VARIANCE_FRACTION * s2;
        out[0] = m;
        out[1] = floored ? MIN_VARIANCE_FRACTION * s2 : var;
        // dk_i/dx_j = -q_i (x_j - x_ij) / l_j^2 = -q_i (xs_j - xs_ij) / l_j
        for (int f = 0; f < free.length; f++) {
            int j = free[f];
            double gm = 0, gb = 0;
            for (int i = 0; i < n; i++) {
                double dk = -q[i] * (ps[j] - xs[i * d + j]) / ls[j];
                gm += dk * alpha[i];
                gb += dk * beta[i];
            }
            dMean[f] = gm;
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
