package io.hypatia.engine;

import io.hypatia.api.scheduler.Continuation;
import io.hypatia.api.scheduler.MaxResourceRaise;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.store.Store;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Changes to a running study. Today one: raising the max budget (the fidelity's max) while the
 * study runs, as Iterative Deepening Hyperband (Brandt et al. 2023) does instead of starting
 * over. The raise is recorded in the study's spec (so the scheduler can rebuild the rungs and
 * brackets every trial was created under), the scheduler's memory is emptied (its rungs gain the
 * new top rungs on rebuild), and the COMPLETE trials the scheduler names in
 * {@link Scheduler#onMaxResourceRaised} go back to PAUSED, to be resumed from their checkpoints
 * by its promotions. Spec and trials are written in one store transaction.
 */
final class StudyUpdates {
    private static final Logger LOG = Logger.getLogger(StudyUpdates.class.getName());
    /** The decision recorded on a trial put back from COMPLETE to PAUSED. */
    static final String REOPENED = "REOPENED";

    private final Store store;
    private final Studies studies;
    private final PluginCalls pluginCalls;
    private final ReportPath reportPath;

    StudyUpdates(Store store, Studies studies, PluginCalls pluginCalls, ReportPath reportPath) {
        this.store = store;
        this.studies = studies;
        this.pluginCalls = pluginCalls;
        this.reportPath = reportPath;
    }

    /** Raises the study's max budget to {@code newMax}; answers the study and the trials continued. */
    StudyEngine.BudgetRaised raiseMaxBudget(String name, double newMax) {
        StudyState s = studies.require(name);
        if (!Double.isFinite(newMax)) {
            throw EngineException.invalid("max_budget", "must be a finite number, got " + newMax);
        }
        Optional<Plugins.Resolved<Scheduler>> scheduler = pluginCalls.scheduler(s.spec.scheduler());
        // The ask lock keeps trials from being created meanwhile, so the raise's trial count is exact.
        TrialLifecycle.Saved<List<TrialInfo>> done;
        synchronized (s.askLock) {
            done = studies.guard().call(s, () -> {
                TrialLifecycle.requireLive(s);
                StudySpec spec = s.spec;
                if (spec.fidelity() == null) {
                    throw EngineException.invalid("max_budget", "study '" + spec.name()
                            + "' has no fidelity; only the max budget of a multi-fidelity study can be raised");
                }
                double max = spec.fidelity().max();
                if (!(newMax > max)) {
                    throw EngineException.invalid("max_budget", "must be larger than the current max budget " + max
                            + " (fidelity '" + spec.fidelity().name() + "'), got " + newMax);
                }
                MaxResourceRaise raise = new MaxResourceRaise(max, newMax, s.trials.size());
                StudySpec next = spec.withRaise(raise);
                s.spec = next;
                s.schedulerMemory.clear(); // its rungs end at the old max
                List<TrialRecord> changed = new ArrayList<>();
                List<TrialInfo> continued = new ArrayList<>();
                for (Continuation c : continuations(s, scheduler, raise)) {
                    TrialRecord t = s.byId.get(c.trialId());
                    if (t == null || t.state != TrialState.COMPLETE || !(t.budget < newMax) || changed.contains(t)) {
                        LOG.warning("study " + spec.name() + ": scheduler " + scheduler.get().label()
                                + " named trial " + c.trialId() + " to continue, which is not a COMPLETE trial below the new max; ignored");
                        continue;
                    }
                    IntermediateValue last = t.lastIntermediate();
                    t.state = TrialState.PAUSED;
                    t.values = List.of();
                    t.constraints = List.of();
                    t.finishedAt = 0;
                    t.decisions.add(new DecisionRecord(last == null ? t.budget : last.step(), REOPENED, -1, c.reason(),
                            t.attempts, System.currentTimeMillis()));
                    t.changed();
                    changed.add(t);
                    continued.add(t.info(spec.name()));
                }
                s.schedulerMemory.clear(); // rebuilt with the reopened trials waiting in their rungs
                String specJson = Json.write(Json.spec(next));
                long studyId = s.id;
                List<TrialRow> rows = changed.stream().map(t -> TrialRow.of(studyId, t)).toList();
                CompletableFuture<Void> saved = store.submit(c -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE studies SET spec = ? WHERE study_id = ?")) {
                        ps.setString(1, specJson);
                        ps.setLong(2, studyId);
                        ps.executeUpdate();
                    }
                    for (TrialRow row : rows) {
                        row.apply(c);
                    }
                });
                return new TrialLifecycle.Saved<>(saved, continued);
            });
        }
        List<TrialInfo> continued = done.await();
        return new StudyEngine.BudgetRaised(studies.info(s), continued);
    }

    /** The scheduler's choice of trials to continue; none when it has no opinion or its call fails. */
    private List<Continuation> continuations(StudyState s, Optional<Plugins.Resolved<Scheduler>> scheduler, MaxResourceRaise raise) {
        if (scheduler.isEmpty()) {
            return List.of();
        }
        var ctx = reportPath.schedulerContext(s);
        try {
            List<Continuation> out = pluginCalls.call("scheduler", s.spec.scheduler().name(), "onMaxResourceRaised",
                    () -> scheduler.get().service().onMaxResourceRaised(ctx, raise), s.spec.schedulerTimeoutMillis());
            if (out == null) {
                return List.of();
            }
            Set<Continuation> distinct = new LinkedHashSet<>(out);
            return List.copyOf(distinct);
        } catch (Exception e) {
            reportPath.schedulerProblem(s, scheduler.get(), "onMaxResourceRaised", e);
            return List.of();
        }
    }
}
