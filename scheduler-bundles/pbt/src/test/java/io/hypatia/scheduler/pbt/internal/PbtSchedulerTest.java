package io.hypatia.scheduler.pbt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.SchedulerMemory;
import io.hypatia.api.scheduler.UnsuitableStudyException;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.space.CategoricalParameter;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.IntParameter;
import io.hypatia.api.space.OrdinalParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.scheduler.support.StudySim;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PbtSchedulerTest {
    static final SearchSpace LR = SearchSpace.of(List.of(new FloatParameter("lr", 1e-4, 1, true)));
    static final Fidelity STEPS = new Fidelity("step", 1, 100);

    /**
     * A toy training run whose best learning rate changes over time: the loss is a plateau term
     * P, which only shrinks when the rate is above 0.3 (escaping a flat region needs large steps),
     * plus a noise term R that settles at lr/2 (small steps are needed to converge finely). Any
     * fixed rate either never leaves the plateau or stays noisy; a schedule high early and low
     * late - which PBT finds by exploit and explore - wins by a wide margin.
     */
    static double[] train(double[] state, double lr) {
        return new double[] {state[0] * Math.exp(-4 * Math.max(0, lr - 0.3)), 0.9 * state[1] + 0.1 * lr / 2};
    }

    static double loss(double[] state) {
        return state[0] + state[1];
    }

    static final double[] START = {1, 0.5};

    static double fixedRun(double lr) {
        double[] s = START;
        for (int t = 0; t < 100; t++) {
            s = train(s, lr);
        }
        return loss(s);
    }

    /** The best loss any fixed learning rate reaches in 100 steps (a fine log grid over the whole range). */
    static double bestFixed() {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= 4000; i++) {
            best = Math.min(best, fixedRun(Math.pow(10, -4 + 4 * i / 4000.0)));
        }
        return best;
    }

    /** PBT with {@code workers} simulated workers and a budget of {@code budget} training steps; returns the best loss at step 100. */
    static double runPbt(long seed, int workers, int budget, StudySim sim) {
        Random random = new Random(seed);
        Map<String, double[]> checkpoints = new HashMap<>();
        StudySim.T[] held = new StudySim.T[workers];
        double[][] state = new double[workers][];
        int spent = 0;
        double best = Double.POSITIVE_INFINITY;
        List<Integer> order = new java.util.ArrayList<>();
        for (int w = 0; w < workers; w++) {
            order.add(w);
        }
        while (spent < budget) {
            // asynchronous workers: who reports first each round varies
            java.util.Collections.shuffle(order, random);
            for (int w : order) {
                if (spent >= budget) {
                    break;
                }
                if (held[w] == null) {
                    StudySim.HandOut h = sim.ask(() -> Config.of(Map.of("lr", Math.pow(10, -4 + 4 * random.nextDouble()))));
                    held[w] = h.trial();
                    state[w] = h.kind() == StudySim.Kind.CLONED
                            ? checkpoints.get(h.trial().parent + "@" + h.trial().checkpointStep) : START;
                }
                StudySim.T t = held[w];
                double s = t.intermediates.isEmpty() ? Math.max(0, t.checkpointStep) + 1 : t.intermediates.get(t.intermediates.size() - 1).step() + 1;
                state[w] = train(state[w], t.config.getDouble("lr"));
                spent++;
                checkpoints.put(t.id + "@" + s, state[w]);
                Verdict v = sim.report(t, s, loss(state[w]));
                if (v.decision() == Decision.STOP) {
                    held[w] = null;
                } else if (s >= 100) {
                    sim.tell(t, loss(state[w]));
                    best = Math.min(best, loss(state[w]));
                    held[w] = null;
                }
            }
        }
        return best;
    }

    static StudySim sim(Map<String, String> config, long seed) {
        return new StudySim(new PbtScheduler(), Direction.MINIMIZE, config, LR, STEPS, seed);
    }

    @Test
    void beatsEveryFixedLearningRateWithTheSameBudget() {
        double fixed = bestFixed();
        for (long seed = 1; seed <= 5; seed++) {
            // 16 workers, 3,200 training steps; the fixed rates get an oracle grid of 4,001 runs
            StudySim sim = sim(Map.of("interval", "5"), seed);
            double pbt = runPbt(seed, 16, 16 * 100 * 2, sim);
            long clones = sim.trials.stream().filter(t -> t.parent != 0).count();
            System.out.printf("PBT seed %d: best loss at step 100 %.5f (best fixed learning rate %.5f), %d trials, %d clones%n",
                    seed, pbt, fixed, sim.trials.size(), clones);
            assertTrue(pbt < fixed / 10, "seed " + seed + ": PBT " + pbt + " vs best fixed " + fixed);
            assertTrue(clones > 10);
        }
    }

    @Test
    void stopsTheBottomQuarterAndClonesATopQuarterTrialWithACheckpoint() {
        StudySim sim = sim(Map.of("interval", "10"), 3);
        List<StudySim.T> population = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            population.add(sim.ask(() -> Config.of(Map.of("lr", 0.01))).trial());
        }
        // all report at step 10, trial i with loss i: with 8 trials the bottom quarter is ranks 7-8
        // asynchronous: each is ranked among those that reached step 10 before it. Trials 0-5 report
        // losses 5..0 (each the best so far), then trials 6 and 7 report 6 and 7: the worst of 7 and of 8
        for (int i = 0; i < 8; i++) {
            Verdict v = sim.report(population.get(i), 10, i < 6 ? 5 - i : i);
            boolean bottom = i >= 6;
            assertEquals(bottom ? Decision.STOP : Decision.CONTINUE, v.decision(), "trial " + i + ": " + v);
            assertEquals(0, v.rung());
        }
        for (int i = 0; i < 2; i++) {
            StudySim.HandOut h = sim.ask(() -> Config.of(Map.of("lr", 0.5)));
            assertEquals(StudySim.Kind.CLONED, h.kind());
            StudySim.T parent = sim.byId(h.trial().parent);
            assertTrue(parent.number == 4 || parent.number == 5, "clone of a top-quarter trial (losses 0 and 1), got #" + parent.number);
            double lr = h.trial().config.getDouble("lr");
            assertTrue(lr == 0.01 * 0.8 || lr == 0.01 * 1.2 || lr != 0.01, "perturbed " + lr);
        }
        assertEquals(StudySim.Kind.NEW, sim.ask(() -> Config.of(Map.of("lr", 0.5))).kind(), "one clone per stopped trial");
    }

    @Test
    void clonesOnlyFromTrialsWithACheckpoint() {
        PbtScheduler pbt = new PbtScheduler();
        SchedulerMemory memory = new SchedulerMemory();
        List<Objective> loss = List.of(new Objective("loss", Direction.MINIMIZE));
        List<Trial> trials = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            // no trial has a checkpoint
            trials.add(new Trial(i + 1, i, TrialState.RUNNING, Config.of(Map.of("lr", 0.01)), List.of(),
                    List.of(new io.hypatia.api.study.IntermediateValue(10, i)), 100, Map.of(), List.of(), 1, -1, 0));
        }
        for (int i = 0; i < 8; i++) {
            List<Trial> upTo = List.copyOf(trials.subList(0, i + 1));
            SchedulerContext ctx = new SchedulerContext("s", loss, () -> upTo, Map.of("interval", "10"), LR, STEPS, 1, memory);
            Verdict v = pbt.onReport(ctx, trials.get(i));
            assertEquals(Decision.CONTINUE, v.decision());
        }
        SchedulerContext ctx = new SchedulerContext("s", loss, () -> trials, Map.of("interval", "10"), LR, STEPS, 1, memory);
        assertTrue(pbt.exploit(ctx).isEmpty());
    }

    @Test
    void rebuiltMemoryGivesTheSameDecisions() {
        // every report is decided twice: by the incremental memory and by one rebuilt from the trials
        PbtScheduler pbt = new PbtScheduler();
        StudySim sim = new StudySim(new PbtScheduler() {
            @Override
            public Verdict onReport(SchedulerContext context, Trial trial) {
                SchedulerContext fresh = new SchedulerContext("sim", context.objectives(), context::trials, context.config(),
                        context.space(), context.fidelity().orElseThrow(), context.seed(), new SchedulerMemory());
                Verdict rebuilt = pbt.onReport(fresh, trial);
                Verdict incremental = super.onReport(context, trial);
                assertEquals(incremental, rebuilt);
                return incremental;
            }
        }, Direction.MINIMIZE, Map.of("interval", "4"), LR, STEPS, 2);
        runPbt(2, 6, 1500, sim);
        assertTrue(sim.log.stream().anyMatch(l -> l.contains("STOP")));
    }

    @Test
    void exploreRespectsBoundsScalesStepsAndChoices() {
        SearchSpace space = SearchSpace.of(List.of(new FloatParameter("lr", 1e-3, 0.1, true),
                new IntParameter("width", 16, 256, 16, false, null), new IntParameter("layers", 1, 4),
                new CategoricalParameter("act", List.of("relu", "tanh")), new OrdinalParameter("batch", List.of(32L, 64L, 128L))));
        Config parent = Config.of(Map.of("lr", 0.1, "width", 128L, "layers", 1L, "act", "relu", "batch", 64L));
        SplittableRandom random = new SplittableRandom(4);
        int resampled = 0, actChanged = 0;
        for (int i = 0; i < 2000; i++) {
            Explore.Result r = Explore.perturb(space, parent, random, 0.25);
            double lr = r.config().getDouble("lr");
            long width = r.config().getLong("width");
            assertTrue(lr <= 0.1 && lr >= 1e-3);
            assertEquals(0, (width - 16) % 16);
            assertTrue(r.config().getLong("layers") >= 1 && r.config().getLong("layers") <= 4);
            if (lr != 0.1 && Math.abs(lr - 0.08) > 1e-12) {
                resampled++;
            }
            actChanged += r.config().getString("act").equals("relu") ? 0 : 1;
        }
        // lr: x1.2 is clipped to 0.1, x0.8 gives 0.08; anything else is a resample (p = 0.25)
        assertEquals(0.25, resampled / 2000.0, 0.04);
        // the categorical changes only when resampled to the other value: p = 0.25 * 0.5
        assertEquals(0.125, actChanged / 2000.0, 0.03);
    }

    @Test
    void settingsAreChecked() {
        assertEquals("config.quantile", assertThrows(UnsuitableStudyException.class, sim(Map.of("quantile", "0.7"), 1)::validate).field());
        assertEquals("config.interval", assertThrows(UnsuitableStudyException.class, sim(Map.of("interval", "500"), 1)::validate).field());
        assertEquals("config.perturb", assertThrows(UnsuitableStudyException.class, sim(Map.of("perturb", "1"), 1)::validate).field());
        StudySim none = new StudySim(new PbtScheduler(), Direction.MINIMIZE, Map.of(), LR, null, 1);
        assertEquals("fidelity", assertThrows(UnsuitableStudyException.class, none::validate).field());
    }
}
