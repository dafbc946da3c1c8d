package io.hypatia.scheduler.oneepoch.internal;

import io.hypatia.api.PluginProperties;
import io.hypatia.api.Setting;
import io.hypatia.api.Settings;
import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.scheduler.support.SchedulerSettings;
import io.hypatia.scheduler.support.SuccessiveHalving;
import io.hypatia.scheduler.support.SuccessiveHalvingScheduler;
import org.osgi.service.component.annotations.Component;

/**
 * The one-epoch baseline: every trial is trained to {@code min_resource} (by default the
 * fidelity's minimum, one epoch) and paused there; when a worker asks, the best paused trial is
 * resumed to the max resource if it ranks among the best {@code k} trials seen at the minimum
 * resource, else a new trial starts. Learning curves rarely cross late enough to fool a ranking
 * after one epoch by much, so this simple rule is a strong baseline for the rung-based schedulers.
 * It is successive halving with one rung and a fixed quota, so it reuses that code.
 */
@Component(service = Scheduler.class, property = {
        PluginProperties.NAME + "=one-epoch",
        PluginProperties.DESCRIPTION + "=One-epoch baseline: train all to the minimum resource, finish the top k"})
public class OneEpochScheduler extends SuccessiveHalvingScheduler {
    static final String K = "k", MIN_RESOURCE = "min_resource";

    public OneEpochScheduler() {
        super("one-epoch", Settings.of(
                Setting.integer(K, 10, 1, 1_000_000, "how many of the best trials at min_resource are trained to the max"),
                Setting.real(MIN_RESOURCE, 1, Double.MIN_VALUE, Double.MAX_VALUE,
                        "the resource every trial is trained to; default: the fidelity's min").withoutDefault()));
    }

    @Override
    protected SuccessiveHalving.Options options(SchedulerSettings settings, Fidelity fidelity) {
        int k = settings.integer(K, 10, 1, Integer.MAX_VALUE);
        double min = settings.real(MIN_RESOURCE, fidelity.min(), fidelity.min(), fidelity.max());
        return new SuccessiveHalving.Options(SuccessiveHalving.Type.PROMOTION, min, Math.max(2, fidelity.max() / min),
                fidelity.max(), fidelity.max(), k);
    }
}
