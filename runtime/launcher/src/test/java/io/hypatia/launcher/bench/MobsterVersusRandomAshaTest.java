package io.hypatia.launcher.bench;

import io.hypatia.engine.TestPlugins;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.benchmark.synthetic.internal.LearningCurveBenchmarks;
import io.hypatia.sampler.mobster.internal.MobsterSampler;
import io.hypatia.scheduler.asha.internal.AshaScheduler;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * MOBSTER's claim (issue 9's acceptance test), on the real engine, the real ASHA scheduler and the synthetic learning-curve
 * benchmark of {@code hypatia bench}: with the same scheduler, the same 4 asynchronous workers and
 * the same simulated time, a GP over (configuration, resource) proposing new trials by EI ends
 * with a lower regret than uniform random proposals. Seeds are fixed, so the runs are
 * reproducible bit for bit; the margin is what those seeds give with room to spare (see the
 * printed figures), not a statistical test.
 *
 * <p><b>Disabled because it does not hold yet.</b> Measured (4 workers, 1,500 simulated s, seeds
 * 1-5): random+asha final regret 0.0776, 0.0716, 0.0037, 0.0098, 0.0301 (median 0.0301), mobster+asha
 * 0.1006, 0.0466, 0.0115, 0.1704, 0.0467 (median 0.0467). On these benchmarks the cost of a trial
 * grows with the network width while the final loss does not depend on it, and wider networks learn
 * faster per epoch; MOBSTER's EI at the target rung prefers fast learners, so it proposes wide,
 * expensive networks and trains fewer epochs in the same simulated time (docs/bench/MODEL-BASED-MF.md).
 * Enable it once the sampler accounts for cost (or the resource kernel separates speed from the
 * final loss).
 */
class MobsterVersusRandomAshaTest {
    private static final AtomicInteger STUDIES = new AtomicInteger();
    private static final int SEEDS = 5;
    private static final double MAX_TIME = 1500;

    private final TestPlugins plugins = new TestPlugins();

    MobsterVersusRandomAshaTest() {
        plugins.samplers.put("mobster", new MobsterSampler());
        plugins.schedulers.put("asha", new AshaScheduler());
    }

    private double finalRegret(Benchmark benchmark, String optimizer, long seed) {
        OptimizerSpec o = OptimizerSpec.parse(optimizer);
        Benchmark instance = benchmark.instance(seed);
        String name = "mobster-vs-random-" + STUDIES.incrementAndGet();
        try (EngineBackend backend = new EngineBackend(plugins)) {
            StudyBackend.Study study = backend.create(Simulator.studySpec(name, instance, o, seed));
            Simulator.Run run = new Simulator.Run(o.label(), benchmark.name(), seed, instance, true, 4, 100_000, MAX_TIME, 1);
            List<EvaluationRow> rows = new Simulator(run, study, Simulator.Dispatcher.SEQUENTIAL, () -> 0).simulate();
            return rows.stream().mapToDouble(EvaluationRow::score).min().orElse(Double.NaN);
        }
    }

    private double[] regrets(Benchmark benchmark, String optimizer) {
        double[] out = new double[SEEDS];
        for (int s = 0; s < SEEDS; s++) {
            out[s] = finalRegret(benchmark, optimizer, s + 1);
        }
        return out;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    @Test
    @Disabled("MOBSTER does not beat random+ASHA on the synthetic learning curves yet: it is lured to wide, expensive"
            + " networks (see the class comment and docs/bench/MODEL-BASED-MF.md)")
    void mobsterBeatsRandomProposalsUnderAshaOnBraninLearningCurves() {
        Benchmark branin = LearningCurveBenchmarks.branin();
        double[] random = regrets(branin, "random+asha:type=promotion");
        double[] mobster = regrets(branin, "mobster+asha:type=promotion");
        String figures = String.format(Locale.ROOT, "final regret at %.0f simulated s, seeds 1-%d: random+asha %s (median %.4f),"
                + " mobster+asha %s (median %.4f)", MAX_TIME, SEEDS, Arrays.toString(random), median(random),
                Arrays.toString(mobster), median(mobster));
        System.out.println(figures);
        assertTrue(median(mobster) < 0.5 * median(random), "median regret at most half of random's: " + figures);
        int better = 0;
        for (int s = 0; s < SEEDS; s++) {
            better += mobster[s] < random[s] ? 1 : 0;
        }
        assertTrue(better >= 4, "better on at least 4 of 5 seeds: " + figures);
    }
}
