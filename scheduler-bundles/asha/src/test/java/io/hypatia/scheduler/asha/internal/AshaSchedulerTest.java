package io.hypatia.scheduler.asha.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.UnsuitableStudyException;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.TrialState;
import io.hypatia.scheduler.support.StudySim;
import io.hypatia.scheduler.support.Workers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AshaSchedulerTest {
    static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("a", 0, 1, false)));
    static final Fidelity EPOCHS = new Fidelity("epoch", 1, 81);
    static final double[] LEVELS = {1, 3, 9, 27, 81};

    /** Learning curves that do not cross: the final loss is {@code a}, so ranks agree at every level. */
    static final Workers.Curve CURVE = (c, step) -> c.getDouble("a") + Math.exp(-step / 20.0);

    static Supplier<Config> sampler(long seed) {
        Random r = new Random(seed);
        return () -> Config.of(Map.of("a", r.nextDouble()));
    }

    static StudySim sim(Map<String, String> config) {
        return new StudySim(new AshaScheduler(), Direction.MINIMIZE, config, SPACE, EPOCHS, 11);
    }

    @Test
    void promotionPausesAtEveryRungAndPromotesTheTopThirdOfEachRung() {
        StudySim sim = sim(Map.of());
        Workers.run(sim, 4, 243, sampler(1), CURVE);
        int[] sizes = new int[LEVELS.length];
        for (int k = 0; k < LEVELS.length; k++) {
            sizes[k] = Workers.reached(sim, LEVELS[k]).size();
        }
        System.out.printf("ASHA promotion, 243 trials, eta 3, 4 workers: rung sizes %s%n", java.util.Arrays.toString(sizes));
        assertEquals(243, sizes[0]);
        for (int k = 0; k + 1 < LEVELS.length; k++) {
            // once drained, every trial in a rung's top 1/eta was promoted; late-arriving better
            // trials can push promoted ones out of the top, so a rung may hold a few more (Li et al. 2020, sec. 3.3)
            assertTrue(sizes[k + 1] >= sizes[k] / 3, "rung " + (k + 1) + " holds at least floor(" + sizes[k] + "/3)");
            assertTrue(sizes[k + 1] <= sizes[k] / 3 + Math.max(3, sizes[k] / 9), "rung " + (k + 1) + " is about a third of rung " + k + ": " + sizes[k + 1]);
        }
        // every trial stopped training exactly at a rung level, paused or finished at the max resource
        for (StudySim.T t : sim.trials) {
            double last = t.intermediates.get(t.intermediates.size() - 1).step();
            assertTrue(java.util.Arrays.stream(LEVELS).anyMatch(l -> l == last), "trial " + t.number + " stopped at " + last);
            assertEquals(last == 81 ? TrialState.COMPLETE : TrialState.PAUSED, t.state);
        }
        // the best configuration (smallest a) was trained to the max resource
        StudySim.T best = sim.trials.stream().min((x, y) -> Double.compare(x.config.getDouble("a"), y.config.getDouble("a"))).orElseThrow();
        assertEquals(TrialState.COMPLETE, best.state);
        checkEveryPromotionAgainstTheRule(sim);
    }

    /** Replays the log: each promotion took the best waiting trial of the highest rung whose top floor(n/3) held one. */
    private static void checkEveryPromotionAgainstTheRule(StudySim sim) {
        List<List<double[]>> rungs = new ArrayList<>(); // per rung: {loss, number}
        List<Set<Integer>> waiting = new ArrayList<>();
        for (int k = 0; k < LEVELS.length; k++) {
            rungs.add(new ArrayList<>());
            waiting.add(new HashSet<>());
        }
        Pattern report = Pattern.compile("report (\\d+) step ([0-9.]+): Verdict\\[decision=(\\w+).*");
        Pattern promote = Pattern.compile("promote (\\d+) to ([0-9.]+):.*");
        int promotions = 0;
        for (String line : sim.log) {
            Matcher m = report.matcher(line);
            if (m.matches()) {
                int n = Integer.parseInt(m.group(1));
                double step = Double.parseDouble(m.group(2));
                for (int k = 0; k < LEVELS.length; k++) {
                    if (LEVELS[k] == step) {
                        rungs.get(k).add(new double[] {CURVE.value(sim.trials.get(n).config, step), n});
                        if (m.group(3).equals("PAUSE")) {
                            waiting.get(k).add(n);
                        }
                    }
                }
                continue;
            }
            m = promote.matcher(line);
            if (m.matches()) {
                int n = Integer.parseInt(m.group(1));
                int expectedRung = -1, expectedTrial = -1;
                for (int k = LEVELS.length - 2; k >= 0 && expectedRung < 0; k--) {
                    List<double[]> sorted = new ArrayList<>(rungs.get(k));
                    sorted.sort((x, y) -> Double.compare(x[0], y[0]));
                    int top = sorted.size() / 3;
                    for (int i = 0; i < top; i++) {
                        if (waiting.get(k).contains((int) sorted.get(i)[1])) {
                            expectedRung = k;
                            expectedTrial = (int) sorted.get(i)[1];
                            break;
                        }
                    }
                }
                assertEquals(expectedTrial, n, line);
                assertEquals(LEVELS[expectedRung + 1], Double.parseDouble(m.group(2)), line);
                waiting.get(expectedRung).remove(n);
                promotions++;
            }
        }
        assertTrue(promotions > 100, "promotions " + promotions);
    }

    @Test
    void stoppingContinuesExactlyTheTopThirdOfEachRungSoFar() {
        StudySim sim = sim(Map.of("type", "stopping", "eta", "3"));
        Workers.run(sim, 4, 200, sampler(2), CURVE);
        Map<Integer, List<Double>> rungs = new HashMap<>();
        int stopped = 0, decisions = 0;
        for (String line : sim.log) {
            Matcher m = Pattern.compile("report (\\d+) step ([0-9.]+): Verdict\\[decision=(\\w+), rung=(-?\\d+).*").matcher(line);
            if (!m.matches() || m.group(4).equals("-1")) {
                continue;
            }
            int k = Integer.parseInt(m.group(4));
            double step = Double.parseDouble(m.group(2));
            assertEquals(LEVELS[k], step, line);
            double loss = CURVE.value(sim.trials.get(Integer.parseInt(m.group(1))).config, step);
            List<Double> rung = rungs.computeIfAbsent(k, x -> new ArrayList<>());
            rung.add(loss);
            long better = rung.stream().filter(v -> v < loss).count();
            if (k < LEVELS.length - 1) {
                decisions++;
                Decision expected = better * 3 < rung.size() ? Decision.CONTINUE : Decision.STOP;
                assertEquals(expected.name(), m.group(3), line);
                stopped += expected == Decision.STOP ? 1 : 0;
            }
        }
        assertTrue(sim.trials.stream().allMatch(t -> t.budget == 81 && t.state != TrialState.PAUSED));
        System.out.printf("ASHA stopping, 200 trials: %d of %d rung decisions stopped the trial; %d trials reached 81%n",
                stopped, decisions, Workers.reached(sim, 81).size());
        assertTrue(stopped > decisions / 2, "most rung decisions stop: " + stopped + " of " + decisions);
    }

    @Test
    void rungsRebuiltFromTrialsGiveTheSameDecisionsAsTheIncrementalPath() {
        for (String type : List.of("promotion", "stopping")) {
            Map<String, String> config = Map.of("type", type, "min_resource", "2", "reduction_factor", "2.5", "max_resource", "60");
            // crossing curves, so ranks at different rungs disagree
            Workers.Curve crossing = (c, step) -> c.getDouble("a") * Math.exp(-step / 30.0) + (1 - c.getDouble("a")) * 10 / (step + 10);
            StudySim incremental = sim(config);
            Workers.run(incremental, 5, 120, sampler(3), crossing);
            StudySim rebuilt = sim(config).forgetful();
            Workers.run(rebuilt, 5, 120, sampler(3), crossing);
            assertEquals(incremental.log, rebuilt.log, type);
            assertTrue(incremental.log.size() > 500);
        }
    }

    @Test
    void maximizedObjectivesRankTheLargestFirst() {
        StudySim sim = new StudySim(new AshaScheduler(), Direction.MAXIMIZE, Map.of("type", "stopping"), SPACE, EPOCHS, 1);
        StudySim.T good = sim.ask(sampler(4)).trial();
        sim.report(good, 1, 0.9);
        StudySim.T bad = sim.ask(sampler(4)).trial();
        assertEquals(Decision.STOP, sim.report(bad, 1, 0.1).decision());
        StudySim.T better = sim.ask(sampler(4)).trial();
        assertEquals(Decision.CONTINUE, sim.report(better, 1, 0.95).decision());
    }

    @Test
    void newTrialsStartAtTheMinimumResourceAndReasonsNameTheRung() {
        StudySim sim = sim(Map.of("grace_period", "3"));
        StudySim.T t = sim.ask(sampler(5)).trial();
        assertEquals(3, t.budget);
        assertEquals(Decision.CONTINUE, sim.report(t, 1, 0.5).decision());
        var v = sim.report(t, 3, 0.4);
        assertEquals(Decision.PAUSE, v.decision());
        assertEquals(0, v.rung());
        assertEquals("rung 0 (3): rank 1 of 1; paused until promoted to 9", v.reason());
        assertEquals(new IntermediateValue(3, 0.4), t.intermediates.get(1));
    }

    @Test
    void settingsAreCheckedAndNamed() {
        assertField("config.eat", Map.of("eat", "2"), EPOCHS);
        assertField("config.reduction_factor", Map.of("reduction_factor", "1"), EPOCHS);
        assertField("config.eta", Map.of("eta", "three"), EPOCHS);
        assertField("config.eta", Map.of("eta", "2", "reduction_factor", "2"), EPOCHS);
        assertField("config.min_resource", Map.of("min_resource", "0.5"), EPOCHS);
        assertField("config.max_resource", Map.of("min_resource", "10", "max_resource", "5"), EPOCHS);
        assertField("config.type", Map.of("type", "halving"), EPOCHS);
        assertField("fidelity", Map.of(), null);
        sim(Map.of("type", "STOPPING", "grace_period", "2", "eta", "4", "max_resource", "64")).validate();
    }

    private static void assertField(String field, Map<String, String> config, Fidelity fidelity) {
        StudySim s = new StudySim(new AshaScheduler(), Direction.MINIMIZE, config, SPACE, fidelity, 1);
        UnsuitableStudyException e = assertThrows(UnsuitableStudyException.class, s::validate);
        assertEquals(field, e.field(), e.getMessage());
    }
}
