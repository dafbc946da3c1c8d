package io.hypatia.engine;

import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.store.Store;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/** The report hot path: record an intermediate value and answer with the scheduler's verdict. */
final class ReportPath {
    private static final Logger LOG = Logger.getLogger(ReportPath.class.getName());
    static final int MAX_CHECKPOINT_LENGTH = 4096;

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

    /**
     * Records {@code value} at {@code step} for attempt {@code attempt} (0: unchecked) with an
     * optional checkpoint reference, and answers with the scheduler's verdict.
     */
    Verdict report(String studyName, long trialId, double step, double value, int attempt, String checkpoint) {
        if (!Double.isFinite(step)) {
            throw EngineException.invalid("step", "must be a finite number, got " + step);
        }
        if (!Double.isFinite(value)) {
            throw EngineException.invalid("value", "must be a finite number, got " + value
                    + "; tell the trial FAILED if training diverged");
        }
        String ckpt = checkCheckpoint(checkpoint);
        StudyState s = studies.require(studyName);
        Optional<Plugins.Resolved<Scheduler>> scheduler = pluginCalls.scheduler(s.spec.scheduler());
        pluginCalls.checkPresent(s, "scheduler", s.spec.scheduler(), scheduler.isPresent(), s.schedulerMissing);
        if (scheduler.isEmpty() && !StudyEngine.NO_SCHEDULER.equals(s.spec.scheduler().name())) {
            pluginCalls.fallback(s, "scheduler", s.spec.scheduler().name()); // answered CONTINUE in its place
        }
        return studies.guard().call(s, () -> {
            Verdict verdict = Verdict.proceed();
            TrialRecord t = lifecycle.requireTrial(s, trialId);
            Verdict ended = repeatOfEndingReport(t, attempt, step, value);
            if (ended != null) {
                return new TrialLifecycle.Saved<>(null, ended);
            }
            TrialLifecycle.fence(t, attempt, "report");
            IntermediateValue last = t.lastIntermediate();
            if (last != null && step == last.step() && value == last.value()
                    && t.intermediateAttempts.get(t.intermediateAttempts.size() - 1) == t.attempts) {
                return new TrialLifecycle.Saved<>(null, retriedReport(t, step));
            }
            if (t.state != TrialState.RUNNING) {
                throw EngineException.precondition("trial_id", "trial " + trialId + " is " + t.state
                        + "; only RUNNING trials report values");
            }
            if (last != null && step <= last.step()) {
                throw EngineException.invalid("step", "step " + step + " must be greater than the last reported step "
                        + last.step() + (t.checkpointStep >= 0 && t.checkpointStep == last.step()
                        ? " (the step of the checkpoint this attempt resumed from)" : ""));
            }
            t.intermediates.add(new IntermediateValue(step, value));
            t.intermediateAttempts.add(t.attempts);
            if (!ckpt.isEmpty()) {
                t.checkpoint = ckpt;
                t.checkpointStep = step;
            }
            t.leaseExpiresAt = System.currentTimeMillis() + s.spec.leaseMillis();
            lifecycle.trainingTime.reported(t);
            t.changed();
            if (scheduler.isPresent()) {
                SchedulerContext ctx = schedulerContext(s);
                Trial snapshot = t.trial();
                try {
                    Verdict v = pluginCalls.call("scheduler", s.spec.scheduler().name(), "onReport",
                            () -> scheduler.get().service().onReport(ctx, snapshot), s.spec.schedulerTimeoutMillis());
                    verdict = v == null ? Verdict.proceed() : v;
                } catch (Exception e) {
                    schedulerProblem(s, scheduler.get(), "onReport", e);
                }
            }
            String by = scheduler.map(Plugins.Resolved::label).orElse("scheduler");
            if (verdict.decision() == Decision.STOP) {
                t.state = TrialState.PRUNED;
                t.finishedAt = System.currentTimeMillis();
                t.failReason = "pruned by " + by + " at step " + step + (verdict.reason().isEmpty() ? "" : ": " + verdict.reason());
                t.leaseExpiresAt = 0;
            } else if (verdict.decision() == Decision.PAUSE) {
                t.state = TrialState.PAUSED;
                t.leaseExpiresAt = 0;
            }
            if (verdict.decision() != Decision.CONTINUE) {
                TrainingTime.stopped(t);
            }
            if (verdict.decision() != Decision.CONTINUE || verdict.rung() >= 0) {
                t.decisions.add(new DecisionRecord(step, verdict.decision().name(), verdict.rung(), verdict.reason(),
                        t.attempts, System.currentTimeMillis()));
            }
            t.changed();
            int seq = t.abandoned.size() + t.intermediates.size() - 1;
            CompletableFuture<Void> row = store.submit(new IntermediateRow(trialId, seq, step, value, t.attempts));
            return new TrialLifecycle.Saved<>(CompletableFuture.allOf(row, lifecycle.save(s, t)), verdict);
        }).await();
    }

    /** A reported value's row. */
    private record IntermediateRow(long trialId, int seq, double step, double value, int attempt) implements Store.StatementWrite {
        @Override
        public String sql() {
            return "INSERT INTO intermediate_values (trial_id, seq, step, value, attempt, abandoned) VALUES (?, ?, ?, ?, ?, 0)";
        }

        @Override
        public String table() {
            return "intermediate_values";
        }

        @Override
        public void bind(PreparedStatement ps) throws SQLException {
            ps.setLong(1, trialId);
            ps.setInt(2, seq);
            ps.setDouble(3, step);
            ps.setDouble(4, value);
            ps.setInt(5, attempt);
        }
    }

    /**
     * The answer to a report repeated by a client retry after its first copy ended its attempt
     * (PAUSE or STOP) and the trial was handed out again meanwhile (a promotion; with several
     * gateways the repeat may come after another worker's ask): what the first copy was answered,
     * instead of refusing the superseded attempt. Null when this is not such a repeat.
     */
    private static Verdict repeatOfEndingReport(TrialRecord t, int attempt, double step, double value) {
        if (attempt <= 0 || attempt >= t.attempts) {
            return null;
        }
        DecisionRecord ending = null;
        for (DecisionRecord d : t.decisions) {
            if (d.attempt() == attempt && d.step() == step
                    && (d.decision().equals(Decision.PAUSE.name()) || d.decision().equals(Decision.STOP.name()))) {
                ending = d;
            }
        }
        if (ending == null) {
            return null;
        }
        for (ReportRecord r : t.reports()) {
            if (r.attempt() == attempt && r.step() == step && r.value() == value) {
                LOG.info("trial " + t.id + ": a repeat of attempt " + attempt + "'s report at step " + step
                        + " came after the trial moved on to attempt " + t.attempts + "; answered " + ending.decision() + " as the first");
                return Verdict.of(Decision.valueOf(ending.decision()), ending.rung(), ending.reason());
            }
        }
        return null; // the same step with another value: not a repeat, and the attempt is over
    }

    /** The answer to a report repeated by a client retry: what the first one was answered. */
    private static Verdict retriedReport(TrialRecord t, double step) {
        if (t.state == TrialState.COMPLETE || t.state == TrialState.FAILED) {
            throw EngineException.precondition("trial_id", "trial " + t.id + " is " + t.state + "; only RUNNING trials report values");
        }
        DecisionRecord recorded = t.decisions.isEmpty() ? null : t.decisions.get(t.decisions.size() - 1);
        if (recorded != null && recorded.step() == step && recorded.attempt() == t.attempts) {
            return Verdict.of(Decision.valueOf(recorded.decision()), recorded.rung(), recorded.reason());
        }
        if (t.state != TrialState.RUNNING) {
            throw EngineException.precondition("trial_id", "trial " + t.id + " is " + t.state + "; only RUNNING trials report values");
        }
        return Verdict.proceed();
    }

    static String checkCheckpoint(String checkpoint) {
        String c = checkpoint == null ? "" : checkpoint;
        if (c.length() > MAX_CHECKPOINT_LENGTH) {
            throw EngineException.invalid("checkpoint", "must be at most " + MAX_CHECKPOINT_LENGTH + " characters, got " + c.length());
        }
        return c;
    }

    /** The scheduler's view of the study; its trial list is built only if the scheduler asks for it. */
    SchedulerContext schedulerContext(StudyState s) {
        StudySpec spec = s.spec;
        return new SchedulerContext(spec.name(), spec.objectives(), s::snapshots, spec.scheduler().config(),
                spec.space(), spec.fidelity(), s.seed, s.schedulerMemory, spec.raises());
    }

    void schedulerProblem(StudyState s, Plugins.Resolved<Scheduler> scheduler, String what, Exception e) {
        pluginCalls.fallback(s, "scheduler", s.spec.scheduler().name());
        s.schedulerMemory.clear(); // a failed call may have left it half-updated
        String problem = e instanceof TimeoutException ? "timed out after " + s.spec.schedulerTimeoutMillis() + " ms" : "failed: " + e;
        pluginCalls.warn(scheduler.label(), s.spec.name() + "/" + what, "study " + s.spec.name() + ": scheduler "
                + scheduler.label() + " " + what + " " + problem + "; answering CONTINUE");
    }
}
