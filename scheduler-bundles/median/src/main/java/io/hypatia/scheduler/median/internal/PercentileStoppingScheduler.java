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
 * Percentile stopping: the median rule at a chosen percentile (setting {@code percentile}, 0-100,
 * counted from the best; default 25: a trial must stay within the best quarter of the completed
 * trials' running averages). It lives in the median bundle because it is the same rule with one
 * more setting ({@link PercentileRule}); a second bundle would only copy it.
 */
@Component(service = Scheduler.class, property = {
        PluginProperties.NAME + "=percentile",
        PluginProperties.DESCRIPTION + "=Percentile stopping: stop trials worse than a percentile of completed ones"})
public class PercentileStoppingScheduler implements Scheduler, Configurable {
    static final String NAME = "percentile";

    @Override
    public Settings settings() {
        return PercentileRule.PERCENTILE_SETTINGS;
    }

    @Override
    public void validate(SchedulerContext context) {
        PercentileRule.configured(context, NAME);
    }

    @Override
    public Verdict onReport(SchedulerContext context, Trial trial) {
        return PercentileRule.configured(context, NAME).decide(context, trial);
    }
}
