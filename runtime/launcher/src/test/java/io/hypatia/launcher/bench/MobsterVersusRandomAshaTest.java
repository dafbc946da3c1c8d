package io.hypatia.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.benchmark.synthetic.internal.LearningCurveBenchmarks;
import io.hypatia.engine.TestPlugins;
import io.hypatia.sampler.mobster.internal.MobsterSampler;
import io.hypatia.scheduler.asha.internal.AshaScheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * MOBSTER's claim (issue 9's acceptance test), on the real engine, the real ASHA scheduler and the
 * synthetic learning-curve benchmarks of {@code hypatia bench}: with the same scheduler, the same 4
 * asynchronous workers and the same simulated time (2,000 s), a GP over (configuration, resource)
 * proposing new trials by expected improvement per unit cost ends with a lower median regret over
 * seeds 1-5 than uniform random proposals, on both benchmarks.
 *
 * <p>These benchmarks are a trap for a multi-fidelity model: a wider network learns faster per
 * epoch but costs more per epoch, and its final loss does not depend on the width. Plain EI at a
 * rung chose wide networks and trained about half the epochs of random search in the same time,
 * and lost (median regret 0.0366 against 0.0301 on Branin, 0.197 against 0.138 on Hartmann-6). The
 * sampler now divides EI by a cost per step that it models from the trials' {@code train_seconds},
 * which the engine measures on the simulated clock here. Seeds are fixed and time is simulated, so
 * the runs are reproducible bit for bit whatever the machine's load; the printed figures are the
 * ones in docs/bench/MODEL-BASED-MF.md. The runs are independent and run two at a time.
 */
class MobsterVersusRandomAshaTest {
    private static final AtomicInteger STUDIES = new AtomicInteger();
    private static final int SEEDS = 5;
    private static final double MAX_TIME = 2000;

    private static double finalRegret(Benchmark benchmark, String optimizer, long seed) {
        TestPlugins plugins = new TestPlugins();
        plugins.samplers.put("mobster", new MobsterSampler());
        plugins.schedulers.put("asha", new AshaScheduler());
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

    /** Final regret of seeds 1-5 of each optimizer, {@code [optimizer][seed]}. */
    private static double[][] regrets(Benchmark benchmark, String... optimizers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<List<Future<Double>>> futures = new ArrayList<>();
            for (String optimizer : optimizers) {
                List<Future<Double>> runs = new ArrayList<>();
                for (int s = 1; s <= SEEDS; s++) {
                    long seed = s;
                    runs.add(pool.submit(() -> finalRegret(benchmark, optimizer, seed)));
                }
                futures.add(runs);
            }
            double[][] out = new double[optimizers.length][SEEDS];
            for (int o = 0; o < optimizers.length; o++) {
                for (int s = 0; s < SEEDS; s++) {
                    out[o][s] = futures.get(o).get(s).get();
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static void assertMobsterBeatsRandom(Benchmark benchmark) throws Exception {
        double[][] r = regrets(benchmark, "random+asha:type=promotion", "mobster+asha:type=promotion");
        double[] random = r[0], mobster = r[1];
        String figures = String.format(Locale.ROOT, "%s, final regret at %.0f simulated s, seeds 1-%d: random+asha %s"
                + " (median %.4f), mobster+asha %s (median %.4f)", benchmark.name(), MAX_TIME, SEEDS, Arrays.toString(random),
                median(random), Arrays.toString(mobster), median(mobster));
        System.out.println(figures);
        assertTrue(median(mobster) < median(random), "median regret below random proposals': " + figures);
        int better = 0;
        for (int s = 0; s < SEEDS; s++) {
            better += mobster[s] < random[s] ? 1 : 0;
        }
        assertTrue(better >= 3, "better on at least 3 of 5 seeds: " + figures);
    }

    @Test
    void mobsterBeatsRandomProposalsUnderAshaOnBraninLearningCurves() throws Exception {
        assertMobsterBeatsRandom(LearningCurveBenchmarks.branin());
    }

    @Test
    void mobsterBeatsRandomProposalsUnderAshaOnHartmann6LearningCurves() throws Exception {
        assertMobsterBeatsRandom(LearningCurveBenchmarks.hartmann6());
    }
}
