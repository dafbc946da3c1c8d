package io.hypatia.scheduler.median.internal;

import io.hypatia.api.Setting;
import io.hypatia.api.Settings;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Trial;
import io.hypatia.scheduler.support.SchedulerSettings;
import io.hypatia.scheduler.support.Texts;

/**
 * The median stopping rule of Golovin et al. ("Google Vizier", KDD 2017, section 3.2.2) at any
 * percentile: a trial is stopped at step s when its best value up to s is strictly worse than the
 * p-th percentile, counted from the best, of the running averages up to s of the completed
 * trials' reported values. p = 50 is the median rule; smaller p stops more. The completed trials'
 * running averages are kept per step in the scheduler memory ({@link CompletedAverages}).
 */
final class PercentileRule {
    static final String MIN_COMPLETED = "min_completed", WARMUP_STEPS = "warmup_steps", PERCENTILE = "percentile";

    private final double percentile;
    private final int minCompleted;
    private final double warmupSteps;

    private PercentileRule(double percentile, int minCompleted, double warmupSteps) {
        this.percentile = percentile;
        this.minCompleted = minCompleted;
        this.warmupSteps = warmupSteps;
    }

    private static final Setting MIN_COMPLETED_SETTING = Setting.integer(MIN_COMPLETED, 5, 1, 1_000_000,
            "completed trials needed before anything is stopped");
    private static final Setting WARMUP_SETTING = Setting.real(WARMUP_STEPS, 0, 0, Double.MAX_VALUE,
            "steps before which a trial is never stopped");
    /** The median scheduler's settings. */
    static final Settings MEDIAN = Settings.of(MIN_COMPLETED_SETTING, WARMUP_SETTING);
    /** The percentile scheduler's settings. */
    static final Settings PERCENTILE_SETTINGS = Settings.of(Setting.real(PERCENTILE, 25, 0, 100,
            "stop a trial whose best value is worse than this percentile (from the best) of completed trials"),
            MIN_COMPLETED_SETTING, WARMUP_SETTING);

    /** The rule at a fixed percentile (the median scheduler), refusing other settings. */
    static PercentileRule fixed(SchedulerContext context, String name, double percentile) {
        SchedulerSettings s = SchedulerSettings.of(context, name, MEDIAN);
        return new PercentileRule(percentile, s.integer(MIN_COMPLETED, 5, 1, Integer.MAX_VALUE),
                s.real(WARMUP_STEPS, 0, 0, Double.MAX_VALUE));
    }

    /** The rule with the percentile a setting (default 25). */
    static PercentileRule configured(SchedulerContext context, String name) {
        SchedulerSettings s = SchedulerSettings.of(context, name, PERCENTILE_SETTINGS);
        return new PercentileRule(s.real(PERCENTILE, 25, 0, 100), s.integer(MIN_COMPLETED, 5, 1, Integer.MAX_VALUE),
                s.real(WARMUP_STEPS, 0, 0, Double.MAX_VALUE));
    }

    Verdict decide(SchedulerContext context, Trial trial) {
        IntermediateValue latest = trial.lastIntermediate();
        if (latest == null || latest.step() < warmupSteps) {
            return Verdict.proceed();
        }
        Direction direction = context.objectives().get(0).direction();
        double step = latest.step();
        CompletedAverages.Sorted runningAverages = context.memory(CompletedAverages.class, CompletedAverages::rebuild)
                .catchUp(context).at(step, trial.id());
        if (runningAverages.size() < minCompleted) {
            return Verdict.proceed();
        }
        double bestLoss = Double.POSITIVE_INFINITY;
        for (IntermediateValue v : trial.intermediates()) {
            bestLoss = Math.min(bestLoss, direction.toLoss(v.value()));
        }
        double cutoff = runningAverages.percentile(percentile);
        return bestLoss > cutoff
                ? Verdict.stop("best value so far is worse than the " + (percentile == 50 ? "median" : Texts.number(percentile) + "th percentile")
                        + " (" + (float) direction.toLoss(cutoff) + ") of the running averages of " + runningAverages.size()
                        + " completed trials at step " + Texts.number(step))
                : Verdict.proceed();
    }
}
