package io.hypatia.scheduler.support;

import io.hypatia.api.Configurable;
import io.hypatia.api.Setting;
import io.hypatia.api.Settings;
import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.Continuation;
import io.hypatia.api.scheduler.MaxResourceRaise;
import io.hypatia.api.scheduler.Promotion;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.study.Trial;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;

/**
 * A {@link Scheduler} over {@link SuccessiveHalving}: settings checked at study creation, rungs
 * kept in the study's scheduler memory and rebuilt from its trials when the memory is empty.
 * Subclasses say how many brackets to run (1 for ASHA) and which extra settings they take.
 */
public abstract class SuccessiveHalvingScheduler implements Scheduler, Configurable {
    private final String name;
    private final Settings declared;

    /** A scheduler with ASHA's settings ({@link SuccessiveHalving.Options#DECLARED}) and {@code extra}. */
    protected SuccessiveHalvingScheduler(String name, Setting... extra) {
        this(name, Settings.of(Stream.concat(SuccessiveHalving.Options.DECLARED.stream(), Arrays.stream(extra)).toArray(Setting[]::new)));
    }

    /** A scheduler with exactly the settings {@code declared}; override {@link #options}. */
    protected SuccessiveHalvingScheduler(String name, Settings declared) {
        this.name = name;
        this.declared = declared;
    }

    @Override
    public Settings settings() {
        return declared;
    }

    /** How many brackets, given the settings and the number of rung levels of the most aggressive bracket. */
    protected int brackets(SchedulerSettings settings, int levels) {
        return 1;
    }

    /** Reads the options (ASHA's settings unless overridden). */
    protected SuccessiveHalving.Options options(SchedulerSettings settings, Fidelity fidelity) {
        return SuccessiveHalving.Options.read(settings, fidelity);
    }

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

    /**
     * The max resource was raised: the rungs are rebuilt with the new top rung(s), and the top
     * 1/eta of each bracket's rung at the old max are continued (see
     * {@link SuccessiveHalving#continuations}).
     */
    @Override
    public List<Continuation> onMaxResourceRaised(SchedulerContext context, MaxResourceRaise raise) {
        return memory(context).continuations(context, raise);
    }

    /** The study's rungs, rebuilt from its trials when the engine holds none. */
    public SuccessiveHalving memory(SchedulerContext context) {
        return context.memory(SuccessiveHalving.class, c -> create(c).rebuildFrom(c));
    }

    /**
     * An empty instance for the study's settings (checks them). Settings are read against the
     * fidelity the study was created with; raises of its max resource then extend the rungs.
     */
    private SuccessiveHalving create(SchedulerContext context) {
        SchedulerSettings settings = SchedulerSettings.of(context, name, declared);
        Fidelity fidelity = SchedulerSettings.requireFidelity(context, name);
        List<MaxResourceRaise> raises = context.raises();
        Fidelity created = raises.isEmpty() ? fidelity : new Fidelity(fidelity.name(), fidelity.min(), raises.get(0).previousMax());
        SuccessiveHalving.Options options = options(settings, created);
        return new SuccessiveHalving(options, context.objectives().get(0).direction(), raises,
                levels -> brackets(settings, levels));
    }
}
