package io.hypatia.scheduler.median.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.MaxResourceRaise;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.SchedulerMemory;
import io.hypatia.api.scheduler.Verdict;
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

/**
 * The running averages kept incrementally give the same verdicts, reasons included, as the rule's
 * definition computed from the whole history on every report, on random studies: trials that report
 * in and out of step order, complete, fail and are reopened by a max-resource raise; steps from a
 * small set (epochs) and continuous ones (more than the cached steps); both directions.
 */
class CompletedAveragesTest {

    @Test
    void decisionsAreThoseOfTheDefinitionOnRandomStudies() {
        int stops = 0, decisions = 0;
        for (int seed = 1; seed <= 8; seed++) {
            Random rnd = new Random(seed);
            Direction direction = seed % 2 == 0 ? Direction.MINIMIZE : Direction.MAXIMIZE;
            boolean continuous = seed % 3 == 0;
            double percentile = seed % 4 == 0 ? 50 : 5 + rnd.nextInt(90);
            Map<String, String> config = Map.of("percentile", Double.toString(percentile), "min_completed", Integer.toString(1 + rnd.nextInt(6)),
                    "warmup_steps", Integer.toString(rnd.nextInt(3)));
            Scheduler scheduler = percentile == 50 && seed % 8 == 0 ? new MedianStoppingScheduler() : new PercentileStoppingScheduler();
            if (scheduler instanceof MedianStoppingScheduler) {
                config = Map.of("min_completed", config.get("min_completed"), "warmup_steps", config.get("warmup_steps"));
            }
            SchedulerMemory memory = new SchedulerMemory();
            List<Trial> trials = new ArrayList<>();
            List<MaxResourceRaise> raises = new ArrayList<>();
            for (int event = 0; event < 2000; event++) {
                int r = rnd.nextInt(100);
                List<Integer> running = new ArrayList<>();
                for (int i = 0; i < trials.size(); i++) {
                    if (trials.get(i).state() == TrialState.RUNNING) {
                        running.add(i);
                    }
                }
                if (running.size() < 20 && r < 10 || running.isEmpty()) {
                    trials.add(trial(trials.size(), TrialState.RUNNING, List.of()));
                } else if (r < 16) {
                    int i = running.get(rnd.nextInt(running.size()));
                    trials.set(i, with(trials.get(i), rnd.nextInt(8) == 0 ? TrialState.FAILED : TrialState.COMPLETE, null));
                } else if (r == 16 && rnd.nextInt(10) == 0) {
                    // a raise reopens some completed trials, which go on reporting
                    raises.add(new MaxResourceRaise(10, 30, trials.size()));
                    for (int i = 0; i < trials.size(); i++) {
                        if (trials.get(i).state() == TrialState.COMPLETE && rnd.nextBoolean()) {
                            trials.set(i, with(trials.get(i), TrialState.RUNNING, null));
                        }
                    }
                } else {
                    int i = running.get(rnd.nextInt(running.size()));
                    Trial t = trials.get(i);
                    double step = continuous ? rnd.nextDouble() * 30
                            : rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(30) : t.intermediates().size() + 1;
                    double loss = 1 / (1 + step) + rnd.nextGaussian() * 0.3 + (i % 5) * 0.1;
                    double value = direction == Direction.MINIMIZE ? loss : -loss;
                    if (rnd.nextInt(50) == 0 && !t.intermediates().isEmpty()) { // an exact repeat of a value
                        value = t.intermediates().get(0).value();
                    }
                    List<IntermediateValue> curve = new ArrayList<>(t.intermediates());
                    curve.add(new IntermediateValue(step, value));
                    Trial reported = with(t, TrialState.RUNNING, curve);
                    trials.set(i, reported);
                    List<Trial> snapshot = List.copyOf(trials);
                    SchedulerContext context = new SchedulerContext("s", List.of(new Objective("y", direction)), () -> snapshot,
                            config, null, null, 0, memory, raises);
                    Verdict kept = scheduler.onReport(context, reported);
                    Verdict defined = PercentileRuleDefinition.decide(context, reported, percentile,
                            Integer.parseInt(config.get("min_completed")), Double.parseDouble(config.get("warmup_steps")));
                    assertEquals(defined, kept, "seed " + seed + ", event " + event);
                    decisions++;
                    if (kept.decision() == Decision.STOP) {
                        stops++;
                        trials.set(i, with(reported, TrialState.PRUNED, null));
                    }
                }
            }
        }
        assertTrue(decisions > 10_000 && stops > 500, decisions + " decisions, " + stops + " stops: both outcomes are exercised");
    }

    private static Trial trial(long id, TrialState state, List<IntermediateValue> curve) {
        return new Trial(id, (int) id, state, Config.of(Map.of("x", 0.0)), List.of(), curve, 0, Map.of());
    }

    private static Trial with(Trial t, TrialState state, List<IntermediateValue> curve) {
        return new Trial(t.id(), t.number(), state, t.config(), t.values(), curve == null ? t.intermediates() : curve, 0, Map.of());
    }
}
