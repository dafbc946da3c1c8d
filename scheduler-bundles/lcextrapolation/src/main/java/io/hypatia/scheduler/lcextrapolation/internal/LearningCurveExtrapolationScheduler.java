package io.hypatia.scheduler.lcextrapolation.internal;

import io.hypatia.api.Configurable;
import io.hypatia.api.PluginConfig;
import io.hypatia.api.PluginProperties;
import io.hypatia.api.Setting;
import io.hypatia.api.SettingException;
import io.hypatia.api.Settings;
import io.hypatia.api.benchmark.Fidelity;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.UnsuitableStudyException;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.study.Direction;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * Learning-curve extrapolation stopping (Domhan, Springenberg and Hutter, "Speeding up automatic
 * hyperparameter optimization of deep neural networks by extrapolation of learning curves",
 * IJCAI 2015): at each report, fit the ensemble of parametric curve families to the trial's
 * curve so far and stop the trial when the predicted probability that its value at the
 * fidelity's maximum beats the incumbent (the best value any trial reached at the maximum) is
 * below {@code threshold}. Acts on the study's first objective; needs a fidelity.
 *
 * <p>Settings: {@code threshold} (0.05, the paper's delta), {@code min_points} (5: reports a curve
 * needs before it is judged), {@code min_completed} (3: trials that reached the maximum before
 * anything is stopped), {@code max_points} (100: longer curves are thinned to this many points
 * to keep a fit within milliseconds).
 */
@Component(service = Scheduler.class, property = {
        PluginProperties.NAME + "=lc-extrapolation",
        PluginProperties.DESCRIPTION + "=Learning-curve extrapolation (Domhan et al. 2015): stop trials unlikely to beat the incumbent at the max budget"})
public class LearningCurveExtrapolationScheduler implements Scheduler, Configurable {
    static final Settings SETTINGS = Settings.of(
            Setting.real("threshold", 0.05, 1e-9, 1 - 1e-9,
                    "stop when P(beat the incumbent at the max budget) is below this (the paper's delta)"),
            Setting.integer("min_points", 5, 5, 1_000_000, "reports a curve needs before it is judged"),
            Setting.integer("min_completed", 3, 1, 1_000_000, "trials that reached the max budget before anything is stopped"),
            Setting.integer("max_points", 100, 10, 100_000, "longer curves are thinned evenly to this many points"));

    @Override
    public Settings settings() {
        return SETTINGS;
    }

    @Override
    public void validate(SchedulerContext context) {
        try {
            SETTINGS.read(context.config());
        } catch (SettingException e) {
            throw new UnsuitableStudyException("config." + e.key(), e.getMessage());
        }
        Fidelity fidelity = context.fidelity().orElseThrow(() -> new UnsuitableStudyException("fidelity",
                "lc-extrapolation extrapolates learning curves to the maximum budget and needs a fidelity"));
        if (!(fidelity.max() > 0)) {
            throw new UnsuitableStudyException("fidelity.max", "must be > 0, got " + fidelity.max());
        }
    }

    @Override
    public Verdict onReport(SchedulerContext context, Trial trial) {
        IntermediateValue latest = trial.lastIntermediate();
        Fidelity fidelity = context.fidelity().orElse(null);
        if (latest == null || fidelity == null) {
            return Verdict.proceed();
        }
        PluginConfig settings = SETTINGS.read(context.config());
        Direction direction = context.objectives().get(0).direction();
        Incumbent incumbent = context.memory(Incumbent.class, ctx -> Incumbent.rebuild(ctx, fidelity.max(), direction));
        if (latest.step() >= fidelity.max()) {
            incumbent.offer(trial.id(), direction.toLoss(latest.value()));
            return Verdict.proceed();
        }
        List<IntermediateValue> curve = trial.intermediates();
        if (curve.size() < settings.integer("min_points") || incumbent.reached() < settings.integer("min_completed")) {
            return Verdict.proceed();
        }
        double[] steps = new double[curve.size()];
        double[] losses = new double[curve.size()];
        double bestSoFar = Double.POSITIVE_INFINITY;
        for (int i = 0; i < steps.length; i++) {
            steps[i] = curve.get(i).step();
            losses[i] = direction.toLoss(curve.get(i).value());
            bestSoFar = Math.min(bestSoFar, losses[i]);
        }
        if (bestSoFar < incumbent.bestLoss()) {
            return Verdict.proceed(); // already better than the incumbent: nothing to predict
        }
        double unit = fidelity.min() > 0 ? Math.min(fidelity.min(), steps[0]) : steps[0];
        CurveEnsemble ensemble = CurveEnsemble.fit(steps, losses, unit > 0 ? unit : 1, (int) settings.integer("max_points"));
        if (ensemble == null) {
            return Verdict.proceed();
        }
        double p = ensemble.probabilityBelow(fidelity.max(), incumbent.bestLoss());
        double threshold = settings.real("threshold");
        if (p >= threshold) {
            return Verdict.proceed();
        }
        return Verdict.of(Decision.STOP, -1, String.format(Locale.ROOT,
                "P(beats incumbent %.6g at step %.6g) = %.4f < %.4f; predicted %.6g (%d families, leading %s)",
                direction == Direction.MINIMIZE ? incumbent.bestLoss() : -incumbent.bestLoss(), fidelity.max(), p,
                threshold, direction == Direction.MINIMIZE ? ensemble.meanLoss(fidelity.max())
                        : -ensemble.meanLoss(fidelity.max()), ensemble.families(), ensemble.leadingFamily()));
    }

    /**
     * The best loss reached at the fidelity's maximum and how many trials reached it; kept in the
     * study's scheduler memory, updated from reports at the maximum and rebuilt from the trials.
     */
    static final class Incumbent {
        private final Set<Long> reachedIds = new HashSet<>();
        private double bestLoss = Double.POSITIVE_INFINITY;

        static Incumbent rebuild(SchedulerContext context, double max, Direction direction) {
            Incumbent inc = new Incumbent();
            for (Trial t : context.trials()) {
                if (t.state() == TrialState.COMPLETE && !t.values().isEmpty() && t.budget() >= max) {
                    inc.offer(t.id(), direction.toLoss(t.values().get(0)));
                }
                for (IntermediateValue v : t.intermediates()) {
                    if (v.step() >= max) {
                        inc.offer(t.id(), direction.toLoss(v.value()));
                    }
                }
            }
            return inc;
        }

        void offer(long trialId, double loss) {
            reachedIds.add(trialId);
            bestLoss = Math.min(bestLoss, loss);
        }

        int reached() {
            return reachedIds.size();
        }

        double bestLoss() {
            return bestLoss;
        }
    }
}
