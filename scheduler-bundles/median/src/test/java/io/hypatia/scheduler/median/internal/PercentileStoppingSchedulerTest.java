package io.hypatia.scheduler.median.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.UnsuitableStudyException;
import io.hypatia.api.space.Config;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PercentileStoppingSchedulerTest {
    private static final List<Objective> LOSS = List.of(new Objective("loss", Direction.MINIMIZE));

    /** A flat curve at {@code level} for {@code steps} steps. */
    private static Trial trial(int id, TrialState state, double level, int steps) {
        List<IntermediateValue> c = new ArrayList<>();
        for (int s = 1; s <= steps; s++) {
            c.add(new IntermediateValue(s, level));
        }
        return new Trial(id, id, state, Config.of(Map.of("x", 0.0)), state == TrialState.COMPLETE ? List.of(level) : List.of(),
                c, 0, Map.of());
    }

    /** How many of 100 running trials at levels 0.003..0.993 each scheduler stops, against 100 completed at 0.01..1.0. */
    private static int stopped(Scheduler scheduler, Map<String, String> config) {
        List<Trial> completed = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            completed.add(trial(i, TrialState.COMPLETE, i / 100.0, 5));
        }
        int stopped = 0;
        for (int i = 0; i < 100; i++) {
            Trial running = trial(1000 + i, TrialState.RUNNING, i / 100.0 + 0.003, 3);
            List<Trial> all = new ArrayList<>(completed);
            all.add(running);
            SchedulerContext ctx = new SchedulerContext("s", LOSS, all, config);
            scheduler.validate(ctx);
            stopped += scheduler.onReport(ctx, running).decision() == Decision.STOP ? 1 : 0;
        }
        return stopped;
    }

    @Test
    void stopsEverythingWorseThanThePercentileAndTheMedianIsTheFiftieth() {
        PercentileStoppingScheduler percentile = new PercentileStoppingScheduler();
        // cut-offs at the 25th/50th/90th percentile of 0.01..1.00: 0.2575, 0.505, 0.901
        assertEquals(74, stopped(percentile, Map.of()), "default percentile 25 keeps about the best quarter");
        assertEquals(49, stopped(percentile, Map.of("percentile", "50")));
        assertEquals(10, stopped(percentile, Map.of("percentile", "90")));
        assertEquals(49, stopped(new MedianStoppingScheduler(), Map.of()), "median = 50th percentile");
        assertEquals(0, stopped(percentile, Map.of("percentile", "100")));
    }

    @Test
    void settingsAreChecked() {
        SchedulerContext bad = new SchedulerContext("s", LOSS, List.of(), Map.of("percentile", "150"));
        assertEquals("config.percentile", assertThrows(UnsuitableStudyException.class,
                () -> new PercentileStoppingScheduler().validate(bad)).field());
        SchedulerContext unknown = new SchedulerContext("s", LOSS, List.of(), Map.of("percentile", "30"));
        assertEquals("config.percentile", assertThrows(UnsuitableStudyException.class,
                () -> new MedianStoppingScheduler().validate(unknown)).field(), "the median takes no percentile");
        SchedulerContext warm = new SchedulerContext("s", LOSS, List.of(), Map.of("warmup_steps", "-1"));
        assertTrue(assertThrows(UnsuitableStudyException.class, () -> new MedianStoppingScheduler().validate(warm))
                .getMessage().contains("warmup_steps"));
    }
}
