package io.hypatia.scheduler.oneepoch.internal;

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
import io.hypatia.scheduler.support.Workers;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OneEpochSchedulerTest {
    static final SearchSpace SPACE = SearchSpace.of(List.of(new FloatParameter("a", 0, 1, false)));
    static final Fidelity EPOCHS = new Fidelity("epoch", 1, 50);

    @Test
    void trainsEveryTrialToTheMinimumAndFinishesTheTopK() {
        StudySim sim = new StudySim(new OneEpochScheduler(), Direction.MINIMIZE, Map.of("k", "5"), SPACE, EPOCHS, 1);
        Random r = new Random(9);
        // a single worker, so "the best k seen so far" is decided with every trial seen: exactly the top 5 finish
        Workers.run(sim, 1, 60, () -> Config.of(Map.of("a", r.nextDouble())), (c, step) -> c.getDouble("a") + 1 / step);
        List<StudySim.T> complete = sim.trials.stream().filter(t -> t.state == TrialState.COMPLETE).toList();
        long paused = sim.trials.stream().filter(t -> t.state == TrialState.PAUSED).count();
        assertEquals(60, sim.trials.size());
        assertTrue(sim.trials.stream().allMatch(t -> t.intermediates.get(0).step() == 1));
        assertEquals(60, complete.size() + paused);
        Set<Integer> top5 = sim.trials.stream().sorted(Comparator.comparingDouble(t -> t.config.getDouble("a"))).limit(5)
                .map(t -> t.number).collect(Collectors.toSet());
        assertTrue(complete.stream().map(t -> t.number).collect(Collectors.toSet()).containsAll(top5), "the 5 best finish");
        assertTrue(complete.stream().allMatch(t -> t.budget == 50 && t.intermediates.size() == 50), sim.log.stream().filter(l -> !l.startsWith("report")).toList().toString());
        System.out.printf("one-epoch, k=5, 60 trials: %d finished (trials promoted while in the top 5 seen so far)%n", complete.size());
        assertTrue(complete.size() < 30, "most trials stop after one epoch: " + complete.size() + " of 60 finished");
    }

    @Test
    void settingsAreChecked() {
        StudySim sim = new StudySim(new OneEpochScheduler(), Direction.MINIMIZE, Map.of("k", "0"), SPACE, EPOCHS, 1);
        assertEquals("config.k", assertThrows(UnsuitableStudyException.class, sim::validate).field());
        StudySim eta = new StudySim(new OneEpochScheduler(), Direction.MINIMIZE, Map.of("eta", "3"), SPACE, EPOCHS, 1);
        assertEquals("config.eta", assertThrows(UnsuitableStudyException.class, eta::validate).field());
        StudySim none = new StudySim(new OneEpochScheduler(), Direction.MINIMIZE, Map.of(), SPACE, null, 1);
        assertEquals("fidelity", assertThrows(UnsuitableStudyException.class, none::validate).field());
    }
}
