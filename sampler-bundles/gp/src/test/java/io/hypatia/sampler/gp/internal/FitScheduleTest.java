package io.hypatia.sampler.gp.internal;

import io.hypatia.sampler.gp.model.Cholesky;
import io.hypatia.sampler.gp.model.FitSchedule;
import io.hypatia.sampler.gp.model.GaussianProcess;
import io.hypatia.sampler.gp.model.Hyperparameters;
import io.hypatia.sampler.gp.model.MarginalLikelihood;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Trial;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FitScheduleTest {

    @Test
    void refitsEveryTrialEarlyThenAtADoublingStep() {
        for (int n = 1; n < FitSchedule.EVERY_TRIAL; n++) {
            assertEquals(n, FitSchedule.fitPoint(n));
        }
        assertEquals(2, FitSchedule.step(50));
        assertEquals(4, FitSchedule.step(150));
        assertEquals(8, FitSchedule.step(300));
        assertEquals(32, FitSchedule.step(1000));
        assertEquals(32, FitSchedule.step(100_000));
        assertEquals(296, FitSchedule.fitPoint(300));
        assertEquals(992, FitSchedule.fitPoint(1000));
        int previous = 0;
        for (int n = 1; n < 5000; n++) {
            int m = FitSchedule.fitPoint(n);
            assertTrue(m <= n && n - m < FitSchedule.step(n) && m >= previous, "n=" + n);
            previous = m;
        }
    }

    @Test
    void fitsStartColdOnlyUpToTheEveryTrialRangeAndAtEachDoubling() {
        for (int m = 1; m <= FitSchedule.EVERY_TRIAL; m++) {
            assertTrue(FitSchedule.coldStart(m), "m=" + m);
        }
        for (int m : new int[] {100, 200, 400, 800, 1600, 3200}) {
            assertTrue(FitSchedule.coldStart(m), "m=" + m);
        }
        int longestChain = 0;
        for (int n = FitSchedule.EVERY_TRIAL + 1; n < 5000; n++) {
            int m = FitSchedule.fitPoint(n);
            int chain = 0;
            while (!FitSchedule.coldStart(m)) {
                int previous = FitSchedule.previous(m);
                assertTrue(previous < m && m - previous == FitSchedule.step(previous), "m=" + m);
                m = previous;
                chain++;
            }
            longestChain = Math.max(longestChain, chain);
        }
        // A cold cache recomputes at most one chain of short warm fits to reach any fit point.
        assertTrue(longestChain <= 25, "chain of " + longestChain);
        assertEquals(false, FitSchedule.coldStart(104));
        assertEquals(100, FitSchedule.previous(104));
        assertEquals(288, FitSchedule.previous(296));
    }

    @Test
    void aWarmStartedFitReachesTheColdFitsOptimum() {
        // The warm fit from a nearby optimum must find as good a MAP point as the cold restarts.
        SplittableRandom r = new SplittableRandom(11);
        int d = 4, n = 120;
        double[] x = new double[n * d];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double[] p = new double[6];
            for (int j = 0; j < d; j++) {
                x[i * d + j] = r.nextDouble();
                p[j] = x[i * d + j];
            }
            p[4] = 0.3;
            p[5] = 0.6;
            y[i] = StudyLoop.hartmann6(p);
        }
        MarginalLikelihood earlier = new MarginalLikelihood(java.util.Arrays.copyOf(x, 112 * d), d,
                Surrogates.standardise(java.util.Arrays.copyOf(y, 112)));
        Hyperparameters previous = earlier.fit(3, new SplittableRandom(1), 60);
        MarginalLikelihood now = new MarginalLikelihood(x, d, Surrogates.standardise(y));
        Hyperparameters cold = now.fit(3, new SplittableRandom(2), 60);
        Hyperparameters warm = now.fitFrom(previous.toLog(), Surrogates.WARM_ITERATIONS);
        double[] g = new double[d + 2];
        double coldValue = now.evaluate(cold.toLog(), g);
        double warmValue = now.evaluate(warm.toLog(), g);
        assertTrue(warmValue <= coldValue + 0.05, "warm " + warmValue + " vs cold " + coldValue);
    }

    @Test
    void anExtendedFactorEqualsAFreshOne() {
        SplittableRandom r = new SplittableRandom(3);
        int d = 3, n = 40, p = 7;
        double[] x = new double[(n + p) * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        Hyperparameters h = new Hyperparameters(new double[] {0.3, 0.5, 0.8}, 1.3, 1e-4);
        Cholesky old = GaussianProcess.factor(java.util.Arrays.copyOf(x, n * d), d, h);
        Cholesky extended = GaussianProcess.extendFactor(old, java.util.Arrays.copyOf(x, n * d),
                java.util.Arrays.copyOfRange(x, n * d, x.length), d, h);
        Cholesky fresh = GaussianProcess.factor(x, d, h);
        assertEquals(0.0, fresh.jitter);
        assertArrayEquals(fresh.l, extended.l, 1e-12);
    }

    @Test
    void aColdSamplerRecomputesTheWarmStartedChainAndSuggestsTheSame() {
        // 104-108 observations: fits at 104 and 108 start from the previous fit point's optimum
        // (100, then 104); a new sampler has no cache and computes the chain from the cold fit at 100.
        SearchSpace space = StudyLoop.unitCube(3);
        SplittableRandom r = new SplittableRandom(6);
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 109; i++) {
            Config c = space.sampleUniform(r);
            trials.add(StudyLoop.complete(i, c, StudyLoop.hartmann6(new double[] {
                    c.getDouble("x0"), c.getDouble("x1"), c.getDouble("x2"), 0.3, 0.3, 0.6}), List.of()));
        }
        GpSampler warm = new GpSampler();
        for (int n = 100; n <= 108; n++) {
            // One trial at a time, as a sequential study: the warm factor grows by one row per ask
            // (an extension by several rows at once rounds differently from a fresh factor).
            SamplerContext ctx = StudyLoop.context(space, trials.subList(0, n), 9, Map.of());
            Config answer = warm.suggest(ctx);
            if (n >= 104) {
                assertEquals(answer, new GpSampler().suggest(ctx), "n=" + n);
            }
        }
    }

    @Test
    void aWarmStudyAndAColdSamplerSuggestTheSameBeyondTheEveryTrialRange() {
        // 70 observations: hyper-parameters come from the fit at 70 (step 2), the factor is
        // extended from the previous ask's in the warm sampler and computed afresh in the cold one.
        SearchSpace space = StudyLoop.unitCube(4);
        SplittableRandom r = new SplittableRandom(5);
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 73; i++) {
            Config c = space.sampleUniform(r);
            trials.add(StudyLoop.complete(i, c, StudyLoop.hartmann6(new double[] {
                    c.getDouble("x0"), c.getDouble("x1"), c.getDouble("x2"), c.getDouble("x3"), 0.3, 0.6}), List.of()));
        }
        GpSampler warm = new GpSampler();
        for (int n = 66; n <= 72; n++) {
            SamplerContext ctx = StudyLoop.context(space, trials.subList(0, n), 9, Map.of());
            Config answer = warm.suggest(ctx);
            assertEquals(answer, new GpSampler().suggest(ctx), "n=" + n);
        }
    }
}
