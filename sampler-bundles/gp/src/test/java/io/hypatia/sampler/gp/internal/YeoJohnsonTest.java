package io.hypatia.sampler.gp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class YeoJohnsonTest {

    @Test
    void lambdaOneIsTheIdentityAndZeroIsLogOnePlus() {
        for (double y : new double[] {-3, -0.5, 0, 0.7, 12}) {
            assertEquals(y, YeoJohnson.transform(y, 1), 1e-12);
        }
        assertEquals(Math.log(3), YeoJohnson.transform(2, 0), 1e-12);
        assertEquals(-Math.log(3), YeoJohnson.transform(-2, 2), 1e-12);
    }

    @Test
    void keepsTheOrderOfTheLosses() {
        double[] losses = {5, 1e4, 0.3, 250, 7, 1e6, 2};
        double[] w = YeoJohnson.warp(losses);
        for (int i = 0; i < losses.length; i++) {
            for (int j = 0; j < losses.length; j++) {
                assertEquals(Double.compare(losses[i], losses[j]), Double.compare(w[i], w[j]), i + " vs " + j);
            }
        }
    }

    @Test
    void compressesHeavyRightTailsAndLeavesGaussianDataNearlyAlone() {
        SplittableRandom random = new SplittableRandom(7);
        double[] lognormal = new double[200];
        double[] gaussian = new double[200];
        for (int i = 0; i < 200; i++) {
            double g = io.hypatia.sampler.gp.model.MarginalLikelihood.gaussian(random);
            lognormal[i] = Math.exp(2 * g);
            gaussian[i] = io.hypatia.sampler.gp.model.MarginalLikelihood.gaussian(random);
        }
        double heavy = YeoJohnson.fitLambda(Surrogates.standardise(lognormal));
        double normal = YeoJohnson.fitLambda(Surrogates.standardise(gaussian));
        assertTrue(heavy < 0.5, "lambda for a heavy right tail: " + heavy);
        assertTrue(Math.abs(normal - 1) < 0.3, "lambda for Gaussian data: " + normal);
    }
}
