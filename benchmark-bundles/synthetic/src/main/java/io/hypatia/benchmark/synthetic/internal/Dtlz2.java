package io.hypatia.benchmark.synthetic.internal;

/**
 * DTLZ2 (Deb, Thiele, Laumanns and Zitzler, "Scalable multi-objective optimization test
 * problems", CEC 2002) with M objectives and n = M + k - 1 variables on [0, 1]:
 *
 * <pre>
 *   g  = sum over the last k variables of (xi - 0.5)^2
 *   f1 = (1 + g) cos(x1 pi/2) ... cos(x(M-2) pi/2) cos(x(M-1) pi/2)
 *   f2 = (1 + g) cos(x1 pi/2) ... cos(x(M-2) pi/2) sin(x(M-1) pi/2)
 *   ...
 *   fM = (1 + g) sin(x1 pi/2)
 * </pre>
 *
 * The sum of the fi^2 is (1 + g)^2, so the Pareto front (g = 0, the last k variables at 0.5) is
 * the part of the unit sphere in the positive orthant.
 *
 * <p>Reference point (1.1, ..., 1.1): the front spans [0, 1] in every objective, and 1.1 is the
 * usual choice (BoTorch and most of the DTLZ literature) so that the front's extreme points
 * still add volume. Its hypervolume is exact: a point y >= 0 is weakly dominated by a front point
 * if and only if |y| >= 1 (y/|y| is on the front and below y; any point below y has norm at most
 * |y|), so the front dominates the box [0, 1.1]^M minus the unit ball's positive orthant:
 * {@code 1.1^M - V_M / 2^M}, with V_M the volume of the M-dimensional unit ball. For M = 3 that
 * is 1.331 - pi/6.
 */
final class Dtlz2 extends MultiObjectiveFunction {
    static final double REFERENCE_VALUE = 1.1;

    private final int objectiveCount;

    Dtlz2(int objectiveCount, int k) {
        super("dtlz2-" + objectiveCount + "obj", "DTLZ2, " + objectiveCount + " objectives, " + (objectiveCount + k - 1)
                        + " variables (k = " + k + "), spherical Pareto front (Deb, Thiele, Laumanns & Zitzler 2002)",
                objectiveCount + k - 1, objectiveCount, Box.filled(objectiveCount, REFERENCE_VALUE));
        if (objectiveCount < 2 || k < 1) {
            throw new IllegalArgumentException("DTLZ2 needs M >= 2 objectives and k >= 1, got M = " + objectiveCount + ", k = " + k);
        }
        this.objectiveCount = objectiveCount;
    }

    @Override
    double[] values(double[] x) {
        int m = objectiveCount;
        double g = 0;
        for (int i = m - 1; i < x.length; i++) {
            g += (x[i] - 0.5) * (x[i] - 0.5);
        }
        double[] f = new double[m];
        // f[j] (0-based) = (1 + g) * cos(x1..x(M-1-j) pi/2) * sin(x(M-j) pi/2) for j > 0
        for (int j = 0; j < m; j++) {
            double v = 1 + g;
            for (int i = 0; i < m - 1 - j; i++) {
                v *= Math.cos(x[i] * Math.PI / 2);
            }
            if (j > 0) {
                v *= Math.sin(x[m - 1 - j] * Math.PI / 2);
            }
            f[j] = v;
        }
        return f;
    }

    @Override
    double paretoFrontHypervolume() {
        return Math.pow(REFERENCE_VALUE, objectiveCount) - unitBallVolume(objectiveCount) / Math.pow(2, objectiveCount);
    }

    /** V_0 = 1, V_1 = 2, V_d = V_(d-2) * 2 pi / d. */
    static double unitBallVolume(int d) {
        double v = d % 2 == 0 ? 1 : 2;
        for (int i = d % 2 == 0 ? 2 : 3; i <= d; i += 2) {
            v *= 2 * Math.PI / i;
        }
        return v;
    }
}
