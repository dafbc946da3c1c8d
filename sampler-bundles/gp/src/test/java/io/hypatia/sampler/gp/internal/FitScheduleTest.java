package io.hypatia.sampler.gp.internal;

import io.hypatia.sampler.gp.model.Cholesky;
import io.hypatia.sampler.gp.model.FitSchedule;
import io.hypatia.sampler.gp.model.GaussianProcess;
import io.hypatia.sampler.gp.model.Hyperparameters;
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
