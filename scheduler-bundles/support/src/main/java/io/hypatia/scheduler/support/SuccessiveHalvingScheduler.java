package io.hypatia.scheduler.support;

import io.hypatia.api.scheduler.Promotion;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.study.Trial;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;

/**
 * A {@link Scheduler} over {@link SuccessiveHalving}: settings checked at study creation, rungs
 * kept in the study's scheduler memory and rebuilt from its trials when the memory is empty.
 * Subclasses say how many brackets to run (1 for ASHA) and which extra settings they take.
 */
public abstract class SuccessiveHalvingScheduler implements Scheduler {
    private final String name;
    private final String[] keys;

    protected SuccessiveHalvingScheduler(String name, String... extraKeys) {
        this.name = name;
        this.keys = Stream.concat(Arrays.stream(SuccessiveHalving.Options.KEYS), Arrays.stream(extraKeys)).toArray(String[]::new);
    }

    /** How many brackets, given the settings and the number of rung levels of the most aggressive bracket. */
    protected abstract int brackets(Settings settings, int levels);

    @Override
    public void validate(SchedulerContext context) {
        create(context);
    }

    @Override
    public Verdict onReport(SchedulerContext context, Trial trial) {
        return memory(context).onReport(context, trial);
    }

    @Override
    public Optional<Promotion> promote(SchedulerContext context) {
        return memory(context).promote(context);
    }

    @Override
    public OptionalDouble initialBudget(SchedulerContext context, int trialNumber) {
        return memory(context).initialBudget(context, trialNumber);
    }

    /** The study's rungs, rebuilt from its trials when the engine holds none. */
    public SuccessiveHalving memory(SchedulerContext context) {
        return context.memory(SuccessiveHalving.class, c -> {
            SuccessiveHalving empty = create(c);
            return SuccessiveHalving.rebuild(c, empty.options(), empty.rungSizes().length);
        });
    }

    /** An empty instance for the study's settings (checks them). */
    private SuccessiveHalving create(SchedulerContext context) {
        Settings settings = Settings.of(context, name, keys);
        SuccessiveHalving.Options options = SuccessiveHalving.Options.read(settings, Settings.requireFidelity(context, name));
        int brackets = brackets(settings, options.levels().length);
        return new SuccessiveHalving(options, context.objectives().get(0).direction(), brackets);
    }
}
