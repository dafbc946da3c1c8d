package io.hypatia.launcher.bench;

import io.hypatia.engine.TestPlugins;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Benchmark;
import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.Clone;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.scheduler.Promotion;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.TrialInfo;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The discrete-event simulator on the real engine and store, with plugins and benchmarks from plain code. */
class SimulatorTest {
    private static final AtomicInteger STUDIES = new AtomicInteger();
    private final TestPlugins plugins = new TestPlugins();

    SimulatorTest() {
        // x = trial number, so a benchmark can give each trial a cost by hand
        plugins.samplers.put("trial-number", ctx -> Config.of(Map.of("x", (double) ctx.trialNumber())));
    }

    /** The rows of one in-process run, and the trials the engine ended up with. */
    private record Outcome(List<EvaluationRow> rows, List<TrialInfo> trials) {
        double[] times() {
            return rows.stream().mapToDouble(EvaluationRow::simTime).toArray();
        }

        int[] trialNumbers() {
            return rows.stream().mapToInt(EvaluationRow::trial).toArray();
        }
    }

    private Outcome simulate(Benchmark benchmark, String optimizer, long seed, int workers, int trials, double maxTime) {
        OptimizerSpec o = OptimizerSpec.parse(optimizer);
        Benchmark instance = benchmark.instance(seed);
        String name = "sim-" + STUDIES.incrementAndGet();
        try (EngineBackend backend = new EngineBackend(plugins)) {
            StudyBackend.Study study = backend.create(Simulator.studySpec(name, instance, o, seed));
            Simulator.Run run = new Simulator.Run(o.label(), benchmark.name(), seed, instance, o.hasScheduler(), workers, trials,
                    maxTime, 1);
            List<EvaluationRow> rows = new Simulator(run, study, Simulator.Dispatcher.SEQUENTIAL, () -> 0).simulate();
            return new Outcome(rows, backend.engine().listTrials(name, null));
        }
    }

    private static String csv(List<EvaluationRow> rows) throws IOException {
        StringWriter w = new StringWriter();
        EvaluationCsv.writeHeader(w);
        for (EvaluationRow r : rows) {
            EvaluationCsv.write(w, r);
        }
        return w.toString();
    }

    @Test
    void withOneWorkerSimulatedTimeIsTheSumOfCosts() {
        // the value equals the cost, so the rows carry what each evaluation cost
        Benchmark b = new FakeBenchmark(null, (x, r) -> 0.5 + x / 100, (x, r) -> 0.5 + x / 100);
        Outcome out = simulate(b, "random", 7, 1, 60, Double.POSITIVE_INFINITY);
        assertEquals(60, out.rows().size());
        double sum = 0;
        for (EvaluationRow r : out.rows()) {
            sum += r.values().get(0);
            assertEquals(sum, r.simTime(), "simulated time when trial " + r.trial() + " completes");
        }
        assertTrue(sum > 60, "costs vary, so this is not just the trial count");
    }

    @Test
    void withTwoWorkersEventsFollowSimulatedTime() {
        double[] costs = {5, 1, 1, 1, 3, 2, 1};
        Benchmark b = new FakeBenchmark(null, (x, r) -> x, (x, r) -> costs[(int) Math.round(x)]);
        Outcome out = simulate(b, "trial-number", 1, 2, costs.length, Double.POSITIVE_INFINITY);
        // w0 runs trial 0 (0..5) then 5 (5..7); w1 runs 1 (0..1), 2 (1..2), 3 (2..3), 4 (3..6), 6 (6..7);
        // trials 5 and 6 finish together at 7 and are recorded in worker order
        assertArrayEquals(new int[] {1, 2, 3, 0, 4, 5, 6}, out.trialNumbers());
        assertArrayEquals(new double[] {1, 2, 3, 5, 6, 7, 7}, out.times());
    }

    @Test
    void atEqualTimesEveryResultIsToldBeforeTheNextAsk() {
        Map<Integer, Long> completeSeen = new ConcurrentHashMap<>();
        plugins.samplers.put("counting", ctx -> {
            completeSeen.put(ctx.trialNumber(), ctx.trials().stream().filter(t -> t.state() == TrialState.COMPLETE).count());
            return ctx.space().sampleUniform(ctx.random());
        });
        Benchmark b = new FakeBenchmark(null, (x, r) -> x, (x, r) -> 1);
        simulate(b, "counting", 3, 3, 9, Double.POSITIVE_INFINITY);
        // three workers in lock-step: trials 3..5 are asked at t=1 after 0..2 completed, 6..8 at t=2
        assertEquals(Map.of(0, 0L, 1, 0L, 2, 0L, 3, 3L, 4, 3L, 5, 3L, 6, 6L, 7, 6L, 8, 6L), completeSeen);
    }

    @Test
    void aRunIsBitForBitReproducibleForItsSeed() throws IOException {
        Benchmark b = new FakeBenchmark(null, (x, r) -> (x - 300) * (x - 300), (x, r) -> 1 + x / 50);
        String first = csv(simulate(b, "random", 42, 3, 80, Double.POSITIVE_INFINITY).rows());
        String again = csv(simulate(b, "random", 42, 3, 80, Double.POSITIVE_INFINITY).rows());
        String other = csv(simulate(b, "random", 43, 3, 80, Double.POSITIVE_INFINITY).rows());
        assertEquals(first, again);
        assertNotEquals(first, other);
    }

    /** Stops trial 0 once it has reported step 3; everything else continues. */
    private static final Scheduler STOP_TRIAL_0_AT_3 = (ctx, trial) ->
            Verdict.of(trial.number() == 0 && trial.lastIntermediate().step() >= 3 ? Decision.STOP : Decision.CONTINUE, -1, "");

    @Test
    void aStoppedTrialFreesItsWorkerWhenTheStepCompletes() {
        plugins.schedulers.put("stop0", STOP_TRIAL_0_AT_3);
        // epochs 1..10, each costing 2 (the cost is cumulative: reaching epoch r costs 2r)
        Benchmark b = new FakeBenchmark(new Fidelity("epoch", 1, 10), (x, r) -> x + 10 / r, (x, r) -> 2 * r);
        Outcome out = simulate(b, "trial-number+stop0", 1, 1, 2, Double.POSITIVE_INFINITY);
        // trial 0: steps 1..3 at 2, 4, 6, stopped; trial 1 starts at 6: steps 1..10 at 8..26
        assertArrayEquals(new double[] {2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26}, out.times());
        assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
                out.rows().stream().mapToDouble(EvaluationRow::resource).toArray());
        assertEquals(TrialState.PRUNED, out.trials().get(0).trial().state());
        assertEquals(TrialState.COMPLETE, out.trials().get(1).trial().state());
        assertEquals(List.of(10.0 / 10 + 1), out.trials().get(1).trial().values());
    }

    @Test
    void withTwoWorkersTheFreedWorkerStartsTheNextTrialAtOnce() {
        plugins.schedulers.put("stop0", STOP_TRIAL_0_AT_3);
        Benchmark b = new FakeBenchmark(new Fidelity("epoch", 1, 10), (x, r) -> x + 10 / r, (x, r) -> 2 * r);
        Outcome out = simulate(b, "trial-number+stop0", 1, 2, 3, Double.POSITIVE_INFINITY);
        EvaluationRow trial2First = out.rows().stream().filter(r -> r.trial() == 2).findFirst().orElseThrow();
        assertEquals(8, trial2First.simTime(), "trial 0 stopped at 6 on w0, whose next trial reports epoch 1 at 8");
        assertEquals(26, out.rows().get(out.rows().size() - 1).simTime(), "trial 2 runs 6..26 on w0");
    }

    @Test
    void aPausedTrialResumesFromItsCheckpoint() {
        plugins.schedulers.put("pause0", new Scheduler() {
            @Override
            public Verdict onReport(SchedulerContext ctx, Trial trial) {
                return Verdict.of(trial.number() == 0 && trial.lastIntermediate().step() == 2 && trial.budget() == 10
                        ? Decision.PAUSE : Decision.CONTINUE, -1, "");
            }

            @Override
            public Optional<Promotion> promote(SchedulerContext ctx) {
                Trial zero = ctx.trials().get(0);
                boolean oneDone = ctx.trials().size() > 1 && ctx.trials().get(1).state() == TrialState.COMPLETE;
                return zero.state() == TrialState.PAUSED && oneDone ? Optional.of(new Promotion(zero.id(), 12)) : Optional.empty();
            }
        });
        Benchmark b = new FakeBenchmark(new Fidelity("epoch", 1, 10), (x, r) -> x + 10 / r, (x, r) -> 2 * r);
        Outcome out = simulate(b, "trial-number+pause0", 1, 1, 3, Double.POSITIVE_INFINITY);
        // trial 0 pauses after epoch 2 (t=4); trial 1 runs 4..24; trial 0 resumes at 24 from epoch 2,
        // so epoch 3 costs only 2 more: t=26, and epoch 12 at 44; trial 2 then runs 44..64
        List<EvaluationRow> resumed = out.rows().stream().filter(r -> r.trial() == 0 && r.resource() > 2).toList();
        assertEquals(3, resumed.get(0).resource());
        assertEquals(26, resumed.get(0).simTime());
        assertEquals(44, resumed.get(resumed.size() - 1).simTime());
        assertEquals(12, resumed.get(resumed.size() - 1).resource());
        assertEquals(TrialState.COMPLETE, out.trials().get(0).trial().state());
        assertEquals(64, out.rows().get(out.rows().size() - 1).simTime());
        // epochs: trial 0 trains 1..2 then 3..12 (not again 1..2), trials 1 and 2 train 10 each
        assertEquals(12 + 10 + 10, out.rows().get(out.rows().size() - 1).epochs());
    }

    @Test
    void aPbtCloneStartsFromItsParentsCheckpointAndPaysOnlyFromThere() {
        plugins.schedulers.put("clone0", new Scheduler() {
            @Override
            public Verdict onReport(SchedulerContext ctx, Trial trial) {
                return Verdict.of(trial.number() == 0 && trial.lastIntermediate().step() >= 4 ? Decision.STOP : Decision.CONTINUE, -1, "");
            }

            @Override
            public Optional<Clone> exploit(SchedulerContext ctx) {
                Trial zero = ctx.trials().get(0);
                return ctx.trials().size() == 1 && zero.state() == TrialState.PRUNED
                        ? Optional.of(new Clone(zero.id(), Config.of(Map.of("x", 500.0)), 0, "test")) : Optional.empty();
            }
        });
        Benchmark b = new FakeBenchmark(new Fidelity("epoch", 1, 10), (x, r) -> x + 10 / r, (x, r) -> 2 * r);
        Outcome out = simulate(b, "trial-number+clone0", 1, 1, 2, Double.POSITIVE_INFINITY);
        // trial 0 reports 1..4 (t = 2..8) and is stopped; the clone (trial 1, x = 500) loads its
        // checkpoint at step 4 and trains 5..10 at 2 per epoch: t = 10..20
        List<EvaluationRow> clone = out.rows().stream().filter(r -> r.trial() == 1).toList();
        assertArrayEquals(new double[] {5, 6, 7, 8, 9, 10}, clone.stream().mapToDouble(EvaluationRow::resource).toArray());
        assertArrayEquals(new double[] {10, 12, 14, 16, 18, 20}, clone.stream().mapToDouble(EvaluationRow::simTime).toArray());
        assertEquals(500 + 10.0 / 5, clone.get(0).values().get(0));
        assertEquals(4 + 6, clone.get(clone.size() - 1).epochs());
        TrialInfo cloned = out.trials().get(1);
        assertEquals(TrialState.COMPLETE, cloned.trial().state());
        assertEquals(2, out.trials().size(), "the clone counts as one of the run's trials");
    }

    @Test
    void everyStepIsReportedWithACheckpointTheServiceHandsBack() {
        plugins.schedulers.put("stop0", STOP_TRIAL_0_AT_3);
        Benchmark b = new FakeBenchmark(new Fidelity("epoch", 1, 10), (x, r) -> x + 10 / r, (x, r) -> 2 * r);
        String name = "sim-" + STUDIES.incrementAndGet();
        OptimizerSpec o = OptimizerSpec.parse("trial-number+stop0");
        try (EngineBackend backend = new EngineBackend(plugins)) {
            StudyBackend.Study study = backend.create(Simulator.studySpec(name, b, o, 1));
            new Simulator(new Simulator.Run(o.label(), "fake", 1, b, true, 1, 1, Double.POSITIVE_INFINITY, 1), study,
                    Simulator.Dispatcher.SEQUENTIAL, () -> 0).simulate();
            TrialInfo t = backend.engine().listTrials(name, null).get(0);
            assertEquals(Simulator.checkpointRef(t.trial().id(), 3), t.checkpoint());
        }
    }

    @Test
    void theTimeLimitEndsARun() {
        Benchmark b = new FakeBenchmark(null, (x, r) -> x, (x, r) -> 1);
        Outcome out = simulate(b, "random", 1, 1, 100, 10.5);
        assertEquals(10, out.rows().size());
        assertEquals(10, out.rows().get(9).simTime());
    }

    @Test
    void theTrialBudgetHoldsWithManyWorkers() {
        Benchmark b = new FakeBenchmark(null, (x, r) -> x, (x, r) -> 1 + x / 100);
        Outcome out = simulate(b, "random", 5, 4, 30, Double.POSITIVE_INFINITY);
        assertEquals(30, out.rows().size());
        assertEquals(30, out.rows().stream().mapToInt(EvaluationRow::trial).distinct().count());
        assertEquals(30, out.trials().size());
    }

    @Test
    void regretIsTheBestSoFarMinusTheOptimum() {
        Benchmark b = new FakeBenchmark(null, (x, r) -> x + 1, (x, r) -> 1);
        Outcome out = simulate(b, "random", 9, 1, 20, Double.POSITIVE_INFINITY);
        double best = Double.POSITIVE_INFINITY;
        for (EvaluationRow r : out.rows()) {
            best = Math.min(best, r.values().get(0));
            assertEquals(best, r.best());
            assertEquals("regret", r.scoreKind());
            assertEquals(best - 0, r.score());
        }
    }

    @Test
    void stepGridEndsAtTheBudgetAndSkipsWhatWasTrained() {
        assertArrayEquals(new double[] {1, 2, 3, 4, 5}, Simulator.stepGrid(1, 1, 0, 5));
        assertArrayEquals(new double[] {3, 4, 5}, Simulator.stepGrid(1, 1, 2, 5));
        assertArrayEquals(new double[] {1, 3, 5, 6}, Simulator.stepGrid(1, 2, 0, 6));
        assertArrayEquals(new double[] {0.5, 1.5, 2}, Simulator.stepGrid(0.5, 1, 0, 2));
    }
}
