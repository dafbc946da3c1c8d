package io.hypatia.scheduler.pbt.internal;

import io.hypatia.api.Setting;
import io.hypatia.api.Settings;
import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.scheduler.support.SchedulerSettings;

/**
 * PBT's settings: {@code interval} (steps between ready points; default a tenth of the fidelity's
 * max, at least its min), {@code quantile} (bottom and top fraction; default 0.25) and
 * {@code resample_probability} (default 0.25).
 */
record PbtSettings(double interval, double quantile, double resampleProbability) {
    static final String NAME = "pbt", INTERVAL = "interval", QUANTILE = "quantile", RESAMPLE = "resample_probability";

    static final Settings DECLARED = Settings.of(
            Setting.real(INTERVAL, 1, Double.MIN_VALUE, Double.MAX_VALUE,
                    "steps between ready points; default: a tenth of the fidelity's max").withoutDefault(),
            Setting.real(QUANTILE, 0.25, Double.MIN_VALUE, 0.5, "bottom fraction replaced, top fraction cloned"),
            Setting.real(RESAMPLE, 0.25, 0, 1, "probability that explore resamples a parameter instead of perturbing it"));

    static PbtSettings read(SchedulerContext context) {
        SchedulerSettings s = SchedulerSettings.of(context, NAME, DECLARED);
        Fidelity f = SchedulerSettings.requireFidelity(context, NAME);
        double interval = s.real(INTERVAL, Math.max(f.min(), f.max() / 10), Double.MIN_VALUE, f.max());
        return new PbtSettings(interval, s.real(QUANTILE, 0.25, Double.MIN_VALUE, 0.5), s.real(RESAMPLE, 0.25, 0, 1));
    }
}
