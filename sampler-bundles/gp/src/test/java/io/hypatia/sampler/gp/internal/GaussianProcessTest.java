package io.hypatia.sampler.gp.internal;

import io.hypatia.sampler.gp.model.Cholesky;
import io.hypatia.sampler.gp.model.GaussianProcess;
import io.hypatia.sampler.gp.model.Hyperparameters;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaussianProcessTest {

    private static double f(double a, double b) {
        return Math.sin(6 * a) + Math.cos(4 * b) + a * b;
    }

    @Test
    void posteriorMeanInterpolatesAndVarianceVanishesAtObservations() {
        SplittableRandom r = new SplittableRandom(1);
        int n = 25, d = 2;
        double[] x = new double[n * d];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = r.nextDouble();
            x[2 * i + 1] = r.nextDouble();
            y[i] = f(x[2 * i], x[2 * i + 1]);
        }
        GaussianProcess gp = GaussianProcess.condition(x, d, y,
                new Hyperparameters(new double[] {0.3, 0.3}, 1.0, 1e-8));
        double[] out = new double[2];
        double maxVarAtData = 0;
        for (int i = 0; i < n; i++) {
            gp.predict(new double[] {x[2 * i], x[2 * i + 1]}, out);
            assertEquals(y[i], out[0], 1e-4, "mean at observation " + i);
            maxVarAtData = Math.max(maxVarAtData, out[1]);
        }
        assertTrue(maxVarAtData < 1e-6, "variance at observations " + maxVarAtData);
        // Far from the data (outside the cube) the variance returns to the prior's.
        gp.predict(new double[] {3, 3}, out);
        assertEquals(1.0, out[1], 1e-3);
        assertEquals(0.0, out[0], 1e-2);
        // Between observations it is clearly positive and grows with the distance to the data.
        double[] p = {x[0] + 0.02, x[1]};
        gp.predict(p, out);
        double near = out[1];
        gp.predict(new double[] {x[0] + 0.08, x[1]}, out);
        double farther = out[1];
        assertTrue(near > maxVarAtData * 10 && farther > near, near + " " + farther);
    }

    @Test
    void fantasisedObservationsMatchRefittingFromScratch() {
        SplittableRandom r = new SplittableRandom(2);
        int n = 15, p = 3, d = 3;
        double[] x = new double[(n + p) * d];
        double[] y = new double[n + p];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextDouble() - 0.5;
        }
        Hyperparameters h = new Hyperparameters(new double[] {0.4, 0.7, 1.1}, 1.3, 1e-3);
        GaussianProcess full = GaussianProcess.condition(x, d, y, h);
        GaussianProcess base = GaussianProcess.condition(java.util.Arrays.copyOf(x, n * d), d, java.util.Arrays.copyOf(y, n), h);
        GaussianProcess extended = base.withObservations(java.util.Arrays.copyOfRange(x, n * d, (n + p) * d),
                java.util.Arrays.copyOfRange(y, n, n + p));
        double[] a = new double[2], b = new double[2];
        for (int t = 0; t < 10; t++) {
            double[] q = {r.nextDouble(), r.nextDouble(), r.nextDouble()};
            full.predict(q, a);
            extended.predict(q, b);
            assertEquals(a[0], b[0], 1e-9);
            assertEquals(a[1], b[1], 1e-9);
        }
    }

    @Test
    void batchedPredictionsEqualSingleOnes() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 70, d = 2, m = 75; // more than two blocks of 32
        double[] x = new double[n * d];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = r.nextDouble();
            x[2 * i + 1] = r.nextDouble();
            y[i] = f(x[2 * i], x[2 * i + 1]);
        }
        GaussianProcess gp = GaussianProcess.condition(x, d, y, new Hyperparameters(new double[] {0.2, 0.5}, 2.0, 1e-5));
        double[] q = new double[m * d];
        for (int i = 0; i < q.length; i++) {
            q[i] = r.nextDouble();
        }
        double[] mean = new double[m], var = new double[m], out = new double[2];
        gp.predictMany(q, mean, var);
        for (int i = 0; i < m; i++) {
            gp.predict(new double[] {q[2 * i], q[2 * i + 1]}, out);
            assertEquals(out[0], mean[i], 1e-12);
            assertEquals(out[1], var[i], 1e-12);
        }
    }

    @Test
    void predictRowsIsBitForBitPredictManyAtThoseRows() {
        // MOBSTER scores only the candidates its bounds cannot settle, and must decide as if it scored all
        SplittableRandom r = new SplittableRandom(5);
        int n = 61, d = 3, m = 75; // blocks of 32, 32 and 11: rows 72-74 are a block's remainder
        double[] x = new double[n * d];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = r.nextDouble();
            }
            y[i] = f(x[i * d], x[i * d + 1]) + x[i * d + 2];
        }
        GaussianProcess gp = GaussianProcess.condition(x, d, y, new Hyperparameters(new double[] {0.3, 0.5, 0.7}, 1.5, 1e-4));
        double[] q = new double[m * d];
        for (int i = 0; i < q.length; i++) {
            q[i] = r.nextDouble();
        }
        double[] mean = new double[m], var = new double[m];
        gp.predictMany(q, mean, var);
        int[] which = {74, 3, 40, 72, 0, 33, 63, 64, 73, 31};
        double[] sm = new double[which.length], sv = new double[which.length];
        gp.predictRows(q, which, sm, sv);
        for (int j = 0; j < which.length; j++) {
            assertEquals(Double.doubleToRawLongBits(mean[which[j]]), Double.doubleToRawLongBits(sm[j]), "mean of row " + which[j]);
            assertEquals(Double.doubleToRawLongBits(var[which[j]]), Double.doubleToRawLongBits(sv[j]), "variance of row " + which[j]);
        }
    }

    @Test
    void choleskyEscalatesJitterOnSingularMatrices() {
        // Three identical points without noise: rank one.
        double[] k = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        Cholesky c = Cholesky.factor(k, 3);
        assertNotNull(c);
        assertTrue(c.jitter > 0);
        double[] inv = Cholesky.factor(new double[] {4, 2, 2, 3}, 2).inverse();
        assertEquals(3.0 / 8, inv[0], 1e-12);
        assertEquals(-2.0 / 8, inv[1], 1e-12);
        assertEquals(4.0 / 8, inv[3], 1e-12);
    }

    @Test
    void acquisitionGradientMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 20, d = 3;
        double[] x = new double[n * d];
        double[] y = new double[n], c = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = r.nextDouble();
            }
            y[i] = f(x[i * d], x[i * d + 1]) + x[i * d + 2];
            c[i] = x[i * d] - 0.5;
        }
        Hyperparameters h = new Hyperparameters(new double[] {0.3, 0.5, 0.8}, 1.0, 1e-4);
        GaussianProcess gp = GaussianProcess.condition(x, d, Surrogates.standardise(y), h);
        GaussianProcess cgp = GaussianProcess.condition(x, d, c, h);
        Acquisition acq = new Acquisition(gp, -1.2, List.of(new Acquisition.Constraint(cgp, 0.1)));
        int[] free = {0, 2};
        for (int t = 0; t < 5; t++) {
            double[] p = {r.nextDouble(), r.nextDouble(), r.nextDouble()};
            double[] g = new double[2];
            acq.valueAndGradient(p, free, g);
            for (int k = 0; k < free.length; k++) {
                double eps = 1e-6;
                double[] plus = p.clone(), minus = p.clone();
                plus[free[k]] += eps;
                minus[free[k]] -= eps;
                double fd = (acq.value(plus) - acq.value(minus)) / (2 * eps);
                assertEquals(fd, g[k], 1e-4 * Math.max(1, Math.abs(fd)), "dimension " + free[k]);
            }
        }
    }

    /** A GP on {@code n} points in {@code d} dimensions, half of them clustered, with a pending fantasy and jitter-prone duplicates. */
    private static GaussianProcess clusteredGp(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n * d];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = i % 2 == 0 ? r.nextDouble() : 0.4 + 0.05 * r.nextDouble();
            }
            y[i] = f(x[i * d], x[i * d + 1]) + (d > 2 ? x[i * d + 2] : 0);
        }
        System.arraycopy(x, 0, x, d, d); // an exact duplicate
        double[] ls = new double[d];
        java.util.Arrays.fill(ls, 0.3);
        GaussianProcess gp = GaussianProcess.condition(x, d, Surrogates.standardise(y), new Hyperparameters(ls, 1.5, 1e-6));
        double[] pending = new double[d];
        java.util.Arrays.fill(pending, 0.42);
        return gp.withObservations(pending, new double[] {-1.0}, 1e-6);
    }

    @Test
    void boundsHaveExactMeansAndNeverUnderstateTheVariance() {
        int d = 3, m = 400;
        GaussianProcess gp = clusteredGp(300, d, 5);
        SplittableRandom r = new SplittableRandom(6);
        double[] q = new double[m * d];
        for (int i = 0; i < q.length; i++) {
            q[i] = i < q.length / 2 ? r.nextDouble() : 0.38 + 0.1 * r.nextDouble();
        }
        double[] mean = new double[m], var = new double[m], bMean = new double[m], bVar = new double[m];
        gp.predictMany(q, mean, var);
        for (int neighbours : new int[] {1, 4, 16}) {
            gp.predictBounds(q, neighbours, bMean, bVar);
            double tightest = Double.POSITIVE_INFINITY;
            for (int i = 0; i < m; i++) {
                assertEquals(mean[i], bMean[i], 1e-9 * Math.max(1, Math.abs(mean[i])), "mean " + i);
                assertTrue(bVar[i] >= var[i], "bound " + bVar[i] + " below the variance " + var[i] + " at " + i);
                tightest = Math.min(tightest, bVar[i] / var[i]);
            }
            if (neighbours == 16) {
                System.out.println("tightest " + tightest);
                assertTrue(tightest < 1.2, "bounds never tight: " + tightest);
            }
        }
        // predictEach is predict, point by point, to the last bit (the polish's tie-breaks rely on it).
        double[][] few = new double[7][];
        for (int i = 0; i < few.length; i++) {
            few[i] = java.util.Arrays.copyOfRange(q, (50 * i) * d, (50 * i + 1) * d);
        }
        double[] eachMean = new double[few.length], eachVar = new double[few.length], one = new double[2];
        gp.predictEach(few, eachMean, eachVar);
        for (int i = 0; i < few.length; i++) {
            gp.predict(few[i], one);
            assertEquals(Double.doubleToRawLongBits(one[0]), Double.doubleToRawLongBits(eachMean[i]), "mean " + i);
            assertEquals(Double.doubleToRawLongBits(one[1]), Double.doubleToRawLongBits(eachVar[i]), "variance " + i);
        }
        // The screen's means are the exact scores' means to the last bit (its guarantee compares them).
        gp.predictBounds(q, 4, bMean, bVar);
        assertArrayEquals(mean, bMean);
        // Tightened bounds, one point at a time: still bounds, and more neighbours never loosen them.
        for (int i = 0; i < m; i++) {
            double[] point = java.util.Arrays.copyOfRange(q, i * d, (i + 1) * d);
            double loose = gp.varianceBound(point, 4);
            double tight = gp.varianceBound(point, 32);
            assertEquals(bVar[i], loose, 1e-12 * loose, "same 4 neighbours as predictBounds at " + i);
            assertTrue(tight >= var[i], "tightened bound " + tight + " below the variance " + var[i] + " at " + i);
            assertTrue(tight <= loose * (1 + 1e-9), "32 neighbours looser than 4 at " + i);
        }
    }

    @Test
    void localViewKeepsTheMeanAndBoundsTheVarianceWithItsGradient() {
        int d = 3;
        GaussianProcess gp = clusteredGp(300, d, 7);
        double[] start = {0.41, 0.43, 0.4};
        GaussianProcess local = gp.localVariance(start, 64);
        assertTrue(local != gp);
        assertTrue(gp.localVariance(start, 400) == gp, "no view when every observation fits");
        double[] a = new double[2], b = new double[2];
        int[] free = {0, 1, 2};
        double[] dm = new double[3], dv = new double[3], ldm = new double[3], ldv = new double[3];
        SplittableRandom r = new SplittableRandom(8);
        for (int t = 0; t < 20; t++) {
            double[] p = {start[0] + 0.02 * r.nextDouble(), start[1] - 0.02 * r.nextDouble(), start[2] + 0.01 * r.nextDouble()};
            gp.predictWithGradient(p, free, a, dm, dv);
            local.predictWithGradient(p, free, b, ldm, ldv);
            assertEquals(a[0], b[0], 1e-9 * Math.max(1, Math.abs(a[0])));
            for (int k = 0; k < 3; k++) {
                assertEquals(dm[k], ldm[k], 1e-7 * Math.max(1, Math.abs(dm[k])));
            }
            assertTrue(b[1] >= a[1] * (1 - 1e-9), b[1] + " < " + a[1]);
            local.predict(p, a);
            assertEquals(b[0], a[0], 1e-12 * Math.max(1, Math.abs(b[0])));
            assertEquals(b[1], a[1], 1e-15);
        }
        // The view's variance gradient is the derivative of the view's variance.
        double[] p = {0.405, 0.44, 0.41};
        local.predictWithGradient(p, free, b, ldm, ldv);
        for (int k = 0; k < 3; k++) {
            double eps = 1e-6;
            double[] plus = p.clone(), minus = p.clone();
            plus[k] += eps;
            minus[k] -= eps;
            local.predict(plus, a);
            double vp = a[1];
            local.predict(minus, a);
            double fd = (vp - a[1]) / (2 * eps);
            assertEquals(fd, ldv[k], 1e-4 * Math.max(1e-3, Math.abs(fd)), "dimension " + k);
        }
    }
}
