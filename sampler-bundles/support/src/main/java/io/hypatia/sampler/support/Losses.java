package io.hypatia.sampler.support;

import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.List;

/** Converts trial results to loss vectors (every objective minimised). */
public final class Losses {
    private Losses() {
    }

    /**
     * The trial's objective values as losses ({@link io.hypatia.api.study.Direction#toLoss}), or
     * null when the trial is not COMPLETE, has the wrong number of values, or a non-finite value.
     */
    public static double[] of(Trial trial, List<Objective> objectives) {
        if (trial.state() != TrialState.COMPLETE || trial.values().size() != objectives.size()) {
            return null;
        }
        double[] loss = new double[objectives.size()];
        for (int k = 0; k < loss.length; k++) {
            Double v = trial.values().get(k);
            if (v == null || !Double.isFinite(v)) {
                return null;
            }
            loss[k] = objectives.get(k).direction().toLoss(v);
        }
        return loss;
    }
}
