package io.hypatia.sampler.tpe.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The univariate mode's observation weights: forgetting old observations (Bergstra et al. 2011's
 * linear ramp, as Optuna's default weights) and kernels weighted by their bandwidth.
 */
class UnivariateWeightsTest {
    private static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false)));

    /** Complete trials numbered 0.. in the given order of x, each with loss x. */
    private static History history(double... xs) {
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < xs.length; i++) {
            trials.add(new Trial(i, i, TrialState.COMPLETE, Config.of(Map.of("x", xs[i])), List.of(xs[i]), List.of(), 0,
                    Map.of(), List.of()));
        }
        return History.of(AskTellLoop.context(SPACE, AskTellLoop.MINIMIZE, trials, 0, Map.of()), new SpaceCoding(SPACE), true);
    }

    @Test
    void univariateDefaultsForgetOldObservationsAndWeighKernelsByBandwidth() {
        TpeSettings univariate = TpeSettings.parse(Map.of("multivariate", "false"));
        assertTrue(univariate.forgetOld());
        assertTrue(univariate.bandwidthWeights());
        TpeSettings multivariate = TpeSettings.parse(Map.of());
        assertFalse(multivariate.forgetOld());
        assertFalse(multivariate.bandwidthWeights());
        assertFalse(TpeSettings.parse(Map.of("multivariate", "false", "forget_old", "false")).forgetOld());
        assertTrue(TpeSettings.parse(Map.of("bandwidth_weights", "true")).bandwidthWeights());
    }

    @Test
    void theNewest25WeighOneAndOlderOnesRampUpFromOneOverNByTrialNumber() {
        int n = 30;
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = (i * 7 % n) / (double) n;
        }
        History h = history(xs);
        // the observations handed over in loss order, not in trial order
        int[] observations = h.complete.clone();
        Arrays.sort(observations);
        Integer[] byLoss = Arrays.stream(observations).boxed().toArray(Integer[]::new);
        Arrays.sort(byLoss, Comparator.comparingDouble(o -> h.x[0][o]));
        int[] ordered = Arrays.stream(byLoss).mapToInt(Integer::intValue).toArray();
        double[] w = GoodBadSplit.recencyWeights(ordered, h);
        for (int i = 0; i < n; i++) {
            int age = h.number[ordered[i]]; // 0 = oldest
            // the 5 oldest: 1/30 rising linearly to 1 in 5 steps; the newest 25: 1
            double expected = age < 5 ? 1.0 / n + (1 - 1.0 / n) * age / 4 : 1;
            assertEquals(expected, w[i], 1e-12, "trial " + age);
        }
        int[] few = Arrays.copyOf(ordered, 25);
        for (double v : GoodBadSplit.recencyWeights(few, h)) {
            assertEquals(1, v, 0);
        }
    }

    @Test
    void bandwidthWeightedKernelsWeighInProportionToTheirBandwidthAndThePriorKeepsItsShare() {
        History h = history(0.9, 0.1, 0.2);
        SpaceCoding coding = new SpaceCoding(SPACE);
        int[] members = {0, 1, 2};
        double[] weights = {1, 2, 1};
        double minBandwidth = ParzenEstimator.minBandwidth(4, false, false);
        ParzenEstimator plain = new ParzenEstimator(coding, new int[] {0}, h, members, weights, 1.0, minBandwidth, null, true, false);
        ParzenEstimator weighted = new ParzenEstimator(coding, new int[] {0}, h, members, weights, 1.0, minBandwidth, null, true, true);
        // neighbour bandwidths with the prior's 0.5 as a neighbour: 0.4, 0.1, 0.3
        double[] mu = {0.9, 0.1, 0.2}, sigma = {0.4, 0.1, 0.3};
        double[] w = {0.75, 1.5, 0.75}; // mean 1
        double[] v = new double[3];
        double sumWs = 0;
        for (int i = 0; i < 3; i++) {
            sumWs += w[i] * sigma[i];
        }
        for (int i = 0; i < 3; i++) {
            v[i] = w[i] * sigma[i] * 3 / sumWs; // in proportion to w * bandwidth, total still 3
        }
        double[][] points = {{0.05, 0.15, 0.3, 0.5, 0.85, 0.99}};
        double[] logPlain = plain.logDensity(points, 6, new double[3]);
        double[] logWeighted = weighted.logDensity(points, 6, new double[3]);
        for (int k = 0; k < 6; k++) {
            double x = points[0][k];
            double p = 0, q = 0;
            for (int i = 0; i < 3; i++) {
                p += w[i] / 4 * truncatedNormal(x, mu[i], sigma[i]);
                q += v[i] / 4 * truncatedNormal(x, mu[i], sigma[i]);
            }
            double prior = truncatedNormal(x, 0.5, 1) / 4;
            assertEquals(Math.log(p + prior), logPlain[k], 1e-6, "plain at " + x);
            assertEquals(Math.log(q + prior), logWeighted[k], 1e-6, "bandwidth-weighted at " + x);
        }
    }

    private static double truncatedNormal(double x, double mu, double sigma) {
        double z = (x - mu) / sigma;
        double mass = ParzenEstimator.Gaussian.cdf((1 - mu) / sigma) - ParzenEstimator.Gaussian.cdf(-mu / sigma);
        return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) / sigma / mass;
    }
}
