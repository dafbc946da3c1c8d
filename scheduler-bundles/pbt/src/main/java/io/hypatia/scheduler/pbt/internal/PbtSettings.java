package io.hypatia.scheduler.pbt.internal;

import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.scheduler.support.Settings;

/**
 * PBT's settings: {@code interval} (steps between ready points; default a tenth of the fidelity's
 * max, at least its min), {@code quantile} (bottom and top fraction; default 0.25) and
 * {@code resample_probability} (default 0.25).
 */
record PbtSettings(double interval, double quantile, double resampleProbability) {
    static final String NAME = "pbt", INTERVAL = "interval", QUANTILE = "quantile", RESAMPLE = "resample_probability";

    static PbtSettings read(SchedulerContext context) {
        Settings s = Settings.of(context, NAME, INTERVAL, QUANTILE, RESAMPLE);
        Fidelity f = Settings.requireFidelity(context, NAME);
        double interval = s.real(INTERVAL, Math.max(f.min(), f.max() / 10), Double.MIN_VALUE, f.max());
        return new PbtSettings(interval, s.real(QUANTILE, 0.25, Double.MIN_VALUE, 0.5), s.real(RESAMPLE, 0.25, 0, 1));
    }
}
