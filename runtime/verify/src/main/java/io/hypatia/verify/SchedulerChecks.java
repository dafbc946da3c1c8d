package io.hypatia.verify;

import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.scheduler.Promotion;
import io.hypatia.api.scheduler.Scheduler;
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
import java.util.Optional;

/**
 * The scheduler contract on synthetic learning curves (value = floor + scale / step, crossing
 * curves included): every decision is one of CONTINUE/STOP/PAUSE, a promotion names a PAUSED
 * trial and a budget above the step it paused at, and a replay gives the same decisions.
 */
final class SchedulerChecks {
    private static final int TRIALS = 16;
    private static final int STEPS = 27;
    private static final List<Objective> LOSS = List.of(new Objective("loss", Direction.MINIMIZE));

    private SchedulerChecks() {
    }

    static void run(String plugin, Scheduler scheduler, Report report, Calls calls) {
        List<String> first;
        try {
            first = simulate(scheduler, calls);
        } catch (Calls.Hung e) {
            report.add(plugin, "decisions", false, e.getMessage());
            return;
        } catch (Exception e) {
            report.add(plugin, "decisions", false, e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        report.add(plugin, "decisions", true, first.size() + " decisions on " + TRIALS + " synthetic curves, promotions valid");
        try {
            List<String> again = simulate(scheduler, calls);
            report.add(plugin, "deterministic", first.equals(again), first.equals(again)
                    ? "a replay gives the same decisions" : "a replay decided differently");
        } catch (Exception e) {
            report.add(plugin, "deterministic", false, "replay failed: " + e);
        }
        report.add(plugin, "time", true, calls.timing());
    }

    /** Runs the trials one after another through the scheduler; returns the decision log. */
    private static List<String> simulate(Scheduler scheduler, Calls calls) throws Exception {
        List<Trial> trials = new ArrayList<>();
        List<String> log = new ArrayList<>();
        for (int i = 0; i < TRIALS; i++) {
            double floor = 0.1 + 0.05 * ((i * 7) % TRIALS);
            double scale = 0.5 + 0.1 * ((i * 5) % TRIALS);
            trials.add(new Trial(i + 1, i, TrialState.RUNNING, Config.of(Map.of("i", (long) i)), List.of(), List.of(),
                    STEPS, Map.of("floor", Double.toString(floor), "scale", Double.toString(scale))));
            train(scheduler, calls, trials, i, 1, log);
            Optional<Promotion> promotion = calls.call(() -> scheduler.promote(context(trials)));
            if (promotion == null) {
                throw new IllegalStateException("promote returned null instead of Optional.empty()");
            }
            if (promotion.isPresent()) {
                Promotion p = promotion.get();
                int index = indexOf(trials, p.trialId());
                Trial t = index < 0 ? null : trials.get(index);
                if (t == null || t.state() != TrialState.PAUSED) {
                    throw new IllegalStateException("promoted trial " + p.trialId() + " is not a PAUSED trial of the study");
                }
                double reached = t.lastIntermediate() == null ? 0 : t.lastIntermediate().step();
                if (!(p.budget() > reached) || !Double.isFinite(p.budget())) {
                    throw new IllegalStateException("promoted trial " + p.trialId() + " to budget " + p.budget()
                            + ", not above the step it reached (" + reached + ")");
                }
                log.add("promote " + p.trialId() + " to " + p.budget());
                trials.set(index, with(t, TrialState.RUNNING, t.intermediates()));
                train(scheduler, calls, trials, index, (int) reached + 1, log);
            }
        }
        return log;
    }

    private static void train(Scheduler scheduler, Calls calls, List<Trial> trials, int index, int fromStep,
                              List<String> log) throws Exception {
        for (int step = fromStep; step <= STEPS; step++) {
            Trial t = trials.get(index);
            double floor = Double.parseDouble(t.attributes().get("floor"));
            double scale = Double.parseDouble(t.attributes().get("scale"));
            List<IntermediateValue> curve = new ArrayList<>(t.intermediates());
            curve.add(new IntermediateValue(step, floor + scale / step));
            Trial reported = with(t, TrialState.RUNNING, curve);
            trials.set(index, reported);
            Verdict v = calls.call(() -> scheduler.onReport(context(trials), reported));
            if (v == null) {
                throw new IllegalStateException("onReport returned null for trial " + t.id() + " at step " + step);
            }
            Decision d = v.decision();
            log.add(t.id() + "@" + step + "=" + d);
            switch (d) {
                case STOP -> {
                    trials.set(index, with(reported, TrialState.PRUNED, curve));
                    return;
                }
                case PAUSE -> {
                    trials.set(index, with(reported, TrialState.PAUSED, curve));
                    return;
                }
                default -> {
                }
            }
        }
        Trial done = trials.get(index);
        trials.set(index, new Trial(done.id(), done.number(), TrialState.COMPLETE, done.config(),
                List.of(done.lastIntermediate().value()), done.intermediates(), done.budget(), done.attributes()));
    }

    private static Trial with(Trial t, TrialState state, List<IntermediateValue> curve) {
        return new Trial(t.id(), t.number(), state, t.config(), t.values(), curve, t.budget(), t.attributes());
    }

    private static int indexOf(List<Trial> trials, long id) {
        for (int i = 0; i < trials.size(); i++) {
            if (trials.get(i).id() == id) {
                return i;
            }
        }
        return -1;
    }

    private static SchedulerContext context(List<Trial> trials) {
        return new SchedulerContext("verify-scheduler", LOSS, trials, Map.of());
    }
}
