package io.hypatia.sampler.gp.model;

import java.util.SplittableRandom;

/**
 * Type-II maximum a posteriori estimation of the kernel hyper-parameters: minimises the negative
 * log marginal likelihood (Rasmussen and Williams 2006, eq. 2.30)
 * <pre>½ yᵀK⁻¹y + ½ log|K| + n/2 log 2π</pre>
 * plus weak log-normal hyper-priors, over {@code θ = (log l_1..log l_D, log s2, log noise)} inside
 * a box, with the analytic gradient (eq. 5.9)
 * <pre>∂/∂θ_j = -½ tr((ααᵀ - K⁻¹) ∂K/∂θ_j),  α = K⁻¹y</pre>
 * by the projected L-BFGS of {@link Lbfgs} from several starts (the prior centre and draws from the
 * prior). Inputs are in the unit cube and outputs standardised, so fixed priors and bounds make
 * sense:
 * <ul>
 * <li>log lengthscale ~ N(log(½√D), 1), in [0.01, 100]: the median grows with √D as typical
 * distances in the cube do (after Hvarfner et al. 2024);</li>
 * <li>log signal variance ~ N(0, 1.5²), in [0.01, 100];</li>
 * <li>log noise variance ~ N(log 1e-2, 2²), in [1e-6, 1] (the floor can be set lower): the floor
 * keeps the kernel matrix factorisable on noise-free objectives, the ceiling stops the "all noise"
 * explanation. On a noise-free objective the fit sits at the floor, and the floor then limits how
 * finely the model resolves losses near the optimum: a noise standard deviation of 1e-3 of the
 * standardised losses' spread (Branin's losses near its minimum differ by less once the optimiser is
 * close, and the GP stalls there).</li>
 * </ul>
 */
public final class MarginalLikelihood {
    public static final double MIN_LENGTHSCALE = 1e-2;
    public static final double MAX_LENGTHSCALE = 1e2;
    public static final double MIN_SIGNAL = 1e-2;
    public static final double MAX_SIGNAL = 1e2;
    public static final double MIN_NOISE = 1e-6;
    public static final double MAX_NOISE = 1.0;
    public static final double PRIOR_LOG_NOISE = Math.log(1e-2);
    private static final double SD_LOG_LENGTHSCALE = 1.0;
    private static final double SD_LOG_SIGNAL = 1.5;
    private static final double SD_LOG_NOISE = 2.0;
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private final double[] x;
    private final double[] y;
    private final int n;
    private final int d;
    private final double[] priorMean;
    private final double[] priorSd;
    private final double[] lower;
    private final double[] upper;

    /** {@code x} row-major with {@code d} columns, {@code y} standardised; noise variance at least {@value #MIN_NOISE}. */
    public MarginalLikelihood(double[] x, int d, double[] y) {
        this(x, d, y, MIN_NOISE);
    }

    /** As {@link #MarginalLikelihood(double[], int, double[])} with the noise variance's lower bound {@code minNoise}. */
    public MarginalLikelihood(double[] x, int d, double[] y, double minNoise) {
        if (!(minNoise > 0 && minNoise < MAX_NOISE)) {
            throw new IllegalArgumentException("minNoise must be in (0, " + MAX_NOISE + "): " + minNoise);
        }
        this.x = x;
        this.y = y;
        this.n = y.length;
        this.d = d;
        priorMean = new double[d + 2];
        priorSd = new double[d + 2];
        lower = new double[d + 2];
        upper = new double[d + 2];
        double logLengthscale = Math.log(0.5 * Math.sqrt(d));
        for (int j = 0; j < d; j++) {
            priorMean[j] = logLengthscale;
            priorSd[j] = SD_LOG_LENGTHSCALE;
            lower[j] = Math.log(MIN_LENGTHSCALE);
            upper[j] = Math.log(MAX_LENGTHSCALE);
        }
        priorMean[d] = 0;
        priorSd[d] = SD_LOG_SIGNAL;
        lower[d] = Math.log(MIN_SIGNAL);
        upper[d] = Math.log(MAX_SIGNAL);
        priorMean[d + 1] = PRIOR_LOG_NOISE;
        priorSd[d + 1] = SD_LOG_NOISE;
        lower[d + 1] = Math.log(minNoise);
        upper[d + 1] = Math.log(MAX_NOISE);
    }

    /** The centre of the hyper-prior, the first start of every fit. */
    public double[] priorCentre() {
        return priorMean.clone();
    }

    /**
     * Negative log marginal likelihood plus negative log hyper-prior (up to a constant) at
     * {@code theta}; writes the gradient. Returns +inf when K cannot be factorised.
     */
    public double evaluate(double[] theta, double[] gradient) {
        double[] ls = new double[d];
        for (int j = 0; j < d; j++) {
            ls[j] = Math.exp(theta[j]);
        }
        double s2 = Math.exp(theta[d]);
        double noise = Math.exp(theta[d + 1]);
        double[] xs = Matern52.scale(x, d, ls);
        double[] k = new double[n * n];
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double r = Matern52.distance(xs, i, xs, j, d);
                double sr = Matern52.SQRT5 * r;
                double e = Math.exp(-sr);
                k[i * n + j] = s2 * (1 + sr + sr * sr / 3) * e;
                q[i * n + j] = 5.0 / 3.0 * s2 * (1 + sr) * e;
            }
            k[i * n + i] = s2 + noise;
        }
        Cholesky c = Cholesky.factor(k, n);
        if (c == null) {
            return Double.POSITIVE_INFINITY;
        }
        double[] alpha = c.solve(y);
        double fit = 0;
        for (int i = 0; i < n; i++) {
            fit += y[i] * alpha[i];
        }
        double value = 0.5 * fit + 0.5 * c.logDeterminant() + n * HALF_LOG_2PI;
        double[] kinv = c.inverse();
        java.util.Arrays.fill(gradient, 0);
        // W = alpha alpha^T - K^-1 ; dNLL/dθ = -½ Σ_ab W_ab dK_ab/dθ
        double gSignal = 0, traceW = 0;
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            for (int j = 0; j < i; j++) {
                double w = alpha[i] * alpha[j] - kinv[ri + j];
                // off-diagonal pairs appear twice in the trace: the ½ cancels
                gSignal -= w * k[ri + j];
                double wq = w * q[ri + j];
                int xi = i * d, xj = j * d;
                for (int m = 0; m < d; m++) {
                    double t = xs[xi + m] - xs[xj + m];
                    // dK/dlog l_m = q * (Δ_m / l_m)^2
                    gradient[m] -= wq * t * t;
                }
            }
            double wii = alpha[i] * alpha[i] - kinv[ri + i];
            gSignal -= 0.5 * wii * s2;
            traceW += wii;
        }
        gradient[d] = gSignal;
        gradient[d + 1] = -0.5 * noise * traceW;
        for (int j = 0; j < d + 2; j++) {
            double z = (theta[j] - priorMean[j]) / priorSd[j];
            value += 0.5 * z * z;
            gradient[j] += z / priorSd[j];
        }
        return value;
    }

    /**
     * Minimises from the prior centre and {@code restarts - 1} draws from the prior; returns the
     * best hyper-parameters found.
     */
    public Hyperparameters fit(int restarts, SplittableRandom random, int maxIterations) {
        double[] best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        for (int r = 0; r < restarts; r++) {
            double[] start = priorCentre();
            if (r > 0) {
                for (int j = 0; j < start.length; j++) {
                    start[j] = priorMean[j] + priorSd[j] * gaussian(random);
                }
            }
            Lbfgs.Result res = Lbfgs.minimise(this::evaluate, start, lower, upper, maxIterations, 1e-6);
            if (res.value() < bestValue) {
                bestValue = res.value();
                best = res.x();
            }
        }
        if (best == null) {
            best = priorCentre();
            Lbfgs.project(best, lower, upper);
        }
        return Hyperparameters.fromLog(best);
    }

    /**
     * Minimises from {@code start} only (log hyper-parameters, e.g. the previous fit's optimum on
     * a slightly shorter history), for at most {@code maxIterations}; null when the start cannot
     * be evaluated, so the caller can fall back to {@link #fit}.
     */
    public Hyperparameters fitFrom(double[] start, int maxIterations) {
        Lbfgs.Result res = Lbfgs.minimise(this::evaluate, start, lower, upper, maxIterations, 1e-6);
        return Double.isFinite(res.value()) ? Hyperparameters.fromLog(res.x()) : null;
    }

    public static double gaussian(SplittableRandom random) {
        // Box-Muller from the splittable stream so results are reproducible everywhere.
        double u1 = random.nextDouble(), u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
