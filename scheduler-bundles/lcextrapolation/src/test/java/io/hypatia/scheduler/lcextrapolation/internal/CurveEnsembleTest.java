package io.hypatia.scheduler.lcextrapolation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class CurveEnsembleTest {

    private static CurveEnsemble fitPrefix(DoubleUnaryOperator loss, int observed, double noise, long seed) {
        Random rnd = new Random(seed);
        double[] steps = new double[observed];
        double[] losses = new double[observed];
        for (int i = 0; i < observed; i++) {
            steps[i] = i + 1;
            losses[i] = loss.applyAsDouble(i + 1) + noise * rnd.nextGaussian();
        }
        return CurveEnsemble.fit(steps, losses, 1, 100);
    }

    @Test
    void everyFamilyIsRecoveredFromANoiseFreePrefixOfItsOwnCurve() {
        // one curve per family, as a loss falling from ~1 towards 0.2; 30 of 100 epochs seen
        double[][] shapes = {{0.7}, {0.8, 3}, {}, {0.08}, {0.2, 0.8}, {0.1, 1.5}};
        for (CurveFamily family : CurveFamily.values()) {
            double[] theta = shapes[family.ordinal()];
            double a = 0.8 / family.g(1, theta);
            DoubleUnaryOperator truth = x -> 0.2 + a * family.g(x, theta);
            CurveEnsemble e = fitPrefix(truth, 30, 0, 1);
            double predicted = e.meanLoss(100);
            assertEquals(truth.applyAsDouble(100), predicted, 0.02,
                    family.label() + ": predicted " + predicted + " for true " + truth.applyAsDouble(100));
        }
    }

    @Test
    void probabilityOfBeatingATargetFollowsTheTrueFinalValue() {
        // Weibull-shaped loss converging to 0.30 at 100 epochs, observed for 40 epochs with noise
        DoubleUnaryOperator truth = x -> 0.30 + 0.6 * Math.exp(-0.1 * Math.pow(x, 0.9));
        double trueFinal = truth.applyAsDouble(100);
        for (long seed = 0; seed < 5; seed++) {
            CurveEnsemble e = fitPrefix(truth, 40, 0.005, seed);
            assertTrue(e.probabilityBelow(100, trueFinal - 0.2) < 0.05, "an incumbent far below the curve is out of reach");
            assertTrue(e.probabilityBelow(100, trueFinal + 0.15) > 0.95, "an incumbent far above the curve is beaten");
            double atTruth = e.probabilityBelow(100, trueFinal);
            assertTrue(atTruth > 0.05, "the true final value is not ruled out: " + atTruth);
        }
    }

    @Test
    void aShortNoisyCurveIsUncertainSoItIsNotCondemned() {
        // six noisy points that barely fall: the extrapolation must not be confident either way
        DoubleUnaryOperator truth = x -> 0.5 + 0.3 * Math.pow(x, -0.3);
        CurveEnsemble e = fitPrefix(truth, 6, 0.05, 3);
        double p = e.probabilityBelow(100, truth.applyAsDouble(100) - 0.05);
        assertTrue(p > 0.05, "probability " + p);
    }

    @Test
    void tooShortACurveGivesNoEnsemble() {
        assertEquals(null, CurveEnsemble.fit(new double[] {1, 2}, new double[] {1, 0.9}, 1, 100));
    }
}
