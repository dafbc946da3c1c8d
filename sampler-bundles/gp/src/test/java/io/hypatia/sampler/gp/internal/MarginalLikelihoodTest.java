package io.hypatia.sampler.gp.internal;

import io.hypatia.sampler.gp.model.Cholesky;
import io.hypatia.sampler.gp.model.GaussianProcess;
import io.hypatia.sampler.gp.model.Hyperparameters;
import io.hypatia.sampler.gp.model.MarginalLikelihood;
import io.hypatia.sampler.gp.model.Matern52;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MarginalLikelihoodTest {

    /** A draw from a zero-mean Matérn-5/2 GP with the given hyper-parameters at random inputs. */
    private static double[][] sample(SplittableRandom r, int n, double[] lengthscales, double noise) {
        int d = lengthscales.length;
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        Hyperparameters h = new Hyperparameters(lengthscales, 1.0, noise);
        double[] k = GaussianProcess.kernelMatrix(Matern52.scale(x, d, lengthscales), n, d, h);
        Cholesky c = Cholesky.factor(k, n);
        double[] y = new double[n];
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = MarginalLikelihood.gaussian(r);
        }
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j <= i; j++) {
                s += c.l[i * n + j] * z[j];
            }
            y[i] = s;
        }
        return new double[][] {x, y};
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(5);
        double[][] data = sample(r, 30, new double[] {0.2, 0.6}, 1e-3);
        MarginalLikelihood ml = new MarginalLikelihood(data[0], 2, data[1]);
        double[] theta = {Math.log(0.3), Math.log(0.5), Math.log(0.8), Math.log(1e-2)};
        double[] g = new double[4];
        ml.evaluate(theta, g);
        for (int j = 0; j < 4; j++) {
            double eps = 1e-5;
            double[] p = theta.clone(), m = theta.clone();
            p[j] += eps;
            m[j] -= eps;
            double[] tmp = new double[4];
            double fd = (ml.evaluate(p, tmp) - ml.evaluate(m, tmp)) / (2 * eps);
            assertEquals(fd, g[j], 1e-4 * Math.max(1, Math.abs(fd)), "component " + j);
        }
    }

    @Test
    void recoversKnownLengthscalesFromSampledFunctions() {
        double[] truth = {0.15, 0.6};
        double[] logRatio = new double[2];
        int draws = 4;
        for (int s = 0; s < draws; s++) {
            SplittableRandom r = new SplittableRandom(100 + s);
            double[][] data = sample(r, 120, truth, 1e-4);
            Hyperparameters h = new MarginalLikelihood(data[0], 2, Surrogates.standardise(data[1]))
                    .fit(3, new SplittableRandom(s), 60);
            // lengthscales are relative to the standardised output, so compare in log space
            logRatio[0] += Math.log(h.lengthscales()[0] / truth[0]) / draws;
            logRatio[1] += Math.log(h.lengthscales()[1] / truth[1]) / draws;
            assertTrue(h.lengthscales()[0] < h.lengthscales()[1], "ARD order in draw " + s + ": " + h);
            assertTrue(h.noiseVariance() < 1e-2, "noise-free data fitted with noise " + h.noiseVariance());
        }
        System.out.printf("lengthscale recovery: truth %s, fitted geometric mean %.3f, %.3f%n", java.util.Arrays.toString(truth),
                truth[0] * Math.exp(logRatio[0]), truth[1] * Math.exp(logRatio[1]));
        // Geometric mean within a factor 1.5 of the truth.
        assertTrue(Math.abs(logRatio[0]) < Math.log(1.5), "short lengthscale off by " + Math.exp(logRatio[0]));
        assertTrue(Math.abs(logRatio[1]) < Math.log(1.5), "long lengthscale off by " + Math.exp(logRatio[1]));
    }

    @Test
    void irrelevantDimensionGetsALongLengthscale() {
        SplittableRandom r = new SplittableRandom(9);
        int n = 60, d = 3;
        double[] x = new double[n * d];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = r.nextDouble();
            }
            y[i] = Math.sin(5 * x[i * d]) + x[i * d + 1] * x[i * d + 1];
        }
        Hyperparameters h = new MarginalLikelihood(x, d, Surrogates.standardise(y)).fit(3, new SplittableRandom(1), 60);
        assertTrue(h.lengthscales()[2] > 3 * h.lengthscales()[0], h.toString());
        assertTrue(h.lengthscales()[2] > 2, h.toString());
    }

    /**
     * On noise-free data the fitted noise sits at its lower bound, so the bound decides how finely
     * the model can tell losses apart near the optimum (Branin's GP stalled at 1e-6): a lower
     * {@code noise_floor} must let the fit go below the default bound.
     */
    @Test
    void noiseFloorBoundsTheFittedNoiseOnNoiseFreeData() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 80, d = 2;
        double[] x = new double[n * d];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i * d] = r.nextDouble();
            x[i * d + 1] = r.nextDouble();
            y[i] = Math.sin(3 * x[i * d]) + Math.pow(x[i * d + 1] - 0.3, 2);
        }
        double[] ys = Surrogates.standardise(y);
        Hyperparameters atDefault = new MarginalLikelihood(x, d, ys).fit(3, new SplittableRandom(1), 60);
        Hyperparameters lower = new MarginalLikelihood(x, d, ys, 1e-10).fit(3, new SplittableRandom(1), 60);
        assertTrue(atDefault.noiseVariance() >= MarginalLikelihood.MIN_NOISE * (1 - 1e-9), atDefault.toString());
        assertTrue(atDefault.noiseVariance() < 1.01 * MarginalLikelihood.MIN_NOISE, "noise-free data, default floor: " + atDefault);
        assertTrue(lower.noiseVariance() < 1e-7, "noise-free data, floor 1e-10: " + lower);
        assertTrue(lower.noiseVariance() >= 1e-10 * (1 - 1e-9), lower.toString());
        assertThrows(IllegalArgumentException.class, () -> new MarginalLikelihood(x, d, ys, 0));
        assertThrows(IllegalArgumentException.class, () -> new MarginalLikelihood(x, d, ys, 2));
    }
}
