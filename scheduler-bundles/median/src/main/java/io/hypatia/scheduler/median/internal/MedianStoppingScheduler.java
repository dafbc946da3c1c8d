package io.hypatia.scheduler.median.internal;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginConfig;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Setting;
import io.hypatia.api.Settings;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * Median stopping rule (Golovin et al., "Google Vizier", KDD 2017, section 3.2.2): a trial is
 * stopped at step s when its best value up to s is strictly worse than the median of the
 * running averages, up to s, of the completed trials' reported values.
 *
 * <p>Settings (scheduler config): {@code min_completed} completed trials needed before anything
 * is stopped (default 5), {@code warmup_steps} steps before which a trial is never stopped
 * (default 0). Acts on the study's first objective.
 */
@Component(service = Scheduler.class, property = {
        PluginProperties.NAME + "=median",
        PluginProperties.DESCRIPTION + "=Median stopping rule (Vizier): stop trials worse than the median of completed ones"})
public class MedianStoppingScheduler implements Scheduler, Configurable {
    static final Settings SETTINGS = Settings.of(
            Setting.integer("min_completed", 5, 0, 1_000_000, "completed trials needed before anything is stopped"),
            Setting.real("warmup_steps", 0, 0, Double.MAX_VALUE, "steps before which a trial is never stopped"));

    @Override
    public Settings settings() {
        return SETTINGS;
    }

    @Override
    public Verdict onReport(SchedulerContext context, Trial trial) {
        PluginConfig config = SETTINGS.read(context.config());
        IntermediateValue latest = trial.lastIntermediate();
        if (latest == null || latest.step() < config.real("warmup_steps")) {
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
        if (runningAverages.size() < config.integer("min_completed")) {
            return Verdict.proceed();
        }
        double bestLoss = Double.POSITIVE_INFINITY;
        for (IntermediateValue v : trial.intermediates()) {
            bestLoss = Math.min(bestLoss, direction.toLoss(v.value()));
        }
        double median = median(runningAverages);
        return bestLoss > median
                ? Verdict.stop("best value so far is worse than the median (" + (float) direction.toLoss(median)
                        + " as loss) of the running averages of " + runningAverages.size() + " completed trials at step " + step)
                : Verdict.proceed();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
