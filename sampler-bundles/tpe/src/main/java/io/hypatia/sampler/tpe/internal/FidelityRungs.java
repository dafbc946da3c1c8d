package io.hypatia.sampler.tpe.internal;

import io.hypatia.api.PluginConfig;
import io.hypatia.api.Setting;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.sampler.support.RungLevels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * BOHB's model (Falkner, Klein and Hutter, "BOHB: Robust and Efficient Hyperparameter
 * Optimization at Scale", ICML 2018, section 4): TPE fitted only on the observations at one
 * budget, the largest budget with enough of them. Paired at study creation with a successive-
 * halving scheduler (e.g. {@code hyperband}), this sampler reads the rung data from the trials'
 * intermediate values; it knows nothing of the scheduler.
 *
 * <p>{@link #view} turns the history into the one TPE sees at budget {@code b}: every trial with
 * a value reported at step {@code b} becomes a COMPLETE trial with that value; trials still
 * RUNNING or WAITING below {@code b} stay pending (for the constant liar); the rest (stopped or
 * paused below {@code b}) were never evaluated at {@code b} and are left out.
 */
final class FidelityRungs {
    static final String FIDELITY_RUNGS = "fidelity_rungs";
    static final String RANDOM_FRACTION = "random_fraction";

    static final Setting FIDELITY_RUNGS_SETTING = Setting.text(FIDELITY_RUNGS, "off",
            "BOHB: fit on the largest budget with enough observations; 'off', 'auto' (every reported step is a"
                    + " candidate budget) or a comma-separated list of budgets (the scheduler's rung levels)");
    static final Setting RANDOM_FRACTION_SETTING = Setting.real(RANDOM_FRACTION, 0, 0, 1,
            "fraction of suggestions drawn uniformly at random (BOHB uses 1/3)");

    private final double[] budgets; // null: auto

    private FidelityRungs(double[] budgets) {
        this.budgets = budgets;
    }

    /** The mode set by {@code fidelity_rungs}, or null when it is off. */
    static FidelityRungs parse(PluginConfig config) {
        String text = config.text(FIDELITY_RUNGS).trim();
        if (text.equals("off")) {
            return null;
        }
        if (text.equals("auto")) {
            return new FidelityRungs(null);
        }
        return new FidelityRungs(RungLevels.parse(FIDELITY_RUNGS, text, "off, auto"));
    }

    /**
     * The largest candidate budget with at least {@code minPoints} trials that reported a value
     * there, or the budget with the most such trials when none has enough (TPE then samples at
     * random until it does); NaN when no trial reported anything.
     */
    double budget(List<Trial> trials, int minPoints) {
        TreeMap<Double, Integer> counts = new TreeMap<>();
        if (budgets != null) {
            for (double b : budgets) {
                counts.put(b, 0);
            }
        }
        for (Trial t : trials) {
            for (IntermediateValue v : t.intermediates()) {
                if (budgets == null) {
                    counts.merge(v.step(), 1, Integer::sum);
                } else if (counts.containsKey(v.step())) {
                    counts.merge(v.step(), 1, Integer::sum);
                }
            }
        }
        double most = Double.NaN;
        int mostCount = 0;
        for (Map.Entry<Double, Integer> e : counts.descendingMap().entrySet()) {
            if (e.getValue() >= minPoints) {
                return e.getKey();
            }
            if (e.getValue() > mostCount) {
                mostCount = e.getValue();
                most = e.getKey();
            }
        }
        return most;
    }

    /** The history as TPE sees it at {@code budget} (first objective only). */
    static SamplerContext view(SamplerContext context, double budget) {
        List<Trial> seen = new ArrayList<>();
        for (Trial t : context.trials()) {
            IntermediateValue at = null;
            for (IntermediateValue v : t.intermediates()) {
                if (v.step() == budget && Double.isFinite(v.value())) {
                    at = v;
                }
            }
            if (at != null) {
                seen.add(new Trial(t.id(), t.number(), TrialState.COMPLETE, t.config(), List.of(at.value()),
                        List.of(at), budget, t.attributes(), List.of()));
            } else if (t.state() == TrialState.RUNNING || t.state() == TrialState.WAITING) {
                seen.add(t);
            }
        }
        return new SamplerContext(context.studyName(), context.space(), context.objectives().subList(0, 1), seen,
                context.trialNumber(), context.seed(), context.config(), context.budget());
    }
}
