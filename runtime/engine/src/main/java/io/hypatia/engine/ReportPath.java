package io.hypatia.engine;

import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.store.Store;
import java.sql.PreparedStatement;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/** The report hot path: record an intermediate value and answer with the scheduler's decision. */
final class ReportPath {
    private static final Logger LOG = Logger.getLogger(ReportPath.class.getName());

    private final Store store;
    private final Studies studies;
    private final TrialLifecycle lifecycle;
    private final PluginCalls pluginCalls;

    ReportPath(Store store, Studies studies, TrialLifecycle lifecycle, PluginCalls pluginCalls) {
        this.store = store;
        this.studies = studies;
        this.lifecycle = lifecycle;
        this.pluginCalls = pluginCalls;
    }

    Decision report(String studyName, long trialId, double step, double value) {
        if (!Double.isFinite(step)) {
            throw EngineException.invalid("step", "must be a finite number, got " + step);
        }
        if (!Double.isFinite(value)) {
            throw EngineException.invalid("value", "must be a finite number, got " + value
                    + "; tell the trial FAILED if training diverged");
        }
        StudyState s = studies.require(studyName);
        Optional<Plugins.Resolved<Scheduler>> scheduler = pluginCalls.scheduler(s.spec.scheduler());
        Decision decision = Decision.CONTINUE;
        CompletableFuture<Void> saved;
        synchronized (s) {
            TrialRecord t = lifecycle.requireTrial(s, trialId);
            IntermediateValue last = t.intermediates.isEmpty() ? null : t.intermediates.get(t.intermediates.size() - 1);
            if (last != null && step == last.step() && value == last.value()) {
                // A retried report: already recorded; answer what the first one was answered.
                return t.state == TrialState.PRUNED ? Decision.STOP : t.state == TrialState.PAUSED ? Decision.PAUSE : Decision.CONTINUE;
            }
            if (t.state != TrialState.RUNNING) {
                throw EngineException.precondition("trial_id", "trial " + trialId + " is " + t.state
                        + "; only RUNNING trials report values");
            }
            if (last != null && step <= last.step()) {
                throw EngineException.invalid("step", "step " + step + " must be greater than the last reported step " + last.step());
            }
            t.intermediates.add(new IntermediateValue(step, value));
            t.leaseExpiresAt = System.currentTimeMillis() + s.spec.leaseMillis();
            t.changed();
            if (scheduler.isPresent()) {
                SchedulerContext ctx = schedulerContext(s);
                Trial snapshot = t.trial();
                try {
                    Decision d = pluginCalls.call(() -> scheduler.get().service().onReport(ctx, snapshot), s.spec.schedulerTimeoutMillis());
                    decision = d == null ? Decision.CONTINUE : d;
                } catch (Exception e) {
                    schedulerProblem(s, scheduler.get(), "onReport", e);
                }
            }
            if (decision == Decision.STOP) {
                t.state = TrialState.PRUNED;
                t.finishedAt = System.currentTimeMillis();
                t.failReason = "pruned by " + scheduler.map(Plugins.Resolved::label).orElse("scheduler") + " at step " + step;
                t.leaseExpiresAt = 0;
            } else if (decision == Decision.PAUSE) {
                t.state = TrialState.PAUSED;
                t.leaseExpiresAt = 0;
            }
            t.changed();
            int seq = t.intermediates.size() - 1;
            CompletableFuture<Void> row = store.submit(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO intermediate_values (trial_id, seq, step, value) VALUES (?, ?, ?, ?)")) {
                    ps.setLong(1, trialId);
                    ps.setInt(2, seq);
                    ps.setDouble(3, step);
                    ps.setDouble(4, value);
                    ps.executeUpdate();
                }
            });
            saved = CompletableFuture.allOf(row, lifecycle.save(s, t));
        }
        TrialLifecycle.await(saved);
        return decision;
    }

    SchedulerContext schedulerContext(StudyState s) {
        return new SchedulerContext(s.spec.name(), s.spec.objectives(), s.snapshots(), s.spec.scheduler().config());
    }

    void schedulerProblem(StudyState s, Plugins.Resolved<Scheduler> scheduler, String what, Exception e) {
        s.pluginFallbacks.incrementAndGet();
        String problem = e instanceof TimeoutException ? "timed out after " + s.spec.schedulerTimeoutMillis() + " ms" : "failed: " + e;
        LOG.warning("study " + s.spec.name() + ": scheduler " + scheduler.label() + " " + what + " " + problem
                + "; answering CONTINUE");
    }
}
