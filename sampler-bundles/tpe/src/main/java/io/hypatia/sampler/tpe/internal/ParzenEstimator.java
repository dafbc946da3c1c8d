package io.hypatia.sampler.tpe.internal;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A Parzen (kernel density) estimator over a group of parameters: a weighted mixture of one
 * product kernel per observation plus one prior component (Bergstra et al. 2011). With one
 * parameter per group this is univariate TPE; with several it is the joint estimator of
 * multivariate TPE (Falkner et al. 2018; Watanabe 2023).
 *
 * <ul>
 *   <li><b>Numeric dimensions</b> (unit scale, log for log parameters): Gaussian kernels truncated
 *       to [0, 1]. All observation kernels of a dimension share one bandwidth from Scott's rule,
 *       {@code sigma_hat * (4 / (D + 2))^(1/(D+4)) * N^(-1/(D+4))} with sigma_hat the weighted
 *       standard deviation of the observations and D the group's numeric dimensions, clipped to
 *       [{@code b_min}, 1] with {@code b_min} from {@link #minBandwidth} ("magic clip") and, for
 *       ints and ordinals, at least half a cell. The bad density's bandwidth is further capped at
 *       the good density's, dimension by dimension: Scott's rule over a bad set that spans the
 *       whole domain is wide, and such a g would smooth away exactly the structure near the good
 *       region that matters (bad points next to good ones, and the constant liar's pending
 *       points). The prior component is N(0.5, 1) truncated to [0, 1].</li>
 *   <li><b>Categorical dimensions</b>: Aitchison-Aitken kernels, keeping the observed choice with
 *       probability {@code 1 - b} and spreading {@code b} over the K - 1 others, with
 *       {@code b = (K - 1) / K / sqrt(N + 1)} so the smoothing fades as evidence grows. The prior
 *       component is uniform over the choices.</li>
 * </ul>
 *
 * <p>Observation weights are normalised to mean 1; the prior weighs {@code prior_weight}. With
 * {@code bandwidth_weights} (univariate mode's default) the density, but not the sampling, weighs
 * each observation kernel in proportion to its bandwidth as well ({@link #weighByBandwidth}).
 * Densities are evaluated in log space with a log-sum-exp over components; the inner loops run
 * over contiguous per-dimension arrays of component centres, so one evaluation of c candidates
 * costs O(c * N * D) arithmetic and O(c * N) exponentials.
 */
final class ParzenEstimator {
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double PRIOR_MU = 0.5;
    private static final double PRIOR_SIGMA = 1.0;
    /** Bandwidth floor without the magic clip, so a degenerate set still has a proper density. */
    private static final double MIN_BANDWIDTH = 1e-3;

    private final SpaceCoding coding;
    /** The group's parameter indices. */
    private final int[] dims;
    private final int n;
    /** Component centres per group dimension: unit values (numeric) or choice indices (categorical). */
    private final double[][] mu;
    private final int[][] category;
    /** Bandwidth per group dimension: the shared one (joint), the widest kernel's (adaptive). */
    private final double[] sigma;
    /** Bandwidth of each observation kernel per group dimension, and -1 / (2 bandwidth^2). */
    private final double[][] kernelSigma;
    private final double[][] negHalfPrecision;
    private final double[] logKeep;
    private final double[] logMove;
    private final double[] moveProbability;
    /** log weight minus the log normaliser of each observation component. */
    private final double[] componentConstant;
    private final double priorConstant;
    /** Cumulative mixture weights; the last entry (the prior) is 1. */
    private final double[] cumulative;

    /**
     * @param members       observation indices into {@code history} (all dims of the group active)
     * @param weights       weight per member (any positive scale), or null for equal weights
     * @param minBandwidth  lower bound of every numeric bandwidth on the unit scale (ints and ordinals
     *                      get at least half a cell on top of it)
     * @param maxBandwidth  per group dimension, an upper bound on the bandwidth (entries for
     *                      categorical dimensions are ignored), or null
     * @param adaptive      per-kernel bandwidths from the neighbours' distances (see
     *                      {@link #neighbourBandwidths}) instead of one Scott bandwidth per dimension
     */
    ParzenEstimator(SpaceCoding coding, int[] dims, History history, int[] members, double[] weights,
                    double priorWeight, double minBandwidth, double[] maxBandwidth, boolean adaptive) {
        this(coding, dims, history, members, weights, priorWeight, minBandwidth, maxBandwidth, adaptive, false);
    }

    /**
     * @param bandwidthWeighted in the density (not in sampling), each observation kernel's weight is
     *                          multiplied by its bandwidth (the product over the group's numeric
     *                          dimensions), the observations keeping their total share against the
     *                          prior; see {@link #logDensity}
     */
    ParzenEstimator(SpaceCoding coding, int[] dims, History history, int[] members, double[] weights,
                    double priorWeight, double minBandwidth, double[] maxBandwidth, boolean adaptive,
                    boolean bandwidthWeighted) {
        this.coding = coding;
        this.dims = dims;
        this.n = members.length;
        int g = dims.length;
        mu = new double[g][];
        category = new int[g][];
        sigma = new double[g];
        kernelSigma = new double[g][];
        negHalfPrecision = new double[g][];
        logKeep = new double[g];
        logMove = new double[g];
        moveProbability = new double[g];

        double[] w = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            w[i] = weights == null ? 1 : weights[i];
            total += w[i];
        }
        for (int i = 0; i < n; i++) {
            w[i] = w[i] * n / total; // mean 1
        }
        double mass = n + priorWeight;

        int numeric = 0;
        for (int j = 0; j < g; j++) {
            if (coding.kind(dims[j]) != SpaceCoding.Kind.CATEGORICAL) {
                numeric++;
            }
        }
        componentConstant = new double[n];
        for (int i = 0; i < n; i++) {
            componentConstant[i] = Math.log(w[i] / mass);
        }
        double prior = Math.log(priorWeight / mass);
        double scott = Math.pow(4.0 / (numeric + 2), 1.0 / (numeric + 4)) * Math.pow(Math.max(n, 1), -1.0 / (numeric + 4));
        for (int j = 0; j < g; j++) {
            int d = dims[j];
            double[] column = history.x[d];
            double[] centres = new double[n];
            for (int i = 0; i < n; i++) {
                centres[i] = column[members[i]];
            }
            mu[j] = centres;
            if (coding.kind(d) == SpaceCoding.Kind.CATEGORICAL) {
                int k = coding.choices(d);
                int[] cat = new int[n];
                for (int i = 0; i < n; i++) {
                    cat[i] = (int) centres[i];
                }
                category[j] = cat;
                double b = k <= 1 ? 0 : (k - 1.0) / k / Math.sqrt(n + 1.0);
                moveProbability[j] = b;
                logKeep[j] = Math.log1p(-b);
                logMove[j] = k <= 1 ? Double.NEGATIVE_INFINITY : Math.log(b / (k - 1));
                prior -= Math.log(k);
                continue;
            }
            double floor = Math.max(minBandwidth, coding.discreteFloor(d));
            double[] ks = new double[n];
            if (adaptive) {
                ks = neighbourBandwidths(centres);
                for (int i = 0; i < n; i++) {
                    ks[i] = Math.min(1.0, Math.max(floor, ks[i]));
                }
            } else {
                double s = Math.min(1.0, Math.max(floor, spread(centres, w) * scott));
                if (maxBandwidth != null) {
                    s = Math.min(s, maxBandwidth[j]);
                }
                Arrays.fill(ks, s);
            }
            kernelSigma[j] = ks;
            negHalfPrecision[j] = new double[n];
            double widest = 0;
            for (int i = 0; i < n; i++) {
                double s = ks[i];
                widest = Math.max(widest, s);
                negHalfPrecision[j][i] = -0.5 / (s * s);
                double z = Gaussian.cdf((1 - centres[i]) / s) - Gaussian.cdf(-centres[i] / s);
                componentConstant[i] -= LOG_SQRT_2PI + Math.log(s) + Math.log(z);
            }
            sigma[j] = n == 0 ? floor : widest;
            prior -= LOG_SQRT_2PI + Math.log(PRIOR_SIGMA)
                    + Math.log(Gaussian.cdf((1 - PRIOR_MU) / PRIOR_SIGMA) - Gaussian.cdf(-PRIOR_MU / PRIOR_SIGMA));
        }
        priorConstant = prior;
        if (bandwidthWeighted && n > 0) {
            weighByBandwidth(w);
        }
        cumulative = new double[n + 1];
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += w[i] / mass;
            cumulative[i] = acc;
        }
        cumulative[n] = 1;
    }

    /**
     * Multiplies each observation kernel's density weight by its bandwidth, rescaled so the
     * observations' total weight (and so the prior's share) is unchanged: every kernel then has the
     * same peak height per unit of weight, whatever its width. With neighbour bandwidths a tight
     * cluster of near-identical observations otherwise forms a peak far taller than the spread-out
     * rest, and l(x)/g(x) keeps proposing inside that one cluster, coordinate by coordinate.
     */
    private void weighByBandwidth(double[] w) {
        double[] logWidth = new double[n];
        for (double[] ks : kernelSigma) {
            if (ks != null) {
                for (int i = 0; i < n; i++) {
                    logWidth[i] += Math.log(ks[i]);
                }
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logWidth) {
            max = Math.max(max, v);
        }
        double weighted = 0, total = 0;
        for (int i = 0; i < n; i++) {
            weighted += w[i] * Math.exp(logWidth[i] - max);
            total += w[i];
        }
        double shift = Math.log(total / weighted) - max;
        for (int i = 0; i < n; i++) {
            componentConstant[i] += logWidth[i] + shift;
        }
    }

    /**
     * The "magic clip" lower bound on bandwidths for an estimator of {@code n} observations:
     * {@code 1 / min(100, n + 1)} of the range (Bergstra et al.), which keeps kernels of small sets
     * wide. Joint estimators cap it at 5% of the range ({@code 1 / min(100, max(n + 1, 20))}):
     * with the original bound a good set of a handful of points stays almost as wide as the prior,
     * and multivariate TPE barely exploits what it has found in the first ~200 trials.
     * Without the magic clip the bound is {@value #MIN_BANDWIDTH}.
     */
    static double minBandwidth(int n, boolean joint, boolean magicClip) {
        if (!magicClip) {
            return MIN_BANDWIDTH;
        }
        return 1.0 / Math.min(100.0, joint ? Math.max(n + 1.0, 20.0) : n + 1.0);
    }

    /**
     * The adaptive Parzen estimator's bandwidths (Bergstra et al. 2011, section 4.1; the rule of
     * Optuna's univariate TPE): with the prior's centre 0.5 counted as one more point, each
     * kernel's bandwidth is the larger of the distances to its left and right neighbours, and
     * the outermost kernels use their inner neighbour's distance (the ends of the range do not
     * count as neighbours). Kernels are then narrow where good points crowd, so TPE keeps
     * refining around them, and wide where they are sparse, unlike one Scott bandwidth for the
     * whole set, which a single far-away member widens for all.
     */
    static double[] neighbourBandwidths(double[] centres) {
        int n = centres.length;
        double[] all = Arrays.copyOf(centres, n + 1);
        all[n] = PRIOR_MU;
        Integer[] order = new Integer[n + 1];
        for (int i = 0; i <= n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(all[a], all[b]));
        double[] out = new double[n];
        for (int r = 0; r <= n; r++) {
            int i = order[r];
            if (i == n) {
                continue;
            }
            double left = r > 0 ? all[i] - all[order[r - 1]] : Double.NaN;
            double right = r < n ? all[order[r + 1]] - all[i] : Double.NaN;
            out[i] = Double.isNaN(left) ? (Double.isNaN(right) ? 1 : right) : Double.isNaN(right) ? left : Math.max(left, right);
        }
        return out;
    }

    /** Weighted standard deviation of the centres (weights of mean 1); that of the uniform prior below two points. */
    private double spread(double[] centres, double[] w) {
        if (n < 2) {
            return 1 / Math.sqrt(12);
        }
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += w[i] * centres[i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            double dev = centres[i] - mean;
            var += w[i] * dev * dev;
        }
        return Math.sqrt(var / n);
    }

    /**
     * Draws {@code count} points from the mixture.
     *
     * @return coded values per group dimension: {@code out[j][k]} is dimension j of point k
     */
    double[][] sample(RandomGenerator random, int count) {
        int g = dims.length;
        double[][] out = new double[g][count];
        for (int k = 0; k < count; k++) {
            int c = Arrays.binarySearch(cumulative, random.nextDouble());
            c = c >= 0 ? c + 1 : -c - 1; // first entry strictly above the draw
            c = Math.min(c, n);
            boolean fromPrior = c == n;
            for (int j = 0; j < g; j++) {
                int d = dims[j];
                if (coding.kind(d) == SpaceCoding.Kind.CATEGORICAL) {
                    int choices = coding.choices(d);
                    if (fromPrior) {
                        out[j][k] = random.nextInt(choices);
                    } else if (choices > 1 && random.nextDouble() < moveProbability[j]) {
                        int other = random.nextInt(choices - 1);
                        out[j][k] = other >= category[j][c] ? other + 1 : other;
                    } else {
                        out[j][k] = category[j][c];
                    }
                } else {
                    double u = fromPrior ? truncatedNormal(random, PRIOR_MU, PRIOR_SIGMA)
                            : truncatedNormal(random, mu[j][c], kernelSigma[j][c]);
                    out[j][k] = coding.snap(d, u);
                }
            }
        }
        return out;
    }

    /** Rejection sampling; mu lies in [0, 1] and sigma <= 1, so at least a third of the draws are kept. */
    private static double truncatedNormal(RandomGenerator random, double mu, double sigma) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            double v = mu + sigma * random.nextGaussian();
            if (v >= 0 && v <= 1) {
                return v;
            }
        }
        return Math.max(0, Math.min(1, mu));
    }

    /**
     * Log density of each of {@code count} points coded as {@link #sample} returns them.
     *
     * @param scratch a buffer of at least {@link #components()} entries, reused across calls
     */
    double[] logDensity(double[][] points, int count, double[] scratch) {
        double[] out = new double[count];
        double[] acc = scratch;
        int g = dims.length;
        for (int k = 0; k < count; k++) {
            System.arraycopy(componentConstant, 0, acc, 0, n);
            double prior = priorConstant;
            for (int j = 0; j < g; j++) {
                double x = points[j][k];
                if (category[j] != null) {
                    int xc = (int) x;
                    int[] cat = category[j];
                    double keep = logKeep[j], move = logMove[j];
                    for (int i = 0; i < n; i++) {
                        acc[i] += cat[i] == xc ? keep : move;
                    }
                } else {
                    double[] m = mu[j];
                    double[] h = negHalfPrecision[j];
                    for (int i = 0; i < n; i++) {
                        double dev = x - m[i];
                        acc[i] += h[i] * dev * dev;
                    }
                    double devPrior = (x - PRIOR_MU) / PRIOR_SIGMA;
                    prior -= 0.5 * devPrior * devPrior;
                }
            }
            double max = prior;
            for (int i = 0; i < n; i++) {
                if (acc[i] > max) {
                    max = acc[i];
                }
            }
            double sum = Math.exp(prior - max);
            for (int i = 0; i < n; i++) {
                double e = acc[i] - max;
                if (e > -50) { // exp(-50) is far below double precision of the sum
                    sum += Math.exp(e);
                }
            }
            out[k] = max + Math.log(sum);
        }
        return out;
    }

    double[] bandwidths() {
        return sigma.clone();
    }

    int components() {
        return n;
    }

    /** The standard normal distribution function, accurate to about 1e-7 relative error. */
    static final class Gaussian {
        private Gaussian() {
        }

        static double cdf(double x) {
            return 0.5 * erfc(-x / Math.sqrt(2));
        }

        /**
         * Complementary error function by a Chebyshev fit of erfc(z) exp(z^2) (fractional error
         * below 1.2e-7 everywhere; Press et al., Numerical Recipes, section 6.2).
         */
        static double erfc(double x) {
            double z = Math.abs(x);
            double t = 1 / (1 + 0.5 * z);
            double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                    + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                    + t * (-0.82215223 + t * 0.17087277)))))))));
            return x >= 0 ? r : 2 - r;
        }
    }
}
