package io.hypatia.scheduler.lcextrapolation.internal;

/**
 * The parametric learning-curve families of Domhan et al. (2015, table 1), each written as
 * {@code y(x) = c - a * g(x; theta)} with {@code a >= 0} and {@code g} falling to 0: an improving
 * curve saturating at the asymptote {@code c}. Writing every family with a free offset and scale
 * makes the fit invariant to how the metric is scaled, and makes {@code c} and {@code a} linear
 * (variable projection), so only the shape parameters {@code theta} (all positive, searched in
 * log space) need a non-linear search.
 *
 * <p>In this form several of the paper's families coincide and are fitted once: Weibull
 * ({@code alpha - (alpha-beta) e^{-(kx)^d}}), Janoschek ({@code alpha - (alpha-beta) e^{-k x^d}}) and
 * exp4 ({@code c - e^{-a x^alpha + b}}) are all {@code c - a e^{-k x^d}}; MMF
 * ({@code alpha - (alpha-beta)/(1+(kx)^d)}), log-power ({@code a/(1+(x/e^b)^c)}) and Hill3 are all
 * {@code c - a/(1+(kx)^d)}. The paper's vapor-pressure and log-log-linear families have no free
 * offset and are left out.
 */
enum CurveFamily {
    /** pow3: c - a x^{-alpha}. */
    POW3("pow3", new double[] {0.01}, new double[] {5}) {
        @Override
        double g(double x, double[] t) {
            return Math.pow(x, -t[0]);
        }
    },
    /** pow4: c - (x + b)^{-alpha} (the paper's (ax+b)^{-alpha} with the scale moved into a). */
    POW4("pow4", new double[] {0.01, 0.01}, new double[] {5, 100}) {
        @Override
        double g(double x, double[] t) {
            return Math.pow(x + t[1], -t[0]);
        }
    },
    /** ilog2: c - a / log(x + 1). */
    ILOG2("ilog2", new double[0], new double[0]) {
        @Override
        double g(double x, double[] t) {
            return 1 / Math.log(x + 1);
        }
    },
    /** exp3: c - a e^{-k x}. */
    EXP3("exp3", new double[] {1e-3}, new double[] {10}) {
        @Override
        double g(double x, double[] t) {
            return Math.exp(-t[0] * x);
        }
    },
    /** Weibull / Janoschek / exp4: c - a e^{-k x^d}. */
    WEIBULL("weibull", new double[] {1e-3, 0.1}, new double[] {10, 4}) {
        @Override
        double g(double x, double[] t) {
            return Math.exp(-t[0] * Math.pow(x, t[1]));
        }
    },
    /** MMF / log-power / Hill3: c - a / (1 + (k x)^d). */
    MMF("mmf", new double[] {1e-3, 0.1}, new double[] {10, 4}) {
        @Override
        double g(double x, double[] t) {
            return 1 / (1 + Math.pow(t[0] * x, t[1]));
        }
    };

    private final String label;
    private final double[] low;
    private final double[] high;

    CurveFamily(String label, double[] low, double[] high) {
        this.label = label;
        this.low = low;
        this.high = high;
    }

    /** The falling shape at {@code x >= 1} for shape parameters {@code theta}. */
    abstract double g(double x, double[] theta);

    String label() {
        return label;
    }

    /** Number of shape parameters. */
    int shapes() {
        return low.length;
    }

    /** Lower bound of shape parameter {@code i} (positive; searched in log space). */
    double low(int i) {
        return low[i];
    }

    double high(int i) {
        return high[i];
    }
}
