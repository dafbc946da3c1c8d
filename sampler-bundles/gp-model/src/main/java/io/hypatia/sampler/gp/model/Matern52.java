package io.hypatia.sampler.gp.model;

/**
 * The Matérn covariance with smoothness 5/2 (Rasmussen and Williams 2006, eq. 4.17) with
 * automatic relevance determination: {@code r} is the Euclidean distance after dividing each
 * input dimension by its own lengthscale, and
 * <pre>k(r) = s2 (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r).</pre>
 * Its derivative {@code dk/dr = -r q(r)} with {@code q(r) = 5/3 s2 (1 + sqrt5 r) exp(-sqrt5 r)}
 * has no singularity at r = 0, which is what the gradients of the marginal likelihood (with
 * respect to log lengthscales) and of the acquisition (with respect to the inputs) use.
 */
public final class Matern52 {
    public static final double SQRT5 = Math.sqrt(5);

    private Matern52() {
    }

    /** k(r) for signal variance {@code s2}. */
    public static double value(double r, double s2) {
        double sr = SQRT5 * r;
        return s2 * (1 + sr + sr * sr / 3) * Math.exp(-sr);
    }

    /** q(r) = -(dk/dr) / r. */
    public static double q(double r, double s2) {
        double sr = SQRT5 * r;
        return 5.0 / 3.0 * s2 * (1 + sr) * Math.exp(-sr);
    }

    /** Inputs divided by their lengthscales (row-major, {@code d} columns). */
    public static double[] scale(double[] x, int d, double[] lengthscales) {
        double[] s = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = x[i] / lengthscales[i % d];
        }
        return s;
    }

    /** Distance between row {@code i} of {@code a} and row {@code j} of {@code b} (already scaled). */
    public static double distance(double[] a, int i, double[] b, int j, int d) {
        double s = 0;
        int ai = i * d, bj = j * d;
        for (int k = 0; k < d; k++) {
            double t = a[ai + k] - b[bj + k];
            s += t * t;
        }
        return Math.sqrt(s);
    }
}
