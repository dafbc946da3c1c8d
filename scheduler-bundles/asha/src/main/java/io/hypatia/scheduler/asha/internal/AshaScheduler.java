package io.hypatia.scheduler.asha.internal;

import io.hypatia.api.PluginProperties;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.scheduler.support.Settings;
import io.hypatia.scheduler.support.SuccessiveHalvingScheduler;
import org.osgi.service.component.annotations.Component;

/**
 * ASHA (Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020): one
 * bracket of asynchronous successive halving with rungs at {@code min_resource * eta^k} and the
 * max resource. {@code type=promotion} (default) pauses trials at each rung and, when a worker
 * asks, promotes the best waiting trial of the highest rung that has one in its top 1/eta;
 * {@code type=stopping} lets a trial continue iff it is in the top 1/eta of its rung so far.
 * Settings and defaults: {@code scheduler-bundles/README.md}.
 */
@Component(service = Scheduler.class, property = {
        PluginProperties.NAME + "=asha",
        PluginProperties.DESCRIPTION + "=ASHA: asynchronous successive halving (stopping or pause-and-promote)"})
public class AshaScheduler extends SuccessiveHalvingScheduler {

    public AshaScheduler() {
        super("asha");
    }

    @Override
    protected int brackets(Settings settings, int levels) {
        return 1;
    }
}
