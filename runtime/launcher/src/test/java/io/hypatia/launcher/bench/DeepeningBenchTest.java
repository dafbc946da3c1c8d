package io.hypatia.launcher.bench;

import io.hypatia.engine.TestPlugins;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.scheduler.hyperband.internal.HyperbandScheduler;
import org.junit.jupiter.api.Test;

/**
 * {@code hypatia bench deepen} on the real engine and the real Hyperband scheduler: a study
 * raised twice (3 -> 9 -> 27) against starting over at each raise and against 27 from the start,
 * on a benchmark whose epoch costs one simulated second.
 */
class DeepeningBenchTest {
    private static final int WORKERS = 4;

    private final TestPlugins plugins = new TestPlugins();
    private final FakeBenchmark benchmark = new FakeBenchmark(new Fidelity("epoch", 1, 27),
            (x, budget) -> Math.pow(x / 1000 - 0.3, 2) + 1 / budget, (x, budget) -> budget);

    DeepeningBenchTest() {
        plugins.schedulers.put("hyperband", new HyperbandScheduler());
    }

    @Test
    void raisedTwiceScoresOnlyAtTheMaxAfterTheLastRaiseContinuesTrialsAndCountsEpochsOfEveryPhase() {
        DeepeningBench bench = new DeepeningBench(plugins, System.out);
        var schedule = new DeepeningBench.Schedule(new double[] {3, 9, 27}, new double[] {300, 600}, 1200);
        DeepeningBench.Outcome o = bench.runSeed(benchmark, "fake", 1, WORKERS, 3, schedule, 1);

        // Only evaluations at 27 score: the deepened and restarted variants have none before the last raise.
        for (DeepeningBench.Variant v : DeepeningBench.Variant.values()) {
            DeepeningBench.Curve c = o.curve(v);
            double[] first = c.reach(Double.MAX_VALUE);
            assertNotNull(first, v + " scored at the max");
            assertTrue(v == DeepeningBench.Variant.FULL ? first[0] < 600 : first[0] >= 600, v + " first scored at " + first[0]);
            // One epoch costs one second: W workers train at most W epochs per second, and the clock ends at 1,200 s.
            assertTrue(c.totalEpochs() > 0 && c.totalEpochs() <= WORKERS * 1200 + 27, v + ": " + c.totalEpochs() + " epochs");
            for (double[] p : c.points()) {
                assertTrue(p[0] <= 1200 + 27, v + " point after the end: " + p[0]);
            }
        }
        assertTrue(o.continued() > 0, "the raises reopened the best finished trials");
        // The restarted variant's epochs add up over its three studies: more than its last study alone trained.
        assertTrue(o.restarted().totalEpochs() > o.restarted().points().stream()
                .filter(p -> p[0] >= 600).mapToDouble(p -> p[1]).min().orElseThrow());
        assertTrue(Double.isFinite(o.full().finalLoss()));
    }

    @Test
    void schedulesThatCannotWorkAreRefusedNamingTheOption() {
        BenchException notIncreasing = assertThrows(BenchException.class,
                () -> new DeepeningBench.Schedule(new double[] {9, 3, 27}, new double[] {300, 600}, 1200));
        assertTrue(notIncreasing.getMessage().contains("--budgets"), notIncreasing.getMessage());
        BenchException late = assertThrows(BenchException.class,
                () -> new DeepeningBench.Schedule(new double[] {3, 9, 27}, new double[] {300, 1500}, 1200));
        assertTrue(late.getMessage().contains("--raise-at"), late.getMessage());
        BenchException count = assertThrows(BenchException.class,
                () -> new DeepeningBench.Schedule(new double[] {3, 27}, new double[] {300, 600}, 1200));
        assertTrue(count.getMessage().contains("--raise-at"), count.getMessage());
        DeepeningBench bench = new DeepeningBench(plugins, System.out);
        BenchException notTheMax = assertThrows(BenchException.class, () -> bench.runSeed(benchmark, "fake", 1, WORKERS, 3,
                new DeepeningBench.Schedule(new double[] {3, 9}, new double[] {300}, 1200), 1));
        assertTrue(notTheMax.getMessage().contains("--budgets") && notTheMax.getMessage().contains("27"), notTheMax.getMessage());
    }
}
