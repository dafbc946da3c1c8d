package io.hypatia.benchmark.synthetic.internal;

/**
 * ZDT1, ZDT2 and ZDT3 (Zitzler, Deb and Thiele, "Comparison of multiobjective evolutionary
 * algorithms: empirical results", Evolutionary Computation 8(2), 2000): n variables on [0, 1],
 * two minimised objectives
 *
 * <pre>
 *   f1 = x1,   g = 1 + 9/(n-1) * (x2 + ... + xn),   f2 = g * h(f1, g)
 *   ZDT1: h = 1 - sqrt(f1/g)                          convex front
 *   ZDT2: h = 1 - (f1/g)^2                            concave front
 *   ZDT3: h = 1 - sqrt(f1/g) - (f1/g) sin(10 pi f1)   front in five disconnected pieces
 * </pre>
 *
 * f2 grows with g for every f1 in [0, 1] (its g-derivative is positive in all three), so the
 * Pareto set is x2 = ... = xn = 0 (g = 1) and the front is the non-dominated part of the curve
 * f2 = h(f1, 1), f1 in [0, 1]; for ZDT1 and ZDT2 that is the whole curve.
 *
 * <p>Reference point (11, 11) for all three: f1 is at most 1 and f2 at most g <= 10 (ZDT3's
 * sine term is at most f1 <= sqrt(f1 g) in size, so it never lifts f2 above g), so the point bounds the whole
 * objective space and every evaluated configuration counts, even the random ones of a first batch
 * (with g near 5.5 for a random x, a reference point like (1.1, 1.1) would leave the hypervolume
 * at 0 until a sampler gets close to the front). It is also the choice of BoTorch's ZDT problems,
 * which keeps numbers comparable. The front's hypervolume with respect to it is
 * 121 - 1/3 = 120.667 (ZDT1) and 121 - 2/3 = 120.333 (ZDT2) exactly, and 128.7781161 for ZDT3,
 * whose front dips below f2 = 0 (to -0.773); all three are computed here the same way, by
 * integrating the running minimum of the front curve.
 */
final class Zdt extends MultiObjectiveFunction {
    static final double[] REFERENCE_POINT = {11, 11};

    /** h(f1, g) of the ZDT construction f2 = g h(f1, g). */
    @FunctionalInterface
    interface Shape {
        double h(double f1, double g);
    }

    private final Shape shape;
    private final double frontHypervolume;

    private Zdt(String name, String description, int n, Shape shape) {
        super(name, description, n, 2, REFERENCE_POINT);
        if (n < 2) {
            throw new IllegalArgumentException("ZDT needs n >= 2 variables, got " + n);
        }
        this.shape = shape;
        this.frontHypervolume = frontHypervolume(shape, REFERENCE_POINT);
    }

    static Zdt zdt1(int n) {
        return new Zdt(name(1, n), "ZDT1, " + n + " variables, 2 objectives, convex Pareto front (Zitzler, Deb & Thiele 2000)",
                n, (f1, g) -> 1 - Math.sqrt(f1 / g));
    }

    static Zdt zdt2(int n) {
        return new Zdt(name(2, n), "ZDT2, " + n + " variables, 2 objectives, concave Pareto front (Zitzler, Deb & Thiele 2000)",
                n, (f1, g) -> 1 - (f1 / g) * (f1 / g));
    }

    static Zdt zdt3(int n) {
        return new Zdt(name(3, n), "ZDT3, " + n + " variables, 2 objectives, disconnected Pareto front (Zitzler, Deb & Thiele 2000)",
                n, (f1, g) -> 1 - Math.sqrt(f1 / g) - (f1 / g) * Math.sin(10 * Math.PI * f1));
    }

    /** zdt1 for the standard n = 30, zdt1-10 for another n. */
    private static String name(int which, int n) {
        return "zdt" + which + (n == 30 ? "" : "-" + n);
    }

    @Override
    double[] values(double[] x) {
        double sum = 0;
        for (int i = 1; i < x.length; i++) {
            sum += x[i];
        }
        double g = 1 + 9 * sum / (x.length - 1);
        double f1 = x[0];
        return new double[] {f1, g * shape.h(f1, g)};
    }

    /** f2 on the Pareto front's curve (g = 1) at f1. */
    double frontF2(double f1) {
        return shape.h(f1, 1);
    }

    @Override
    double paretoFrontHypervolume() {
        return frontHypervolume;
    }

    /** Intervals of the trapezoid rule below. */
    private static final int INTERVALS = 1 << 20;

    /**
     * The region the curve f2 = h(f1, 1), f1 in [0, 1], dominates inside the reference box is
     * bounded below by m(y1), the least f2 of the curve over f1 <= y1 (m(y1) = m(1) beyond
     * f1 = 1), so its area is the integral of r2 - m(y1) over [0, r1]. m is continuous and
     * piecewise smooth; the trapezoid rule integrates it on [0, 1] to about 1e-9 (its error is
     * O(h^1.5) at the sqrt(f1) terms' steep start and O(h^2) elsewhere), in a few milliseconds.
     */
    private static double frontHypervolume(Shape shape, double[] reference) {
        double step = 1.0 / INTERVALS;
        double runningMin = shape.h(0, 1);
        double integral = 0;
        for (int i = 1; i <= INTERVALS; i++) {
            double next = Math.min(runningMin, shape.h(i * step, 1));
            integral += step * (runningMin + next) / 2;
            runningMin = next;
        }
        return reference[0] * reference[1] - integral - (reference[0] - 1) * runningMin;
    }
}
