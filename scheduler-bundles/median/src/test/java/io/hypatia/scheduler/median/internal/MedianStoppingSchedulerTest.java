package io.hypatia.scheduler.median.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.space.Config;
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

class MedianStoppingSchedulerTest {
    private final MedianStoppingScheduler scheduler = new MedianStoppingScheduler();

    /** A noisy learning curve: loss decays from 1 towards {@code asymptote}. */
    private static List<IntermediateValue> curve(double asymptote, int steps, Random noise) {
        List<IntermediateValue> out = new ArrayList<>();
        for (int s = 1; s <= steps; s++) {
            out.add(new IntermediateValue(s, asymptote + (1 - asymptote) * Math.exp(-s / 3.0) + 0.01 * noise.nextGaussian()));
        }
        return out;
    }

    private static Trial trial(long id, TrialState state, List<IntermediateValue> curve) {
        return new Trial(id, (int) id, state, Config.of(Map.of("x", 0.0)), state == TrialState.COMPLETE
                ? List.of(curve.get(curve.size() - 1).value()) : List.of(), curve, 0, Map.of());
    }

    @Test
    void stopsAboutTheWorseHalfOfAPopulationAndKeepsTheBetterHalf() {
        Random rnd = new Random(7);
        List<Trial> trials = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            trials.add(trial(i, TrialState.COMPLETE, curve(0.1 + 0.05 * i, 20, rnd)));
        }
        int stoppedGood = 0, stoppedBad = 0;
        for (int i = 0; i < 20; i++) {
            boolean bad = i % 2 == 1;
            double asymptote = bad ? 0.8 + 0.01 * i : 0.05 + 0.005 * i;
            List<IntermediateValue> full = curve(asymptote, 10, rnd);
            Trial running = trial(100 + i, TrialState.RUNNING, full);
            List<Trial> all = new ArrayList<>(trials);
            all.add(running);
            Decision d = scheduler.onReport(new SchedulerContext("s", List.of(new Objective("loss", Direction.MINIMIZE)),
                    all, Map.of()), running).decision();
            if (d == Decision.STOP) {
                if (bad) {
                    stoppedBad++;
                } else {
                    stoppedGood++;
                }
            }
        }
        assertEquals(10, stoppedBad, "every clearly bad trial is stopped");
        assertEquals(0, stoppedGood, "no clearly good trial is stopped");
    }

    @Test
    void respectsDirectionMinCompletedAndWarmup() {
        Random rnd = new Random(3);
        List<Trial> completed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            List<IntermediateValue> c = new ArrayList<>();
            for (IntermediateValue v : curve(0.2, 10, rnd)) {
                c.add(new IntermediateValue(v.step(), 1 - v.value())); // an accuracy rising to 0.8
            }
            completed.add(trial(i, TrialState.COMPLETE, c));
        }
        List<IntermediateValue> poor = List.of(new IntermediateValue(1, 0.01), new IntermediateValue(2, 0.02));
        Trial running = trial(50, TrialState.RUNNING, poor);
        List<Trial> all = new ArrayList<>(completed);
        all.add(running);
        List<Objective> maximize = List.of(new Objective("acc", Direction.MAXIMIZE));
        assertEquals(Decision.STOP, scheduler.onReport(new SchedulerContext("s", maximize, all, Map.of()), running).decision());
        assertEquals(Decision.CONTINUE, scheduler.onReport(new SchedulerContext("s", maximize, all,
                Map.of("warmup_steps", "5")), running).decision(), "no stop before the warm-up steps");
        assertEquals(Decision.CONTINUE, scheduler.onReport(new SchedulerContext("s", maximize, all,
                Map.of("min_completed", "7")), running).decision(), "no stop with fewer completed trials than min_completed");
        List<Objective> minimize = List.of(new Objective("acc", Direction.MINIMIZE));
        assertTrue(scheduler.onReport(new SchedulerContext("s", minimize, all, Map.of()), running).decision() == Decision.CONTINUE,
                "the same low values are good when minimizing");
    }
}
