package io.hypatia.scheduler.support;

import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.space.Config;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Simulated asynchronous workers: each holds a trial and trains one step per tick (round robin),
 * reporting every whole step and obeying the decisions; a worker whose trial reached its budget
 * tells it and asks again. Deterministic, so a test's figures are the same on every run.
 */
public final class Workers {
    /** The value a trial reports at a step. */
    public interface Curve {
        double value(Config config, double step);
    }

    private Workers() {
    }

    /**
     * Runs until {@code newTrials} trials were started, then lets the workers finish and drains
     * every promotion the scheduler still makes (a drained ask that would start a new trial ends).
     */
    public static void run(StudySim sim, int workers, int newTrials, Supplier<Config> sampler, Curve curve) {
        StudySim.T[] held = new StudySim.T[workers];
        int started = 0;
        boolean draining = false;
        while (true) {
            boolean busy = false;
            for (int w = 0; w < workers; w++) {
                if (held[w] == null) {
                    if (started >= newTrials) {
                        draining = true;
                    }
                    StudySim.HandOut h = sim.ask(sampler);
                    if (h.kind() == StudySim.Kind.NEW) {
                        if (draining) {
                            h.trial().state = TrialState.FAILED; // over budget: never trained
                            sim.trials.remove(h.trial());
                            continue;
                        }
                        started++;
                    }
                    held[w] = h.trial();
                }
                busy = true;
                StudySim.T t = held[w];
                double step = t.intermediates.isEmpty() ? Math.floor(t.startStep()) + 1 : t.intermediates.get(t.intermediates.size() - 1).step() + 1;
                Verdict v = sim.report(t, step, curve.value(t.config, step));
                if (v.decision() != Decision.CONTINUE) {
                    held[w] = null;
                } else if (step >= t.budget) {
                    sim.tell(t, curve.value(t.config, step));
                    held[w] = null;
                }
            }
            if (!busy) {
                return;
            }
        }
    }

    /** Trials in {@code sim} that reached step {@code level}. */
    public static List<StudySim.T> reached(StudySim sim, double level) {
        List<StudySim.T> out = new ArrayList<>();
        for (StudySim.T t : sim.trials) {
            if (!t.intermediates.isEmpty() && t.intermediates.get(t.intermediates.size() - 1).step() >= level) {
                out.add(t);
            }
        }
        return out;
    }
}
