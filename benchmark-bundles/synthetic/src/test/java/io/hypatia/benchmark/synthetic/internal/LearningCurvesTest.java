package io.hypatia.benchmark.synthetic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.InvalidSpaceException;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The learning-curve families: end point, optimum, crossing curves, noise and cost. */
class LearningCurvesTest {
    static final double[] BUDGETS = {1, 3, 10, 30, 100};

    static List<LearningCurves> families() {
        return SyntheticBenchmarks.multiFidelity();
    }

    static Config with(Config config, String name, Object value) {
        Map<String, Object> values = new LinkedHashMap<>(config.values());
        values.put(name, value);
        return new Config(values);
    }

    static Config[] sample(LearningCurves curves, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Config[] configs = new Config[n];
        for (int i = 0; i < n; i++) {
            configs[i] = curves.space().sampleUniform(random);
        }
        return configs;
    }

    @ParameterizedTest
    @MethodSource("families")
    void shape(LearningCurves curves) {
        assertEquals(new Fidelity("epoch", 1, 100), curves.fidelity().orElseThrow());
        assertEquals(List.of(new Objective("loss", Direction.MINIMIZE)), curves.objectives());
        assertEquals(0.05, curves.optimalValue().getAsDouble());
        int d = curves.function().dimension();
        assertEquals(d + 1, curves.space().size());
        assertEquals(curves.function().space().parameters(), curves.space().parameters().subList(0, d));
        assertTrue(curves.space().get("width") instanceof IntParameter w && w.log() && w.low() == 16 && w.high() == 512);
    }

    @ParameterizedTest
    @MethodSource("families")
    void noiseFreeCurvesFallFromTheStartLossToTheFinalLossReachedAtTheLastEpoch(LearningCurves curves) {
        for (Config c : sample(curves, 200, 1)) {
            double end = curves.finalLoss(c);
            assertTrue(end >= 0.05 && end < 0.9, c.toString());
            assertEquals(end, curves.loss(c, 100), 1e-12);
            assertEquals(1.0, curves.loss(c, 0), 1e-12, "every run starts at the untrained loss");
            double previous = 1;
            for (double r = 1; r <= 100; r += 0.5) {
                double loss = curves.loss(c, r);
                assertTrue(loss < previous && loss >= end - 1e-12, "r " + r + ": " + c);
                previous = loss;
            }
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void valueAtTheFullBudgetIsTheFinalLossUpToNoise(LearningCurves curves) {
        double sd = LearningCurves.noiseStandardDeviation(100);
        assertEquals(0.005, sd, 1e-15);
        for (Config c : sample(curves, 20, 2)) {
            double sum = 0;
            int seeds = 400;
            for (long seed = 0; seed < seeds; seed++) {
                double value = curves.evaluate(c, 100, seed).value();
                assertEquals(curves.finalLoss(c), value, 5 * sd);
                sum += value;
            }
            assertEquals(curves.finalLoss(c), sum / seeds, 5 * sd / Math.sqrt(seeds), "unbiased: " + c);
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void theOptimumIsTheFloorReachedAtTheFunctionsMinimisersAtAnyWidth(LearningCurves curves) {
        for (LearningCurves instance : List.of(curves, curves.instance(1), curves.instance(77))) {
            Config argmin = instance.function().argmin();
            for (long width : new long[] {16, 100, 512}) {
                assertEquals(0.05, instance.loss(with(argmin, "width", width), 100), 1e-9, instance.toString());
            }
            double best = Double.POSITIVE_INFINITY;
            for (Config c : sample(instance, 20_000, 3)) {
                best = Math.min(best, instance.finalLoss(c));
            }
            assertTrue(best > 0.05 && best < 0.2, instance + ": best of a random scan " + best);
        }
        // the per-run variant moves the optimum
        Config textbookArgmin = with(curves.function().argmin(), "width", 64L);
        assertTrue(curves.instance(1).finalLoss(textbookArgmin) > 0.05 + 1e-3);
    }

    @ParameterizedTest
    @MethodSource("families")
    void braninOptimumAtAllThreeMinimisers(LearningCurves curves) {
        if (!curves.name().equals("mf-branin-curves")) {
            return;
        }
        for (double[] x : new double[][] {{-Math.PI, 12.275}, {Math.PI, 2.275}, {3 * Math.PI, 2.475}}) {
            Config c = with(Box.point(x), "width", 32L);
            assertEquals(0.05, curves.loss(c, 100), 1e-6);
        }
    }

    /**
     * The designed crossing: about a third of the pairs of random configs are ordered
     * differently after one epoch than at the end (Kendall's tau about 0.3), a tenth after ten
     * epochs, fewer as the budget grows, and about a fifth of the best tenth early on end in the
     * worse half.
     */
    @ParameterizedTest
    @MethodSource("families")
    void curvesCrossForADesignedShareOfPairs(LearningCurves curves) {
        Config[] configs = sample(curves, 1500, 4);
        double[][] loss = new double[BUDGETS.length][configs.length];
        for (int b = 0; b < BUDGETS.length; b++) {
            for (int i = 0; i < configs.length; i++) {
                loss[b][i] = curves.loss(configs[i], BUDGETS[b]);
            }
        }
        double[] last = loss[BUDGETS.length - 1];
        double[] tau = new double[BUDGETS.length - 1];
        for (int b = 0; b < tau.length; b++) {
            tau[b] = kendallTau(loss[b], last);
        }
        String taus = curves.name() + ": tau against epoch 100 at " + Arrays.toString(BUDGETS) + " = " + Arrays.toString(tau);
        assertTrue(tau[0] > 0.2 && tau[0] < 0.42, taus);  // epoch 1: 29% to 40% of pairs swapped
        assertTrue(tau[2] > 0.72 && tau[2] < 0.88, taus); // epoch 10: 6% to 14%
        for (int b = 1; b < tau.length; b++) {
            assertTrue(tau[b] > tau[b - 1], taus);
        }
        assertTrue(tau[tau.length - 1] < 0.98, taus);

        // good early, bad late: of the best tenth after one epoch, a fair share ends in the worse half
        double medianFinal = median(last);
        double[] early = loss[0].clone();
        Arrays.sort(early);
        double tenth = early[configs.length / 10];
        int best = 0, misleading = 0;
        for (int i = 0; i < configs.length; i++) {
            if (loss[0][i] <= tenth) {
                best++;
                misleading += last[i] > medianFinal ? 1 : 0;
            }
        }
        double share = (double) misleading / best;
        assertTrue(share > 0.08 && share < 0.35, curves.name() + ": share of early leaders ending in the worse half " + share);
    }

    @ParameterizedTest
    @MethodSource("families")
    void noiseIsReproducibleBySeedAndShrinksWithTheBudget(LearningCurves curves) {
        Config c = sample(curves, 1, 5)[0];
        assertEquals(curves.evaluate(c, 7, 123), curves.evaluate(c, 7, 123));
        assertEquals(curves.evaluate(c, 7, 123), curves.instance(0).evaluate(c, 7, 123));
        assertNotEquals(curves.evaluate(c, 7, 123).value(), curves.evaluate(c, 7, 124).value());
        Config other = with(c, "x1", ((FloatParameter) curves.space().get("x1")).low());
        assertNotEquals(curves.evaluate(c, 7, 123).value() - curves.loss(c, 7),
                curves.evaluate(other, 7, 123).value() - curves.loss(other, 7), "noise depends on the configuration");

        for (double r : new double[] {1, 100}) {
            int seeds = 4000;
            double sum = 0, sumSquares = 0;
            for (long seed = 0; seed < seeds; seed++) {
                double noise = curves.evaluate(c, r, seed).value() - curves.loss(c, r);
                sum += noise;
                sumSquares += noise * noise;
            }
            double mean = sum / seeds;
            double sd = Math.sqrt(sumSquares / seeds - mean * mean);
            double expected = 0.05 / Math.sqrt(r);
            assertEquals(expected, sd, 0.06 * expected, "noise sd at epoch " + r);
            assertEquals(0, mean, 4 * expected / Math.sqrt(seeds), "noise mean at epoch " + r);
        }
    }

    @ParameterizedTest
    @MethodSource("families")
    void costIsTheTimeToTrainFromScratchGrowingWithBudgetAndWidth(LearningCurves curves) {
        Config c = sample(curves, 1, 6)[0];
        double previous = 0;
        for (double r : BUDGETS) {
            double cost = curves.evaluate(with(c, "width", 64L), r, 1).cost();
            assertEquals(2 * r, cost, 1e-12, "64 / 32 seconds per epoch");
            assertTrue(cost > previous);
            previous = cost;
        }
        double narrow = curves.evaluate(with(c, "width", 16L), 10, 1).cost();
        double wide = curves.evaluate(with(c, "width", 512L), 10, 1).cost();
        assertEquals(5, narrow, 1e-12);
        assertEquals(32 * narrow, wide, 1e-9);
        assertEquals(narrow, curves.evaluate(with(with(c, "width", 16L), "x2", ((FloatParameter) curves.space().get("x2")).high()), 10, 9).cost(),
                "cost depends on the width only");
    }

    @ParameterizedTest
    @MethodSource("families")
    void budgetsOutsideTheFidelityAndIncompleteConfigsAreRejected(LearningCurves curves) {
        Config c = sample(curves, 1, 7)[0];
        for (double budget : new double[] {0, 0.5, 101, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> curves.evaluate(c, budget, 0));
            assertTrue(e.getMessage().contains("epoch"), e.getMessage());
        }
        assertEquals(curves.evaluate(c, 100, 3), curves.evaluate(c, 100 * (1 + 1e-14), 3), "rounding beyond the end is clamped");
        Map<String, Object> noWidth = new LinkedHashMap<>(c.values());
        noWidth.remove("width");
        InvalidSpaceException e = assertThrows(InvalidSpaceException.class, () -> curves.evaluate(new Config(noWidth), 10, 0));
        assertEquals("config.width", e.field());
    }

    static double kendallTau(double[] a, double[] b) {
        long concordant = 0, discordant = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = i + 1; j < a.length; j++) {
                double s = Math.signum(a[i] - a[j]) * Math.signum(b[i] - b[j]);
                if (s > 0) {
                    concordant++;
                } else if (s < 0) {
                    discordant++;
                }
            }
        }
        return (double) (concordant - discordant) / (concordant + discordant);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
