package io.hypatia.engine;

import io.hypatia.api.sampler.Sampler;
import io.hypatia.api.sampler.SamplerContext;
import io.hypatia.api.scheduler.Decision;
import io.hypatia.api.scheduler.Promotion;
import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.space.Config;
import io.hypatia.api.space.InvalidSpaceException;
import io.hypatia.api.study.IntermediateValue;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.Trial;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.store.Store;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Studies and trials: the trial state machine, leases, and the calls into sampler and scheduler
 * plugins. State is held in memory (samplers need the whole history on every ask) and written
 * through to the {@link Store}; every method that changes state returns only after the change
 * is committed, so an acknowledged answer is durable.
 *
 * <p>Locking: each study is guarded by its own monitor; changes are queued to the store while
 * holding it (keeping the store's order equal to the engine's) and awaited after releasing it,
 * so concurrent clients share commits.
 */
public final class StudyEngine implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StudyEngine.class.getName());
    private static final Pattern STUDY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** Built-in scheduler that always answers CONTINUE. */
    public static final String NO_SCHEDULER = "none";
    public static final int MAX_ASK = 1000;
    private static final long MAX_LEASE_MILLIS = 100L * 365 * 24 * 3600 * 1000;

    private final Store store;
    private final Plugins plugins;
    private final Map<String, StudyState> studies = new ConcurrentHashMap<>();
    private final Map<Long, StudyState> studyOfTrial = new ConcurrentHashMap<>();
    private final AtomicLong nextStudyId = new AtomicLong(1);
    private final AtomicLong nextTrialId = new AtomicLong(1);
    private final ExecutorService pluginCalls = Executors.newCachedThreadPool(daemon("hypatia-plugin-call"));
    private final ScheduledExecutorService leaseReaper = Executors.newSingleThreadScheduledExecutor(daemon("hypatia-lease-reaper"));
    private volatile long pluginWaitMillis = 10_000;

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

    /** A trial handed out by ask: a new or requeued one, or a paused one resumed at a larger budget. */
    public record Asked(TrialInfo info, boolean resumed) {
    }

    public StudyEngine(Store store, Plugins plugins) throws SQLException {
        this.store = store;
        this.plugins = plugins;
        load();
        leaseReaper.scheduleWithFixedDelay(this::expireLeases, 1, 1, TimeUnit.SECONDS);
    }

    /** How long an ask waits for a sampler that is momentarily absent (its bundle being replaced). */
    public void setPluginWaitMillis(long millis) {
        this.pluginWaitMillis = millis;
    }

    public Plugins plugins() {
        return plugins;
    }

    /** Every loaded plugin, with the engine's built-in "none" scheduler first. */
    public List<PluginInfo> listPlugins() {
        List<PluginInfo> out = new ArrayList<>();
        out.add(new PluginInfo("scheduler", NO_SCHEDULER, "builtin", "1.0.0", "ACTIVE", "Never stops a trial (always CONTINUE)"));
        out.addAll(plugins.list());
        return out;
    }

    // ---------------------------------------------------------------- studies

    public StudyInfo createStudy(StudySpec spec) {
        validate(spec);
        long now = System.currentTimeMillis();
        StudyState state = new StudyState(nextStudyId.getAndIncrement(), spec, now);
        if (studies.putIfAbsent(spec.name(), state) != null) {
            throw new EngineException(EngineException.Code.ALREADY_EXISTS, "name", "a study named '" + spec.name() + "' already exists");
        }
        String specJson = Json.write(Json.spec(spec));
        CompletableFuture<Void> saved;
        synchronized (state) {
            saved = store.submit(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO studies (study_id, name, spec, created_at) VALUES (?, ?, ?, ?)")) {
                    ps.setLong(1, state.id);
                    ps.setString(2, spec.name());
                    ps.setString(3, specJson);
                    ps.setLong(4, now);
                    ps.executeUpdate();
                }
            });
        }
        try {
            await(saved);
        } catch (EngineException e) {
            studies.remove(spec.name(), state); // not durable, so not created
            throw e;
        }
        return info(state);
    }

    public StudyInfo getStudy(String name) {
        return info(require(name));
    }

    public List<StudyInfo> listStudies() {
        return studies.values().stream().sorted((a, b) -> Long.compare(a.id, b.id)).map(this::info).toList();
    }

    public void deleteStudy(String name) {
        StudyState state = require(name);
        CompletableFuture<Void> saved;
        synchronized (state) {
            if (state.deleted) {
                throw EngineException.notFound("study", "no study named '" + name + "'");
            }
            state.deleted = true;
            studies.remove(name, state);
            state.trials.forEach(t -> studyOfTrial.remove(t.id));
            saved = store.submit(c -> {
                for (String sql : List.of(
                        "DELETE FROM intermediate_values WHERE trial_id IN (SELECT trial_id FROM trials WHERE study_id = ?)",
                        "DELETE FROM trials WHERE study_id = ?", "DELETE FROM studies WHERE study_id = ?")) {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setLong(1, state.id);
                        ps.executeUpdate();
                    }
                }
            });
        }
        await(saved);
    }

    private StudyInfo info(StudyState s) {
        synchronized (s) {
            Map<TrialState, Integer> counts = new EnumMap<>(TrialState.class);
            for (TrialState st : TrialState.values()) {
                counts.put(st, 0);
            }
            s.trials.forEach(t -> counts.merge(t.state, 1, Integer::sum));
            return new StudyInfo(s.id, s.spec, s.createdAt, counts, s.pluginFallbacks.get());
        }
    }

    private void validate(StudySpec spec) {
        if (spec.name() == null || spec.name().isEmpty()) {
            throw EngineException.invalid("name", "must not be empty");
        }
        if (!STUDY_NAME.matcher(spec.name()).matches()) {
            throw EngineException.invalid("name", "'" + spec.name()
                    + "' must be 1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (spec.space() == null) {
            throw EngineException.invalid("search_space", "is required");
        }
        if (spec.objectives().isEmpty()) {
            throw EngineException.invalid("objectives", "a study needs at least one objective");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < spec.objectives().size(); i++) {
            Objective o = spec.objectives().get(i);
            if (o.name() == null || o.name().isBlank()) {
                throw EngineException.invalid("objectives[" + i + "].name", "must not be empty");
            }
            if (!names.add(o.name())) {
                throw EngineException.invalid("objectives[" + i + "].name", "duplicate objective '" + o.name() + "'");
            }
            if (o.direction() == null) {
                throw EngineException.invalid("objectives[" + i + "].direction", "must be MINIMIZE or MAXIMIZE");
            }
        }
        validatePluginRef("sampler", spec.sampler());
        String seed = spec.sampler().config().get("seed");
        if (seed != null) {
            try {
                Long.parseLong(seed.trim());
            } catch (NumberFormatException e) {
                throw EngineException.invalid("sampler.config.seed", "'" + seed + "' is not an integer");
            }
        }
        if (plugins.sampler(spec.sampler().name(), spec.sampler().versionRange()).isEmpty()) {
            throw EngineException.invalid("sampler.name", "no sampler named '" + spec.sampler().name() + "'"
                    + rangeText(spec.sampler()) + " is loaded; loaded samplers: " + loadedNames("sampler"));
        }
        validatePluginRef("scheduler", spec.scheduler());
        if (!NO_SCHEDULER.equals(spec.scheduler().name())
                && plugins.scheduler(spec.scheduler().name(), spec.scheduler().versionRange()).isEmpty()) {
            throw EngineException.invalid("scheduler.name", "no scheduler named '" + spec.scheduler().name() + "'"
                    + rangeText(spec.scheduler()) + " is loaded; loaded schedulers: " + loadedNames("scheduler"));
        }
        if (spec.fidelity() != null) {
            var f = spec.fidelity();
            if (f.name() == null || f.name().isBlank()) {
                throw EngineException.invalid("fidelity.name", "must not be empty");
            }
            if (!(f.min() > 0) || !Double.isFinite(f.min())) {
                throw EngineException.invalid("fidelity.min", "must be a finite number > 0, got " + f.min());
            }
            if (!(f.max() >= f.min()) || !Double.isFinite(f.max())) {
                throw EngineException.invalid("fidelity.max", "must be finite and >= min (" + f.min() + "), got " + f.max());
            }
        }
        if (spec.leaseMillis() <= 0 || spec.leaseMillis() > MAX_LEASE_MILLIS) {
            throw EngineException.invalid("lease_seconds", "must be positive and at most 100 years");
        }
        if (spec.maxAttempts() < 1) {
            throw EngineException.invalid("max_attempts", "must be at least 1");
        }
        if (spec.samplerTimeoutMillis() <= 0 || spec.schedulerTimeoutMillis() <= 0) {
            throw EngineException.invalid(spec.samplerTimeoutMillis() <= 0 ? "sampler_timeout_ms" : "scheduler_timeout_ms",
                    "must be positive");
        }
    }

    private static void validatePluginRef(String field, PluginRef ref) {
        if (ref == null || ref.name() == null || ref.name().isBlank()) {
            throw EngineException.invalid(field + ".name", "must not be empty");
        }
        if (!ref.versionRange().isEmpty()) {
            try {
                org.osgi.framework.VersionRange.valueOf(ref.versionRange());
            } catch (IllegalArgumentException e) {
                throw EngineException.invalid(field + ".version_range", "'" + ref.versionRange()
                        + "' is not an OSGi version range such as [1.0,2) or 1.2");
            }
        }
    }

    private static String rangeText(PluginRef ref) {
        return ref.versionRange().isEmpty() ? "" : " in version range " + ref.versionRange();
    }

    private List<String> loadedNames(String kind) {
        List<String> names = new ArrayList<>(plugins.list().stream().filter(p -> p.kind().equals(kind))
                .map(PluginInfo::name).distinct().sorted().toList());
        if (kind.equals("scheduler")) {
            names.add(0, NO_SCHEDULER);
        }
        return names;
    }

    // ---------------------------------------------------------------- trials

    /** Queues a fixed configuration (warm start); it is handed out before any sampled one. */
    public TrialInfo enqueue(String studyName, Config config) {
        StudyState s = require(studyName);
        Config valid;
        try {
            valid = s.spec.space().validate(config);
        } catch (InvalidSpaceException e) {
            throw EngineException.invalid(e.field(), e.getMessage().substring(e.field().length() + 2));
        }
        CompletableFuture<Void> saved;
        TrialInfo result;
        synchronized (s.askLock) {
            synchronized (s) {
                requireLive(s);
                TrialRecord t = newTrial(s, valid, TrialState.WAITING, Map.of("source", "enqueued"));
                saved = save(s, t);
                result = t.info(s.spec.name());
            }
        }
        await(saved);
        return result;
    }

    /**
     * Hands {@code n} trials to {@code worker}: queued ones first, then promotions, then new
     * suggestions. Asks of one study are serialised (so a sampler sees the trials handed out
     * just before, e.g. for a constant liar), but the sampler runs without the study's lock,
     * so tells, reports and heartbeats are not held up by a slow sampler.
     */
    public List<Asked> ask(String studyName, int n, String worker) {
        if (n < 1 || n > MAX_ASK) {
            throw EngineException.invalid("count", "must be between 1 and " + MAX_ASK + ", got " + n);
        }
        StudyState s = require(studyName);
        awaitSampler(s.spec.sampler()); // rides out a bundle being replaced
        Optional<Plugins.Resolved<Scheduler>> scheduler = scheduler(s.spec.scheduler());
        List<Asked> out = new ArrayList<>();
        List<CompletableFuture<Void>> saves = new ArrayList<>();
        synchronized (s.askLock) {
            for (int i = 0; i < n; i++) {
                TrialRecord t;
                boolean resumed = false;
                List<Trial> history;
                synchronized (s) {
                    requireLive(s);
                    t = nextWaiting(s);
                    if (t == null && scheduler.isPresent()) {
                        t = promotion(s, scheduler.get());
                        resumed = t != null;
                    }
                    history = t == null ? s.snapshots() : null;
                }
                Map<String, String> attributes = new java.util.HashMap<>();
                Config suggested = t == null ? suggest(s, history, attributes) : null;
                synchronized (s) {
                    requireLive(s);
                    if (t == null) {
                        t = newTrial(s, suggested, TrialState.RUNNING, attributes);
                    }
                    t.state = TrialState.RUNNING;
                    t.worker = worker == null ? "" : worker;
                    t.leaseExpiresAt = System.currentTimeMillis() + s.spec.leaseMillis();
                    t.attempts++;
                    t.changed();
                    saves.add(save(s, t));
                    out.add(new Asked(t.info(s.spec.name()), resumed));
                }
            }
        }
        saves.forEach(StudyEngine::await);
        return out;
    }

    private TrialRecord nextWaiting(StudyState s) {
        for (TrialRecord t : s.trials) {
            if (t.state == TrialState.WAITING) {
                return t;
            }
        }
        return null;
    }

    /** Appends a trial; callers hold the study's ask lock and lock, so numbers are dense. */
    private TrialRecord newTrial(StudyState s, Config config, TrialState state, Map<String, String> attributes) {
        TrialRecord t = new TrialRecord(nextTrialId.getAndIncrement(), s.trials.size(), config, state, System.currentTimeMillis());
        t.attributes.putAll(attributes);
        t.budget = s.spec.fidelity() == null ? 0 : s.spec.fidelity().max();
        s.add(t);
        studyOfTrial.put(t.id, s);
        return t;
    }

    /** Asks the sampler for the next trial's configuration, falling back to random sampling. */
    private Config suggest(StudyState s, List<Trial> history, Map<String, String> attributes) {
        int number = history.size();
        SamplerContext ctx = new SamplerContext(s.spec.name(), s.spec.space(), s.spec.objectives(), history,
                number, s.seed, s.spec.sampler().config());
        Optional<Plugins.Resolved<Sampler>> sampler = plugins.sampler(s.spec.sampler().name(), s.spec.sampler().versionRange());
        String problem;
        if (sampler.isPresent()) {
            try {
                Config c = call(() -> sampler.get().service().suggest(ctx), s.spec.samplerTimeoutMillis());
                if (c == null) {
                    throw new IllegalStateException("sampler returned no configuration");
                }
                Config valid = s.spec.space().validate(c);
                attributes.put("sampler", sampler.get().label());
                return valid;
            } catch (TimeoutException e) {
                problem = "timed out after " + s.spec.samplerTimeoutMillis() + " ms";
            } catch (Exception e) {
                problem = "failed: " + e;
            }
            LOG.log(Level.WARNING, "study " + s.spec.name() + ": sampler " + sampler.get().label() + " " + problem
                    + "; trial " + number + " falls back to random sampling");
        } else {
            problem = "sampler '" + s.spec.sampler().name() + "' is not loaded";
            LOG.warning("study " + s.spec.name() + ": " + problem + "; trial " + number + " falls back to random sampling");
        }
        s.pluginFallbacks.incrementAndGet();
        attributes.put("sampler", "fallback-random");
        attributes.put("sampler_problem", problem);
        return s.spec.space().sampleUniform(ctx.random());
    }

    private TrialRecord promotion(StudyState s, Plugins.Resolved<Scheduler> scheduler) {
        SchedulerContext ctx = schedulerContext(s);
        Optional<Promotion> p;
        try {
            p = call(() -> scheduler.service().promote(ctx), s.spec.schedulerTimeoutMillis());
        } catch (Exception e) {
            schedulerProblem(s, scheduler, "promote", e);
            return null;
        }
        if (p == null || p.isEmpty()) {
            return null;
        }
        TrialRecord t = s.byId.get(p.get().trialId());
        if (t == null || t.state != TrialState.PAUSED || !(p.get().budget() > t.budget)) {
            LOG.warning("study " + s.spec.name() + ": scheduler " + scheduler.label() + " proposed an invalid promotion "
                    + p.get() + "; ignored");
            s.pluginFallbacks.incrementAndGet();
            return null;
        }
        t.budget = p.get().budget();
        return t;
    }

    private SchedulerContext schedulerContext(StudyState s) {
        return new SchedulerContext(s.spec.name(), s.spec.objectives(), s.snapshots(), s.spec.scheduler().config());
    }

    private void schedulerProblem(StudyState s, Plugins.Resolved<Scheduler> scheduler, String what, Exception e) {
        s.pluginFallbacks.incrementAndGet();
        String problem = e instanceof TimeoutException ? "timed out after " + s.spec.schedulerTimeoutMillis() + " ms" : "failed: " + e;
        LOG.warning("study " + s.spec.name() + ": scheduler " + scheduler.label() + " " + what + " " + problem
                + "; answering CONTINUE");
    }

    /** Records an intermediate value and answers with the scheduler's decision. */
    public Decision report(String studyName, long trialId, double step, double value) {
        if (!Double.isFinite(step)) {
            throw EngineException.invalid("step", "must be a finite number, got " + step);
        }
        if (!Double.isFinite(value)) {
            throw EngineException.invalid("value", "must be a finite number, got " + value
                    + "; tell the trial FAILED if training diverged");
        }
        StudyState s = require(studyName);
        Optional<Plugins.Resolved<Scheduler>> scheduler = scheduler(s.spec.scheduler());
        Decision decision = Decision.CONTINUE;
        CompletableFuture<Void> saved;
        synchronized (s) {
            TrialRecord t = requireTrial(s, trialId);
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
                    Decision d = call(() -> scheduler.get().service().onReport(ctx, snapshot), s.spec.schedulerTimeoutMillis());
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
            saved = CompletableFuture.allOf(row, save(s, t));
        }
        await(saved);
        return decision;
    }

    /** Finishes a trial. A repeat with the same non-empty request id is answered as the first was. */
    public TrialInfo tell(String studyName, long trialId, Outcome outcome, String requestId) {
        String rid = requestId == null ? "" : requestId;
        if (rid.length() > 128) {
            throw EngineException.invalid("request_id", "must be at most 128 characters");
        }
        StudyState s = require(studyName);
        if (outcome.state() != TrialState.COMPLETE && outcome.state() != TrialState.FAILED && outcome.state() != TrialState.PRUNED) {
            throw EngineException.invalid("state", "a trial can be told COMPLETE, FAILED or PRUNED, not " + outcome.state());
        }
        CompletableFuture<Void> saved;
        TrialInfo result;
        synchronized (s) {
            TrialRecord t = requireTrial(s, trialId);
            if (t.state.isFinished()) {
                if (!rid.isEmpty() && rid.equals(t.tellRequestId)) {
                    return t.info(s.spec.name());
                }
                throw EngineException.precondition("trial_id", "trial " + trialId + " is already " + t.state
                        + (t.tellRequestId.isEmpty() ? "" : " (told with request id '" + t.tellRequestId + "')"));
            }
            if (t.attempts == 0) {
                throw EngineException.precondition("trial_id", "trial " + trialId + " is WAITING and was never handed out; ask for it first");
            }
            // A trial requeued after its lease expired may still be told by its late worker: the result is real.
            if (outcome.state() == TrialState.COMPLETE) {
                int expected = s.spec.objectives().size();
                if (outcome.values().size() != expected) {
                    throw EngineException.invalid("values", "expected " + expected + " value(s), one per objective "
                            + s.spec.objectives().stream().map(Objective::name).toList() + ", got " + outcome.values().size());
                }
                for (int i = 0; i < expected; i++) {
                    double v = outcome.values().get(i);
                    if (!Double.isFinite(v)) {
                        throw EngineException.invalid("values[" + i + "]", "is " + v
                                + "; only finite values are accepted (tell the trial FAILED instead)");
                    }
                }
                for (int i = 0; i < outcome.constraints().size(); i++) {
                    if (!Double.isFinite(outcome.constraints().get(i))) {
                        throw EngineException.invalid("constraints[" + i + "]", "is " + outcome.constraints().get(i)
                                + "; constraint values must be finite (<= 0 means satisfied)");
                    }
                }
            } else if (!outcome.values().isEmpty() || !outcome.constraints().isEmpty()) {
                throw EngineException.invalid("values", "must be empty when the trial is told " + outcome.state());
            }
            t.state = outcome.state();
            t.values = outcome.state() == TrialState.COMPLETE ? outcome.values() : List.of();
            t.constraints = outcome.constraints();
            t.failReason = outcome.reason();
            t.finishedAt = System.currentTimeMillis();
            t.leaseExpiresAt = 0;
            t.tellRequestId = rid;
            t.changed();
            saved = save(s, t);
            result = t.info(s.spec.name());
        }
        await(saved);
        return result;
    }

    /** Extends a RUNNING trial's lease; returns the trial so a worker learns if it was stopped meanwhile. */
    public TrialInfo heartbeat(String studyName, long trialId) {
        StudyState s = require(studyName);
        CompletableFuture<Void> saved = null;
        TrialInfo result;
        synchronized (s) {
            TrialRecord t = requireTrial(s, trialId);
            if (t.state == TrialState.RUNNING) {
                t.leaseExpiresAt = System.currentTimeMillis() + s.spec.leaseMillis();
                t.changed();
                saved = save(s, t);
            }
            result = t.info(s.spec.name());
        }
        if (saved != null) {
            await(saved);
        }
        return result;
    }

    public TrialInfo getTrial(String studyName, long trialId) {
        StudyState s = require(studyName);
        synchronized (s) {
            return requireTrial(s, trialId).info(s.spec.name());
        }
    }

    /** Trials in creation order, optionally only those in {@code states}. */
    public List<TrialInfo> listTrials(String studyName, Set<TrialState> states) {
        StudyState s = require(studyName);
        synchronized (s) {
            return s.trials.stream().filter(t -> states == null || states.isEmpty() || states.contains(t.state))
                    .map(t -> t.info(s.spec.name())).toList();
        }
    }

    /** The best feasible COMPLETE trial, or for several objectives every non-dominated feasible one. */
    public List<TrialInfo> bestTrials(String studyName) {
        StudyState s = require(studyName);
        synchronized (s) {
            List<TrialRecord> complete = s.trials.stream()
                    .filter(t -> t.state == TrialState.COMPLETE && t.trial().isFeasible()).toList();
            List<Objective> objectives = s.spec.objectives();
            List<TrialRecord> best = ParetoFront.of(complete, t -> t.values, objectives);
            return best.stream().map(t -> t.info(s.spec.name())).toList();
        }
    }

    // ---------------------------------------------------------------- leases

    private void expireLeases() {
        long now = System.currentTimeMillis();
        for (StudyState s : studies.values()) {
            synchronized (s) {
                for (TrialRecord t : s.trials) {
                    if (t.state != TrialState.RUNNING || t.leaseExpiresAt == 0 || t.leaseExpiresAt > now) {
                        continue;
                    }
                    String why = "lease expired: no heartbeat, report or tell from worker '" + t.worker + "' for "
                            + s.spec.leaseMillis() / 1000.0 + " s (attempt " + t.attempts + " of " + s.spec.maxAttempts() + ")";
                    if (s.spec.onLeaseExpired() == LeasePolicy.REQUEUE && t.attempts < s.spec.maxAttempts()) {
                        t.state = TrialState.WAITING;
                        t.attributes.put("requeued_because", why);
                        LOG.info("study " + s.spec.name() + ": trial " + t.id + " requeued; " + why);
                    } else {
                        t.state = TrialState.FAILED;
                        t.failReason = why;
                        t.finishedAt = now;
                        LOG.info("study " + s.spec.name() + ": trial " + t.id + " failed; " + why);
                    }
                    t.leaseExpiresAt = 0;
                    t.changed();
                    save(s, t);
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private StudyState require(String name) {
        if (name == null || name.isEmpty()) {
            throw EngineException.invalid("study", "must name a study");
        }
        StudyState s = studies.get(name);
        if (s == null) {
            throw EngineException.notFound("study", "no study named '" + name + "'");
        }
        return s;
    }

    private static void requireLive(StudyState s) {
        if (s.deleted) {
            throw EngineException.notFound("study", "study '" + s.spec.name() + "' was deleted");
        }
    }

    private TrialRecord requireTrial(StudyState s, long trialId) {
        requireLive(s);
        TrialRecord t = s.byId.get(trialId);
        if (t == null) {
            StudyState owner = studyOfTrial.get(trialId);
            throw EngineException.notFound("trial_id", owner == null
                    ? "no trial " + trialId + " exists"
                    : "trial " + trialId + " belongs to study '" + owner.spec.name() + "', not '" + s.spec.name() + "'");
        }
        return t;
    }

    private Optional<Plugins.Resolved<Sampler>> awaitSampler(PluginRef ref) {
        long deadline = System.currentTimeMillis() + pluginWaitMillis;
        while (true) {
            Optional<Plugins.Resolved<Sampler>> found = plugins.sampler(ref.name(), ref.versionRange());
            if (found.isPresent() || System.currentTimeMillis() >= deadline) {
                return found;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return found;
            }
        }
    }

    private Optional<Plugins.Resolved<Scheduler>> scheduler(PluginRef ref) {
        if (NO_SCHEDULER.equals(ref.name())) {
            return Optional.empty();
        }
        return plugins.scheduler(ref.name(), ref.versionRange());
    }

    private <T> T call(Callable<T> task, long timeoutMillis) throws Exception {
        Future<T> f = pluginCalls.submit(task);
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
        }
    }

    private CompletableFuture<Void> save(StudyState s, TrialRecord t) {
        TrialRow row = TrialRow.of(s.id, t);
        return store.submit(row::upsert);
    }

    private static void await(CompletableFuture<Void> saved) {
        try {
            saved.join();
        } catch (CompletionException e) {
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the store could not save the change: " + e.getCause());
        }
    }

    private void load() throws SQLException {
        new StoreLoader(store).load((id, spec, createdAt) -> {
            StudyState s = new StudyState(id, spec, createdAt);
            studies.put(spec.name(), s);
            nextStudyId.set(Math.max(nextStudyId.get(), id + 1));
            return s;
        }, (s, t) -> {
            s.add(t);
            studyOfTrial.put(t.id, s);
            nextTrialId.set(Math.max(nextTrialId.get(), t.id + 1));
        });
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        leaseReaper.shutdownNow();
        pluginCalls.shutdownNow();
    }
}
