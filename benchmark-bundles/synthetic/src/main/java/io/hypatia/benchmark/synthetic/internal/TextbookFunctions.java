package io.hypatia.benchmark.synthetic.internal;

import static io.hypatia.benchmark.synthetic.internal.Box.filled;

/**
 * The textbook continuous test functions, with the formulas, domains and optima given by
 * Surjanovic and Bingham's Virtual Library of Simulation Experiments (sfu.ca/~ssurjano).
 * Optima of Hartmann and Styblinski-Tang were refined here to full double precision (Newton's
 * method from the published minimisers), so that no point scores a negative regret.
 *
 * <p>Each factory notes why its minimum over the box is also the minimum over all of R^d; the
 * per-run shift in {@link BoxFunction} relies on it.
 */
final class TextbookFunctions {
    private TextbookFunctions() {
    }

    /**
     * Branin-Hoo on x1 in [-5, 10], x2 in [0, 15]. The square is at least 0 and the cosine at
     * least -1, so f >= s*t = 5/(4 pi) everywhere, reached wherever cos x1 = -1 and the square
     * vanishes: three times in the box.
     */
    static BoxFunction branin() {
        double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, r = 6, s = 10, t = 1 / (8 * Math.PI);
        double[][] minimisers = {{-Math.PI, 12.275}, {Math.PI, 2.275}, {3 * Math.PI, 2.475}};
        return new BoxFunction("branin", "Branin-Hoo, 2-D, three global minima (Surjanovic & Bingham)",
                new double[] {-5, 0}, new double[] {10, 15}, s * t, minimisers,
                x -> square(x[1] - b * x[0] * x[0] + c * x[0] - r) + s * (1 - t) * Math.cos(x[0]) + s);
    }

    private static final double[] HARTMANN_ALPHA = {1.0, 1.2, 3.0, 3.2};

    /**
     * Hartmann 3-D on [0, 1]^3. Setting the gradient to zero makes every coordinate of a critical
     * point a positively weighted mean of the centres' coordinates, which lie in [0, 1]; since f
     * tends to 0 far away, its minimum over R^3 is the one in the box.
     */
    static BoxFunction hartmann3() {
        double[][] a = {{3, 10, 30}, {0.1, 10, 35}, {3, 10, 30}, {0.1, 10, 35}};
        double[][] p = {{3689, 1170, 2673}, {4699, 4387, 7470}, {1091, 8732, 5547}, {381, 5743, 8828}};
        return new BoxFunction("hartmann3", "Hartmann, 3-D, four local minima (Surjanovic & Bingham)",
                filled(3, 0), filled(3, 1), -3.8627797873326624,
                new double[][] {{0.11458887665418298, 0.555648894614044, 0.8525469846234901}},
                x -> hartmann(a, p, x));
    }

    /** Hartmann 6-D on [0, 1]^6; its minimum over R^6 is in the box for the same reason as in 3-D. */
    static BoxFunction hartmann6() {
        double[][] a = {
                {10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14},
                {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
        double[][] p = {
                {1312, 1696, 5569, 124, 8283, 5886}, {2329, 4135, 8307, 3736, 1004, 9991},
                {2348, 1451, 3522, 2883, 3047, 6650}, {4047, 8828, 8732, 5743, 1091, 381}};
        return new BoxFunction("hartmann6", "Hartmann, 6-D, six local minima (Surjanovic & Bingham)",
                filled(6, 0), filled(6, 1), -3.3223680114155147,
                new double[][] {{0.20168951102709945, 0.15001069181947088, 0.4768739741454357,
                        0.27533243048798345, 0.31165161660969565, 0.6573005340674897}},
                x -> hartmann(a, p, x));
    }

    /** f = -sum_i alpha_i exp(-sum_j A_ij (x_j - P_ij)^2), with P given in units of 1e-4. */
    private static double hartmann(double[][] a, double[][] p, double[] x) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double inner = 0;
            for (int j = 0; j < x.length; j++) {
                inner += a[i][j] * square(x[j] - 1e-4 * p[i][j]);
            }
            sum += HARTMANN_ALPHA[i] * Math.exp(-inner);
        }
        return -sum;
    }

    /** Rosenbrock on [-5, 10]^d: a sum of squares, 0 only at (1, ..., 1). */
    static BoxFunction rosenbrock(int d) {
        return new BoxFunction("rosenbrock-" + d, "Rosenbrock, " + d + "-D, curved valley (Surjanovic & Bingham)",
                filled(d, -5), filled(d, 10), 0, new double[][] {filled(d, 1)}, x -> {
                    double sum = 0;
                    for (int i = 0; i + 1 < x.length; i++) {
                        sum += 100 * square(x[i + 1] - x[i] * x[i]) + square(x[i] - 1);
                    }
                    return sum;
                });
    }

    /**
     * Ackley (a = 20, b = 0.2, c = 2 pi) on [-32.768, 32.768]^d: its two exponentials are at most
     * 20 and e, both reached only at the origin, so f >= 0 on R^d.
     */
    static BoxFunction ackley(int d) {
        return new BoxFunction("ackley-" + d, "Ackley, " + d + "-D, many local minima (Surjanovic & Bingham)",
                filled(d, -32.768), filled(d, 32.768), 0, new double[][] {filled(d, 0)}, x -> {
                    double squares = 0, cosines = 0;
                    for (double xi : x) {
                        squares += xi * xi;
                        cosines += Math.cos(2 * Math.PI * xi);
                    }
                    return -20 * Math.exp(-0.2 * Math.sqrt(squares / x.length))
                            - Math.exp(cosines / x.length) + 20 + Math.E;
                });
    }

    /** Levy on [-10, 10]^d, with w = 1 + (x - 1)/4: a sum of non-negative terms, 0 at (1, ..., 1). */
    static BoxFunction levy(int d) {
        return new BoxFunction("levy-" + d, "Levy, " + d + "-D, many local minima (Surjanovic & Bingham)",
                filled(d, -10), filled(d, 10), 0, new double[][] {filled(d, 1)}, x -> {
                    int n = x.length;
                    double[] w = new double[n];
                    for (int i = 0; i < n; i++) {
                        w[i] = 1 + (x[i] - 1) / 4;
                    }
                    double sum = square(Math.sin(Math.PI * w[0]));
                    for (int i = 0; i + 1 < n; i++) {
                        sum += square(w[i] - 1) * (1 + 10 * square(Math.sin(Math.PI * w[i] + 1)));
                    }
                    return sum + square(w[n - 1] - 1) * (1 + square(Math.sin(2 * Math.PI * w[n - 1])));
                });
    }

    /** Where x^4 - 16x^2 + 5x has its global minimum on R: the least root of 4x^3 - 32x + 5. */
    static final double STYBLINSKI_TANG_ARGMIN = -2.903534027771177;
    /** Half that minimum; the function is separable, so its optimum is d times this. */
    static final double STYBLINSKI_TANG_OPTIMUM_PER_DIMENSION = -39.16616570377141;

    /** Styblinski-Tang on [-5, 5]^d: separable quartic, each term minimised on R at the least critical point. */
    static BoxFunction styblinskiTang(int d) {
        return new BoxFunction("styblinski-tang-" + d, "Styblinski-Tang, " + d + "-D, separable (Surjanovic & Bingham)",
                filled(d, -5), filled(d, 5), d * STYBLINSKI_TANG_OPTIMUM_PER_DIMENSION,
                new double[][] {filled(d, STYBLINSKI_TANG_ARGMIN)}, x -> {
                    double sum = 0;
                    for (double xi : x) {
                        sum += xi * xi * xi * xi - 16 * xi * xi + 5 * xi;
                    }
                    return sum / 2;
                });
    }

    private static double square(double v) {
        return v * v;
    }
}
