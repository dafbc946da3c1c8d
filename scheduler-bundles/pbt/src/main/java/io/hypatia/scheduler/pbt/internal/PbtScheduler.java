package io.hypatia.scheduler.pbt.internal;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Settings;
import io.hypatia.api.scheduler.Clone;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.space.Config;
import io.hypatia.api.study.Trial;
import io.hypatia.scheduler.support.Rung;
import io.hypatia.scheduler.support.Texts;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.osgi.service.component.annotations.Component;

/**
 * Population-based training (Jaderberg et al., "Population Based Training of Neural Networks",
 * 2017), asynchronous: a trial is "ready" each time its reports pass a multiple of
 * {@code interval}. A ready trial in the bottom {@code quantile} of the trials that reached the
 * same point is stopped (truncation selection) when a top-{@code quantile} trial there has a
 * checkpoint; the next ask then gets, instead of a sampled trial, a clone of such a top trial
 * (exploit: it loads the parent's latest checkpoint) with a perturbed configuration (explore,
 * {@link Explore}). New trials train to the fidelity's max.
 */
@Component(service = Scheduler.class, property = {
        PluginProperties.NAME + "=" + PbtSettings.NAME,
        PluginProperties.DESCRIPTION + "=Population-based training: replace the bottom trials by perturbed clones of the top ones"})
public class PbtScheduler implements Scheduler, Configurable {
    private static final long CLONE_SALT = 0x5B7_C10E_0000L;

    @Override
    public Settings settings() {
        return PbtSettings.DECLARED;
    }

    @Override
    public void validate(SchedulerContext context) {
        PbtSettings.read(context);
    }

    private static PbtState memory(SchedulerContext context) {
        return context.memory(PbtState.class, c -> PbtState.rebuild(PbtSettings.read(c), c.objectives().get(0).direction(), c.trials()));
    }

    @Override
    public Verdict onReport(SchedulerContext context, Trial trial) {
        PbtState state = memory(context);
        if (trial.hasCheckpoint()) {
            state.withCheckpoint.add(trial.number());
        }
        long g = trial.intermediates().isEmpty() ? 0 : state.record(trial, trial.intermediates().size() - 1);
        if (g == 0 || trial.lastIntermediate().step() >= trial.budget()) {
            return Verdict.proceed(); // not at a ready point, or done anyway
        }
        Rung rung = state.generations.get(g);
        int n = rung.size(), rank = rung.rank(trial.number());
        int cut = (int) Math.floor(n * state.settings.quantile());
        String where = "step " + Texts.number(rung.level()) + ": rank " + (rank + 1) + " of " + n;
        if (cut == 0 || rank < n - cut) {
            return Verdict.of(Decision.CONTINUE, (int) g - 1, where + ", not in the bottom " + percent(state));
        }
        if (donors(state, rung, trial.number()).isEmpty()) {
            return Verdict.of(Decision.CONTINUE, (int) g - 1, where + ", in the bottom " + percent(state)
                    + " but no top trial has a checkpoint to clone");
        }
        state.owed.add(g);
        return Verdict.of(Decision.STOP, (int) g - 1, where + ", in the bottom " + percent(state)
                + "; replaced by a clone of a top " + percent(state) + " trial");
    }

    @Override
    public Optional<Clone> exploit(SchedulerContext context) {
        PbtState state = memory(context);
        while (!state.owed.isEmpty()) {
            long g = state.owed.poll();
            Rung rung = state.generations.get(g);
            List<Rung.Entry> donors = rung == null ? List.of() : donors(state, rung, -1);
            if (donors.isEmpty()) {
                continue;
            }
            SplittableRandom random = context.random(CLONE_SALT + state.clones);
            Rung.Entry donor = donors.get(random.nextInt(donors.size()));
            Config parent = context.trials().get(donor.number()).config();
            Explore.Result explored = Explore.perturb(context.space(), parent, random, state.settings.resampleProbability());
            state.clones++;
            return Optional.of(new Clone(donor.trialId(), explored.config(), 0, "exploit trial #" + donor.number()
                    + " (rank " + (rung.rank(donor.number()) + 1) + " of " + rung.size() + " at step " + Texts.number(rung.level())
                    + "); explore: " + explored.changes()));
        }
        return Optional.empty();
    }

    /** The top-quantile trials (at least the best one) of a generation that have a checkpoint, except {@code excluded}. */
    private static List<Rung.Entry> donors(PbtState state, Rung rung, int excluded) {
        int top = Math.max(1, (int) Math.floor(rung.size() * state.settings.quantile()));
        return rung.best(top).stream().filter(e -> e.number() != excluded && state.withCheckpoint.contains(e.number())).toList();
    }

    private static String percent(PbtState state) {
        return Texts.number(state.settings.quantile() * 100) + "%";
    }
}
