package io.hypatia.scheduler.hyperband.internal;

import io.hypatia.api.PluginProperties;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.scheduler.support.Settings;
import io.hypatia.scheduler.support.SuccessiveHalvingScheduler;
import org.osgi.service.component.annotations.Component;

/**
 * Asynchronous Hyperband (Li et al., JMLR 2018; asynchronous form in Li et al., MLSys 2020):
 * {@code brackets} ASHA brackets, bracket {@code b} starting at {@code min_resource * eta^b}.
 * A new trial joins bracket b with probability proportional to the number of configurations
 * synchronous Hyperband starts in it, {@code ceil((s_max+1)/(s+1) * eta^s)} with {@code s} the
 * bracket's number of halvings; the draw depends only on the study's seed and the trial number,
 * so rebuilt rungs agree with the incremental ones. Each bracket promotes within itself.
 */
@Component(service = Scheduler.class, property = {
        PluginProperties.NAME + "=hyperband",
        PluginProperties.DESCRIPTION + "=Asynchronous Hyperband: ASHA brackets with different minimum resources"})
public class HyperbandScheduler extends SuccessiveHalvingScheduler {
    static final String BRACKETS = "brackets";

    public HyperbandScheduler() {
        super("hyperband", BRACKETS);
    }

    @Override
    protected int brackets(Settings settings, int levels) {
        return settings.integer(BRACKETS, levels, 1, levels);
    }
}
