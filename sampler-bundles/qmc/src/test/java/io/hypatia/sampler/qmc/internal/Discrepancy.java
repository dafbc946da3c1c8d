package io.hypatia.sampler.qmc.internal;

/** Hickernell's centred L2 discrepancy (1998), the squared form's square root. */
final class Discrepancy {
    private Discrepancy() {
    }

    static double centredL2(double[][] x) {
        int n = x.length, d = x[0].length;
        double first = Math.pow(13.0 / 12.0, d), second = 0, third = 0;
        for (double[] p : x) {
            double prod = 1;
            for (int k = 0; k < d; k++) {
                double a = Math.abs(p[k] - 0.5);
                prod *= 1 + 0.5 * a - 0.5 * a * a;
            }
            second += prod;
        }
        for (double[] p : x) {
            for (double[] q : x) {
                double prod = 1;
                for (int k = 0; k < d; k++) {
                    double a = Math.abs(p[k] - 0.5), b = Math.abs(q[k] - 0.5);
                    prod *= 1 + 0.5 * a + 0.5 * b - 0.5 * Math.abs(p[k] - q[k]);
                }
                third += prod;
            }
        }
        return Math.sqrt(first - 2.0 / n * second + third / ((double) n * n));
    }
}
