package io.hypatia.sampler.nsga2.internal;

import java.util.random.RandomGenerator;

/**
 * The real-coded variation operators of NSGA-II on [0, 1]: simulated binary crossover (SBX,
 * Deb and Agrawal 1995) in its bounded form, where the spread factor's distribution is truncated
 * so that children stay inside the bounds, and bounded polynomial mutation (Deb and Goyal 1996).
 */
final class Variation {
    private static final double EPS = 1e-14;

    private Variation() {
    }

    /**
     * SBX on one variable: two children of parents {@code a} and {@code b}, each in [0, 1].
     * Identical parents give identical children.
     */
    static double[] sbx(double a, double b, double eta, RandomGenerator random) {
        if (Math.abs(a - b) <= EPS) {
            return new double[]{a, b};
        }
        double y1 = Math.min(a, b), y2 = Math.max(a, b), spread = y2 - y1;
        double u = random.nextDouble();
        // child near y1: the spread factor is limited by the distance of y1 to the lower bound 0
        double c1 = 0.5 * (y1 + y2 - spreadFactor(1 + 2 * y1 / spread, eta, u) * spread);
        // child near y2: limited by the distance of y2 to the upper bound 1
        double c2 = 0.5 * (y1 + y2 + spreadFactor(1 + 2 * (1 - y2) / spread, eta, u) * spread);
        c1 = clamp(c1);
        c2 = clamp(c2);
        return random.nextBoolean() ? new double[]{c2, c1} : new double[]{c1, c2};
    }

    /**
     * The spread factor beta_q drawn by inversion from SBX's polynomial density, truncated so
     * that beta <= {@code betaMax}: alpha = 2 - betaMax^-(eta+1) is the total mass.
     */
    private static double spreadFactor(double betaMax, double eta, double u) {
        double alpha = 2 - Math.pow(betaMax, -(eta + 1));
        double e = 1 / (eta + 1);
        return u <= 1 / alpha ? Math.pow(u * alpha, e) : Math.pow(1 / (2 - u * alpha), e);
    }

    /** Polynomial mutation of {@code y} in [0, 1] with distribution index {@code eta}. */
    static double polynomialMutation(double y, double eta, RandomGenerator random) {
        double delta1 = y, delta2 = 1 - y;
        double u = random.nextDouble();
        double power = 1 / (eta + 1);
        double deltaQ;
        if (u < 0.5) {
            double val = 2 * u + (1 - 2 * u) * Math.pow(1 - delta1, eta + 1);
            deltaQ = Math.pow(val, power) - 1;
        } else {
            double val = 2 * (1 - u) + 2 * (u - 0.5) * Math.pow(1 - delta2, eta + 1);
            deltaQ = 1 - Math.pow(val, power);
        }
        return clamp(y + deltaQ);
    }

    static double clamp(double y) {
        return y < 0 ? 0 : y > 1 ? 1 : y;
    }
}
