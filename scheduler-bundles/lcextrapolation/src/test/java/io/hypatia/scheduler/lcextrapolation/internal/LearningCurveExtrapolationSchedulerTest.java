package io.hypatia.scheduler.lcextrapolation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.SchedulerMemory;
import io.hypatia.api.scheduler.UnsuitableStudyException;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.FloatParameter;
import io.hypatia.api.space.SearchSpace;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LearningCurveExtrapolationSchedulerTest {
    private static final Fidelity EPOCHS = new Fidelity("epoch", 1, 50);
    private final LearningCurveExtrapolationScheduler scheduler = new LearningCurveExtrapolationScheduler();

    /** An error curve falling from about 0.9 to {@code asymptote} with rate {@code k}, plus noise. */
    private static List<IntermediateValue> curve(double asymptote, double k, int steps, Random noise, boolean accuracy) {
        List<IntermediateValue> out = new ArrayList<>();
        for (int s = 1; s <= steps; s++) {
            double err = asymptote + (0.9 - asymptote) * Math.exp(-k * s) + 0.003 * noise.nextGaussian();
            out.add(new IntermediateValue(s, accuracy ? 1 - err : err));
        }
        return out;
    }

    private static Trial trial(long id, TrialState state, List<IntermediateValue> curve) {
        return new Trial(id, (int) id, state, Config.of(Map.of("x", 0.0)),
                state == TrialState.COMPLETE ? List.of(curve.get(curve.size() - 1).value()) : List.of(),
                curve, EPOCHS.max(), Map.of());
    }

    private static SchedulerContext context(List<Trial> trials, Direction direction, Map<String, String> config,
                                            Fidelity fidelity, SchedulerMemory memory) {
        return new SchedulerContext("s", List.of(new Objective("err", direction)), () -> trials, config,
                SearchSpace.of(List.of(new FloatParameter("x", 0, 1, false))), fidelity, 1, memory);
    }

    /** Plays a new trial's curve report by report; returns the step it was stopped at, or -1. */
    private int play(List<Trial> history, List<IntermediateValue> full, Direction direction, SchedulerMemory memory) {
        for (int s = 1; s <= full.size(); s++) {
            Trial running = trial(1000, TrialState.RUNNING, full.subList(0, s));
            List<Trial> all = new ArrayList<>(history);
            all.add(running);
            Verdict v = scheduler.onReport(context(all, direction, Map.of(), EPOCHS, memory), running);
            if (v.decision() == Decision.STOP) {
                assertTrue(v.reason().startsWith("P(beats incumbent"), v.reason());
                return s;
            }
            assertEquals(Decision.CONTINUE, v.decision());
        }
        return -1;
    }

    private static List<Trial> completed(Random rnd, boolean accuracy) {
        List<Trial> done = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            done.add(trial(i, TrialState.COMPLETE, curve(0.10 + 0.02 * i, 0.15, 50, rnd, accuracy)));
        }
        return done;
    }

    @Test
    void stopsCurvesHeadingClearlyAboveTheIncumbentEarlyAndLetsBetterOnesFinish() {
        for (boolean accuracy : new boolean[] {false, true}) {
            Direction direction = accuracy ? Direction.MAXIMIZE : Direction.MINIMIZE;
            Random rnd = new Random(11);
            List<Trial> done = completed(rnd, accuracy);
            for (int rep = 0; rep < 5; rep++) {
                int stoppedAt = play(done, curve(0.45 + 0.05 * rep, 0.15, 50, rnd, accuracy), direction, new SchedulerMemory());
                assertTrue(stoppedAt > 0 && stoppedAt <= 25, "a curve settling at 0.45+ against an incumbent of 0.10 is stopped "
                        + "in the first half, was " + stoppedAt);
                assertEquals(-1, play(done, curve(0.06, 0.15, 50, rnd, accuracy), direction, new SchedulerMemory()),
                        "a curve ending below the incumbent is never stopped");
            }
        }
    }

    @Test
    void aSlowStarterThatEndsBestIsNotStoppedOnceItsCurvatureShows() {
        // starts worse than every finished curve (slow rate) but converges below the incumbent
        Random rnd = new Random(5);
        List<Trial> done = completed(rnd, false);
        assertEquals(-1, play(done, curve(0.05, 0.08, 50, rnd, false), Direction.MINIMIZE, new SchedulerMemory()));
    }

    @Test
    void waitsForMinCompletedAndMinPoints() {
        Random rnd = new Random(2);
        List<Trial> two = completed(rnd, false).subList(0, 2);
        assertEquals(-1, play(two, curve(0.6, 0.15, 50, rnd, false), Direction.MINIMIZE, new SchedulerMemory()),
                "nothing is stopped before min_completed (3) trials reached the maximum");
        List<Trial> done = completed(rnd, false);
        List<IntermediateValue> four = curve(0.8, 0.15, 4, rnd, false);
        Trial running = trial(1000, TrialState.RUNNING, four);
        assertEquals(Decision.CONTINUE, scheduler.onReport(context(done, Direction.MINIMIZE, Map.of(), EPOCHS,
                new SchedulerMemory()), running).decision(), "four points are fewer than min_points (5)");
    }

    @Test
    void incumbentIsUpdatedFromReportsAtTheMaximumWithoutARebuild() {
        Random rnd = new Random(9);
        SchedulerMemory memory = new SchedulerMemory();
        List<Trial> history = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<IntermediateValue> c = curve(0.1, 0.15, 50, rnd, false);
            Trial atMax = trial(i, TrialState.RUNNING, c);
            scheduler.onReport(context(history, Direction.MINIMIZE, Map.of(), EPOCHS, memory), atMax);
        }
        // the history the context offers is empty: only the memory knows the three trials
        assertTrue(play(history, curve(0.5, 0.15, 50, rnd, false), Direction.MINIMIZE, memory) > 0);
    }

    @Test
    void validateNamesTheField() {
        SchedulerMemory m = new SchedulerMemory();
        UnsuitableStudyException e = assertThrows(UnsuitableStudyException.class,
                () -> scheduler.validate(context(List.of(), Direction.MINIMIZE, Map.of(), null, m)));
        assertEquals("fidelity", e.field());
        e = assertThrows(UnsuitableStudyException.class,
                () -> scheduler.validate(context(List.of(), Direction.MINIMIZE, Map.of("threshold", "1.5"), EPOCHS, m)));
        assertEquals("config.threshold", e.field());
        e = assertThrows(UnsuitableStudyException.class,
                () -> scheduler.validate(context(List.of(), Direction.MINIMIZE, Map.of("min_points", "3"), EPOCHS, m)));
        assertEquals("config.min_points", e.field());
        e = assertThrows(UnsuitableStudyException.class,
                () -> scheduler.validate(context(List.of(), Direction.MINIMIZE, Map.of("treshold", "0.1"), EPOCHS, m)));
        assertEquals("config.treshold", e.field());
        scheduler.validate(context(List.of(), Direction.MINIMIZE, Map.of("threshold", "0.1", "min_completed", "1"), EPOCHS, m));
    }
}
