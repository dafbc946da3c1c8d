package io.hypatia.scheduler.median.internal;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Settings;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.study.Trial;
import org.osgi.service.component.annotations.Component;

/**
 * Median stopping rule (Golovin et al., "Google Vizier", KDD 2017, section 3.2.2): a trial is
 * stopped at step s when its best value up to s is strictly worse than the median of the
 * running averages, up to s, of the completed trials' reported values.
 *
 * <p>SchedulerSettings (scheduler config): {@code min_completed} completed trials needed before anything
 * is stopped (default 5), {@code warmup_steps} steps before which a trial is never stopped
 * (default 0). Acts on the study's first objective.
 */
@Component(service = Scheduler.class, property = {
        PluginProperties.NAME + "=median",
        PluginProperties.DESCRIPTION + "=Median stopping rule (Vizier): stop trials worse than the median of completed ones"})
public class MedianStoppingScheduler implements Scheduler, Configurable {
    static final String NAME = "median";

    @Override
    public Settings settings() {
        return PercentileRule.MEDIAN;
    }

    @Override
    public void validate(SchedulerContext context) {
        PercentileRule.fixed(context, NAME, 50);
    }

    @Override
    public Verdict onReport(SchedulerContext context, Trial trial) {
        return PercentileRule.fixed(context, NAME, 50).decide(context, trial);
    }
}
