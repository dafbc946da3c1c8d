package io.hypatia.sampler.gp.model;

import org.apache.commons.math3.special.Erf;

/**
 * Numerically stable logarithms of the pieces of expected improvement and of the probability of
 * feasibility.
 *
 * <p>For a Gaussian posterior with mean μ and standard deviation σ and incumbent loss {@code best},
 * EI = σ h(z) with {@code z = (best - μ)/σ} and {@code h(z) = φ(z) + zΦ(z)}. The naive formula
 * underflows to 0 (and its gradient vanishes) as soon as z falls below about -38, which happens
 * over most of the space once the model is confident; Ament et al. 2023 ("Unexpected Improvements
 * to Expected Improvement for Bayesian Optimization") evaluate log h piecewise instead:
 * <ul>
 * <li>z > -1: log(φ(z) + zΦ(z)) directly;</li>
 * <li>-1/√ε < z ≤ -1: -z²/2 - log√(2π) + log1mexp(log(erfcx(-z/√2)|z|) + log√(π/2)); below
 * z = -36 the argument of log1mexp is within 1e-3 of 0 and is replaced by the asymptotic series of
 * 1 - |z|√(π/2) erfcx(|z|/√2) to avoid the cancellation;</li>
 * <li>z ≤ -1/√ε: -z²/2 - log√(2π) - 2 log|z| (the asymptote).</li>
 * </ul>
 * erfcx(t) = exp(t²) erfc(t) is computed from commons-math3's erfc where that is representable and
 * from its asymptotic series beyond.
 */
public final class LogEi {
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double LOG_SQRT_HALF_PI = 0.5 * Math.log(Math.PI / 2);
    private static final double SQRT2 = Math.sqrt(2);
    private static final double SQRT_PI = Math.sqrt(Math.PI);
    private static final double INV_SQRT_EPS = 1 / Math.sqrt(Math.ulp(1.0));
    private static final double SERIES_FROM = 36;

    private LogEi() {
    }

    /** log h(z), h(z) = φ(z) + zΦ(z); finite for every finite z. */
    public static double logH(double z) {
        if (z > -1) {
            return Math.log(Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) + z * normalCdf(z));
        }
        if (z > -SERIES_FROM) {
            double a = Math.log(erfcx(-z / SQRT2) * -z) + LOG_SQRT_HALF_PI;
            return -0.5 * z * z - LOG_SQRT_2PI + log1mexp(a);
        }
        if (z > -INV_SQRT_EPS) {
            // 1 - |z|√(π/2) erfcx(|z|/√2) cancels catastrophically here; its asymptotic series
            // 1/z² - 3/z⁴ + 15/z⁶ - ... is accurate to ~1e-14 for |z| >= 36.
            double inv = 1 / (z * z), term = inv, sum = inv;
            for (int k = 2; k <= 7; k++) {
                term *= -(2 * k - 1) * inv;
                sum += term;
            }
            return -0.5 * z * z - LOG_SQRT_2PI + Math.log(sum);
        }
        return -0.5 * z * z - LOG_SQRT_2PI - 2 * Math.log(-z);
    }

    /** d log h / dz = Φ(z) / h(z), evaluated in log space. */
    public static double dLogH(double z) {
        return Math.exp(logNormalCdf(z) - logH(z));
    }

    /** log Φ(u) without underflow. */
    public static double logNormalCdf(double u) {
        double t = -u / SQRT2;
        if (t > 5) {
            return Math.log(erfcx(t)) - t * t - Math.log(2);
        }
        if (u > 0) {
            return Math.log1p(-0.5 * Erf.erfc(u / SQRT2));
        }
        return Math.log(0.5 * Erf.erfc(t));
    }

    /** d log Φ / du = φ(u) / Φ(u). */
    public static double dLogNormalCdf(double u) {
        return Math.exp(-0.5 * u * u - LOG_SQRT_2PI - logNormalCdf(u));
    }

    public static double normalCdf(double u) {
        return 0.5 * Erf.erfc(-u / SQRT2);
    }

    /** exp(t²) erfc(t) for t ≥ 0. */
    public static double erfcx(double t) {
        if (t < 26) {
            return Math.exp(t * t) * Erf.erfc(t);
        }
        // erfc(t) ~ exp(-t²)/(t√π) Σ_k (-1)^k (2k-1)!! / (2t²)^k ; the terms are < 1e-16 by k = 6.
        double inv = 1 / (2 * t * t);
        double term = 1, sum = 1;
        for (int k = 1; k <= 6; k++) {
            term *= -(2 * k - 1) * inv;
            sum += term;
        }
        return sum / (t * SQRT_PI);
    }

    /** log(1 - exp(a)) for a < 0 (Mächler 2012). */
    public static double log1mexp(double a) {
        return a > -Math.log(2) ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
    }
}
