package io.hypatia.engine;

import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Verdict;
import io.hypatia.api.space.Config;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.store.Store;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The study engine's public face: studies and trials, the trial state machine, leases, and the
 * calls into sampler and scheduler plugins. State is held in memory and written through to the
 * {@link Store}; every method that changes state returns only after the change is committed, so
 * an acknowledged answer is durable.
 *
 * <p>The work is split by concern: {@link Studies} (registry, create/delete, validation),
 * {@link TrialLifecycle} (trial state changes outside the hot paths), {@link AskPath} and
 * {@link ReportPath} (the two hot paths), {@link Leases} (expiry), {@link PluginCalls} (finding
 * and calling plugins with time limits) and {@link History} (the trials as plugins see them).
 *
 * <p>Locking: each study is guarded by a {@link StudyGuard}. With the embedded store that is the
 * study's monitor; changes are queued to the store while holding it (keeping the store's order
 * equal to the engine's) and awaited after releasing it, so concurrent clients share commits.
 * With a store several gateways share it is also a database transaction holding the study's
 * lock there, which refreshes the cached trials first and commits before answering (see
 * docs/SCALE-OUT.md). Asks of one study in one process are serialised by a second lock that is
 * held while the sampler runs, without the study's guard.
 */
public final class StudyEngine implements AutoCloseable {
    /** Built-in scheduler that always answers CONTINUE. */
    public static final String NO_SCHEDULER = PluginCalls.NO_SCHEDULER;
    public static final int MAX_ASK = AskPath.MAX_ASK;
    /** How long a study's trials stay in memory unused unless {@link #setStudyIdleEvictMillis} says otherwise. */
    public static final long DEFAULT_STUDY_IDLE_EVICT_MILLIS = Studies.DEFAULT_IDLE_EVICT_MILLIS;

    private final PluginCalls pluginCalls;
    private final Studies studies;
    private final TrialLifecycle lifecycle;
    private final ReportPath reportPath;
    private final AskPath askPath;
    private final Leases leases;
    private final StudyUpdates updates;

    /** One requested outcome of a trial. */
    public record Outcome(TrialState state, List<Double> values, List<Double> constraints, String reason) {
        public Outcome {
            values = values == null ? List.of() : List.copyOf(values);
            constraints = constraints == null ? List.of() : List.copyOf(constraints);
            reason = reason == null ? "" : reason;
        }

        public Outcome(TrialState state, List<Double> values, String reason) {
            this(state, values, List.of(), reason);
        }

        public static Outcome complete(List<Double> values) {
            return new Outcome(TrialState.COMPLETE, values, List.of(), "");
        }

        /** Values with constraint values; the trial is feasible when every constraint is {@code <= 0}. */
        public static Outcome complete(List<Double> values, List<Double> constraints) {
            return new Outcome(TrialState.COMPLETE, values, constraints, "");
        }

        public static Outcome failed(String reason) {
            return new Outcome(TrialState.FAILED, List.of(), List.of(), reason);
        }
    }

    /**
     * A trial handed out by ask.
     *
     * @param resumed    true when the worker must load {@code checkpoint} and go on from {@code resumeStep}
     * @param attempt    the attempt number the worker sends back with report, heartbeat and tell
     * @param handOut    why it was handed out (new, requeued, promoted, cloned)
     * @param checkpoint with {@code resumed}, the checkpoint reference to load; else empty
     * @param resumeStep with {@code resumed}, the step the checkpoint was saved at; else 0
     */
    public record Asked(TrialInfo info, boolean resumed, int attempt, HandOut handOut, String checkpoint,
                        double resumeStep) {
    }

    /**
     * The answer to {@link #raiseMaxBudget}.
     *
     * @param study     the study with its new fidelity max
     * @param continued the COMPLETE trials put back to PAUSED, to be resumed from their checkpoints
     */
    public record BudgetRaised(StudyInfo study, List<TrialInfo> continued) {
        public BudgetRaised {
            continued = List.copyOf(continued);
        }
    }

    private final Store store;

    public StudyEngine(Store store, Plugins plugins) throws SQLException {
        this.store = store;
        this.pluginCalls = new PluginCalls(plugins);
        StudyGuard guard = store.shared() ? new SharedStudyGuard((io.hypatia.engine.store.PostgresStore) store) : StudyGuard.local(new StoreLoader(store)::loadTrials);
        this.studies = new Studies(store, guard, pluginCalls);
        if (guard instanceof SharedStudyGuard sharedGuard) {
            sharedGuard.attach(studies);
        }
        this.lifecycle = new TrialLifecycle(store, studies);
        this.reportPath = new ReportPath(store, studies, lifecycle, pluginCalls);
        this.askPath = new AskPath(studies, lifecycle, pluginCalls, reportPath);
        this.leases = new Leases(studies, lifecycle);
        this.updates = new StudyUpdates(store, studies, pluginCalls, reportPath);
        studies.load();
        leases.start();
    }

    /**
     * The clock the {@link io.hypatia.api.study.Trial#TRAIN_SECONDS} attribute is measured with
     * (default the wall clock); an in-process benchmark run passes its simulated clock, so that
     * the trials' training times are the benchmark's simulated costs.
     */
    public void setTrainingClock(java.time.InstantSource clock) {
        lifecycle.trainingTime.setClock(clock);
    }

    /**
     * How long a study's trials stay in memory after their last use (default 10 minutes; 0: for
     * ever). A study with RUNNING trials is never dropped; a dropped study's trials are read from
     * the store again on its next call.
     */
    public void setStudyIdleEvictMillis(long millis) {
        studies.setIdleEvictMillis(millis);
    }

    /** How many studies have their trials in memory now (the rest are read from the store on first use). */
    public int studiesInMemory() {
        int[] n = {0};
        studies.forEach(s -> {
            synchronized (s) {
                n[0] += s.isLoaded() ? 1 : 0;
            }
        });
        return n[0];
    }

    /** How many studies read at start-up still have their spec unparsed (for tests). */
    int studiesWithSpecUnread() {
        return studies.unparsedCount();
    }

    /** Drops the trials of studies idle at {@code nowMillis}, as the reaper would then (for tests); returns how many. */
    int evictIdleStudiesAt(long nowMillis) {
        return studies.evictIdle(nowMillis);
    }

    /** How long an ask waits for a sampler that is momentarily absent (its bundle being replaced). */
    public void setPluginWaitMillis(long millis) {
        pluginCalls.setSamplerWaitMillis(millis);
    }

    /** Tells {@code listener} about plugin calls, fallbacks and store commits (metrics); replaces the previous one. */
    public void setListener(EngineListener listener) {
        pluginCalls.setListener(listener);
        lifecycle.setListener(listener);
        store.setCommitListener(listener::storeCommit);
    }

    public Plugins plugins() {
        return pluginCalls.plugins();
    }

    /** How long a plugin quarantined after repeated faults is left alone before one call probes it again. */
    public void setPluginQuarantineMillis(long millis) {
        pluginCalls.setQuarantineMillis(millis);
    }

    /**
     * Fault counts per plugin that has been called, keyed by kind and name (e.g. {@code sampler tpe};
     * all versions of a plugin share one executor and one quarantine); for ListPlugins.
     */
    public Map<String, PluginFaults> pluginFaults() {
        return pluginCalls.faults();
    }

    /** Every loaded plugin, with the engine's built-in "none" scheduler first. */
    public List<PluginInfo> listPlugins() {
        List<PluginInfo> out = new ArrayList<>();
        out.add(new PluginInfo("scheduler", NO_SCHEDULER, "builtin", "1.0.0", "ACTIVE", "Never stops a trial (always CONTINUE)"));
        out.addAll(pluginCalls.plugins().list());
        return out;
    }

    // ---------------------------------------------------------------- studies

    public StudyInfo createStudy(StudySpec spec) {
        return studies.create(spec);
    }

    public StudyInfo getStudy(String name) {
        return studies.info(studies.require(name));
    }

    public List<StudyInfo> listStudies() {
        return studies.list();
    }

    /** How many studies there are and how many trials they hold. */
    public record StudyTotals(int studies, long trials) {
    }

    /**
     * The number of studies this process knows and of their trials, without parsing any study's
     * spec or reading its trials (unlike {@link #listStudies}); with a shared store, only those this
     * gateway has seen.
     */
    public StudyTotals studyTotals() {
        return studies.totals();
    }

    /**
     * RUNNING trials over all studies of {@code tenant} (the part of a stored name before its first
     * '.', see {@code TenantNames}), kept as trials start and stop, so a quota check costs nothing.
     */
    public int runningTrials(String tenant) {
        return studies.runningTrials(tenant);
    }

    public void deleteStudy(String name) {
        studies.delete(name);
    }

    /**
     * Raises a multi-fidelity study's max budget (its fidelity's max) while it runs (Iterative
     * Deepening Hyperband): durable before it answers. The scheduler extends its rungs and names
     * the COMPLETE trials to continue (ASHA and Hyperband: the top 1/eta of each bracket's rung at
     * the old max); they go back to PAUSED and are handed out by ask as PROMOTED, resumed from
     * their checkpoints. INVALID_ARGUMENT naming {@code max_budget} when the study has no fidelity
     * or {@code newMax} is not a finite number larger than the current max; NOT_FOUND for an
     * unknown study.
     */
    public BudgetRaised raiseMaxBudget(String name, double newMax) {
        return updates.raiseMaxBudget(name, newMax);
    }

    // ---------------------------------------------------------------- trials

    /** Queues a fixed configuration (warm start); it is handed out before any sampled one. */
    public TrialInfo enqueue(String studyName, Config config) {
        return lifecycle.enqueue(studyName, config);
    }

    /** Hands {@code n} trials to {@code worker}: queued ones first, then promotions, then new suggestions. */
    public List<Asked> ask(String studyName, int n, String worker) {
        return askPath.ask(studyName, n, worker, "");
    }

    /**
     * As {@link #ask(String, int, String)}, idempotent for a non-empty {@code requestId} (at most
     * 128 characters): an ask repeated with the same id, also after a restart, hands out nothing
     * new and answers the trials of the first one (in their current state), so a worker whose
     * answer was lost can retry without leaving a RUNNING trial nobody holds.
     */
    public List<Asked> ask(String studyName, int n, String worker, String requestId) {
        return askPath.ask(studyName, n, worker, requestId);
    }

    /**
     * Records an intermediate value of attempt {@code attempt} (0: not checked), with an optional
     * checkpoint reference saved at that step, and answers with the scheduler's verdict. A report
     * of an attempt that is no longer current is refused (FAILED_PRECONDITION).
     */
    public Verdict report(String studyName, long trialId, double step, double value, int attempt, String checkpoint) {
        return reportPath.report(studyName, trialId, step, value, attempt, checkpoint);
    }

    /** Records an intermediate value without attempt check or checkpoint; answers the decision. */
    public Decision report(String studyName, long trialId, double step, double value) {
        return report(studyName, trialId, step, value, 0, "").decision();
    }

    /**
     * Finishes a trial. A repeat with the same non-empty request id is answered as the first was;
     * a tell of an attempt that is no longer current (0: not checked) is refused.
     */
    public TrialInfo tell(String studyName, long trialId, Outcome outcome, String requestId, int attempt, String checkpoint) {
        return lifecycle.tell(studyName, trialId, outcome, requestId, attempt, checkpoint);
    }

    /** Finishes a trial without attempt check. */
    public TrialInfo tell(String studyName, long trialId, Outcome outcome, String requestId) {
        return tell(studyName, trialId, outcome, requestId, 0, "");
    }

    /**
     * Extends a RUNNING trial's lease if {@code attempt} is current (0: not checked); returns the
     * trial so a worker learns if it was stopped or replaced meanwhile.
     */
    public TrialInfo heartbeat(String studyName, long trialId, int attempt) {
        return lifecycle.heartbeat(studyName, trialId, attempt);
    }

    public TrialInfo heartbeat(String studyName, long trialId) {
        return heartbeat(studyName, trialId, 0);
    }

    public TrialInfo getTrial(String studyName, long trialId) {
        return lifecycle.get(studyName, trialId);
    }

    /** Trials in creation order, optionally only those in {@code states}. */
    public List<TrialInfo> listTrials(String studyName, Set<TrialState> states) {
        return lifecycle.list(studyName, states);
    }

    /**
     * At most {@code limit} trials with an id above {@code afterId} (0: from the first), in creation
     * order, optionally only those in {@code states}: one page of {@link #listTrials(String, Set)}
     * at a cost that does not grow with the study.
     */
    public List<TrialInfo> listTrials(String studyName, Set<TrialState> states, long afterId, int limit) {
        if (limit < 0) {
            throw EngineException.invalid("page_size", "must be >= 0, got " + limit);
        }
        return lifecycle.page(studyName, states, afterId, limit);
    }

    /** The best feasible COMPLETE trial, or for several objectives every non-dominated feasible one. */
    public List<TrialInfo> bestTrials(String studyName) {
        return lifecycle.best(studyName);
    }

    /** Expires the leases that end at or before {@code nowMillis}, as the reaper would then (for tests). */
    void expireLeasesAt(long nowMillis) {
        leases.expireAt(nowMillis);
    }

    @Override
    public void close() {
        leases.close();
        pluginCalls.close();
    }
}
