package io.hypatia.scheduler.median.internal;

import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.scheduler.support.Texts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The reference the kept running averages are checked and timed against. */
final class PercentileRuleDefinition {
    private PercentileRuleDefinition() {
    }

    /** The rule as first written: every completed trial's curve scanned on every report. */
    static Verdict decide(SchedulerContext context, Trial trial, double percentile, int minCompleted, double warmupSteps) {
        IntermediateValue latest = trial.lastIntermediate();
        if (latest == null || latest.step() < warmupSteps) {
            return Verdict.proceed();
        }
        Direction direction = context.objectives().get(0).direction();
        double step = latest.step();
        List<Double> runningAverages = new ArrayList<>();
        for (Trial other : context.trials()) {
            if (other.state() == TrialState.COMPLETE && other.id() != trial.id()) {
                double sum = 0;
                int n = 0;
                for (IntermediateValue v : other.intermediates()) {
                    if (v.step() <= step) {
                        sum += direction.toLoss(v.value());
                        n++;
                    }
                }
                if (n > 0) {
                    runningAverages.add(sum / n);
                }
            }
        }
        if (runningAverages.size() < minCompleted) {
            return Verdict.proceed();
        }
        double bestLoss = Double.POSITIVE_INFINITY;
        for (IntermediateValue v : trial.intermediates()) {
            bestLoss = Math.min(bestLoss, direction.toLoss(v.value()));
        }
        List<Double> sorted = new ArrayList<>(runningAverages);
        Collections.sort(sorted);
        double at = percentile / 100 * (sorted.size() - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(sorted.size() - 1, lo + 1);
        double cutoff = sorted.get(lo) + (at - lo) * (sorted.get(hi) - sorted.get(lo));
        return bestLoss > cutoff
                ? Verdict.stop("best value so far is worse than the " + (percentile == 50 ? "median" : Texts.number(percentile) + "th percentile")
                        + " (" + (float) direction.toLoss(cutoff) + ") of the running averages of " + runningAverages.size()
                        + " completed trials at step " + Texts.number(step))
                : Verdict.proceed();
    }
}
