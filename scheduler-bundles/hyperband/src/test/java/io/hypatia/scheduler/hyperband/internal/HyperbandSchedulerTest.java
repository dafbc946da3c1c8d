package io.hypatia.scheduler.hyperband.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.UnsuitableStudyException;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.TrialState;
import io.hypatia.scheduler.support.StudySim;
import io.hypatia.scheduler.support.SuccessiveHalving;
import io.hypatia.scheduler.support.Workers;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class HyperbandSchedulerTest {
    static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("a", 0, 1, false)));
    static final Fidelity EPOCHS = new Fidelity("epoch", 1, 81);
    static final Workers.Curve CURVE = (c, step) -> c.getDouble("a") + Math.exp(-step / 20.0);
    private final HyperbandScheduler scheduler = new HyperbandScheduler();

    static Supplier<Config> sampler(long seed) {
        Random r = new Random(seed);
        return () -> Config.of(Map.of("a", r.nextDouble()));
    }

    @Test
    void bracketsAreDrawnWithHyperbandsShareOfConfigurations() {
        StudySim sim = new StudySim(scheduler, Direction.MINIMIZE, Map.of(), SPACE, EPOCHS, 5);
        SuccessiveHalving sh = scheduler.memory(sim.context());
        // levels 1, 3, 9, 27, 81: s_max = 4; bracket b has s = 4 - b halvings and
        // ceil(5/(s+1) * 3^s) configurations: 81, 34, 15, 8, 5
        double[] expected = {81, 34, 15, 8, 5};
        double total = Arrays.stream(expected).sum();
        for (int b = 0; b < 5; b++) {
            assertEquals(expected[b] / total, sh.bracketProbabilities()[b], 1e-12);
            assertEquals(Math.pow(3, b), sh.levels(b)[0]);
            assertEquals(81, sh.levels(b)[sh.levels(b).length - 1]);
        }
        int n = 20_000;
        int[] counts = new int[5];
        for (int number = 0; number < n; number++) {
            counts[sh.bracketOf(sim.context(), number)]++;
        }
        for (int b = 0; b < 5; b++) {
            double p = expected[b] / total;
            double sd = Math.sqrt(n * p * (1 - p));
            assertTrue(Math.abs(counts[b] - n * p) < 4 * sd, "bracket " + b + ": " + counts[b] + " of " + n + ", expected " + n * p);
        }
        System.out.printf("Hyperband bracket frequencies over %d trials: %s (expected %s)%n", n, Arrays.toString(counts),
                Arrays.toString(Arrays.stream(expected).map(e -> Math.round(n * e / total)).toArray()));
    }

    @Test
    void eachBracketStartsAtItsOwnMinimumAndPromotesWithinItself() {
        StudySim sim = new StudySim(scheduler, Direction.MINIMIZE, Map.of(), SPACE, EPOCHS, 7);
        Workers.run(sim, 4, 300, sampler(1), CURVE);
        SuccessiveHalving sh = scheduler.memory(sim.context());
        int[][] sizes = sh.rungSizes();
        System.out.printf("asynchronous Hyperband, 300 trials, 4 workers: rung sizes per bracket %s%n", Arrays.deepToString(sizes));
        int starts = 0;
        for (int b = 0; b < sizes.length; b++) {
            starts += sizes[b][0];
            for (int k = 0; k + 1 < sizes[b].length; k++) {
                assertTrue(sizes[b][k + 1] >= sizes[b][k] / 3, "bracket " + b + " rung " + (k + 1) + ": " + Arrays.toString(sizes[b]));
            }
        }
        assertEquals(300, starts, "every trial is in the first rung of its bracket");
        for (StudySim.T t : sim.trials) {
            double[] levels = sh.levels(sh.bracketOf(sim.context(), t.number));
            double first = t.intermediates.get(0).step();
            double last = t.intermediates.get(t.intermediates.size() - 1).step();
            assertEquals(1, first);
            assertTrue(Arrays.stream(levels).anyMatch(l -> l == last), "trial " + t.number + " ended at " + last + ", levels " + Arrays.toString(levels));
            assertEquals(last == 81 ? TrialState.COMPLETE : TrialState.PAUSED, t.state);
        }
        assertTrue(sizes[4][0] > 0 && sizes[0][1] > 0);
    }

    @Test
    void rebuiltRungsGiveTheSameDecisions() {
        for (String type : List.of("promotion", "stopping")) {
            Map<String, String> config = Map.of("type", type, "brackets", "3");
            StudySim incremental = new StudySim(new HyperbandScheduler(), Direction.MINIMIZE, config, SPACE, EPOCHS, 3);
            Workers.run(incremental, 4, 45, sampler(2), CURVE);
            StudySim rebuilt = new StudySim(new HyperbandScheduler(), Direction.MINIMIZE, config, SPACE, EPOCHS, 3).forgetful();
            Workers.run(rebuilt, 4, 45, sampler(2), CURVE);
            assertEquals(incremental.log, rebuilt.log);
        }
    }

    @Test
    void bracketsSettingIsChecked() {
        StudySim sim = new StudySim(scheduler, Direction.MINIMIZE, Map.of("brackets", "6"), SPACE, EPOCHS, 1);
        UnsuitableStudyException e = assertThrows(UnsuitableStudyException.class, sim::validate);
        assertEquals("config.brackets", e.field());
        StudySim two = new StudySim(scheduler, Direction.MINIMIZE, Map.of("brackets", "2"), SPACE, EPOCHS, 1);
        two.validate();
        assertArrayEquals(new double[] {3, 9, 27, 81}, scheduler.memory(two.context()).levels(1));
    }
}
