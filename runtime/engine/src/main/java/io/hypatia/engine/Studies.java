package io.hypatia.engine;

import io.hypatia.api.scheduler.Scheduler;
import io.hypatia.api.scheduler.SchedulerContext;
import io.hypatia.api.scheduler.SchedulerMemory;
import io.hypatia.api.scheduler.UnsuitableStudyException;
import io.hypatia.api.study.Objective;
import io.hypatia.api.study.TrialState;
import io.hypatia.engine.store.PostgresStore;
import io.hypatia.engine.store.Store;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** Create, find, list and delete studies; owns the in-memory registry of studies and trial ids. */
final class Studies {
    private static final Pattern STUDY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final long MAX_LEASE_MILLIS = 100L * 365 * 24 * 3600 * 1000;

    private final Store store;
    /** The shared store, or null when the embedded one (owned by this process) is used. */
    private final PostgresStore shared;
    private final StudyGuard guard;
    private final PluginCalls pluginCalls;
    private final Map<String, StudyState> byName = new ConcurrentHashMap<>();
    private final Map<Long, StudyState> byTrialId = new ConcurrentHashMap<>();
    private final AtomicLong nextStudyId = new AtomicLong(1);
    private final AtomicLong nextTrialId = new AtomicLong(1);

    Studies(Store store, StudyGuard guard, PluginCalls pluginCalls) {
        this.store = store;
        this.shared = store.shared() ? (PostgresStore) store : null;
        this.guard = guard;
        this.pluginCalls = pluginCalls;
    }

    StudyGuard guard() {
        return guard;
    }

    StudyInfo create(StudySpec spec) {
        validate(spec);
        long now = System.currentTimeMillis();
        StudyState state = new StudyState(shared == null ? nextStudyId.getAndIncrement() : sharedId(shared::nextStudyId), spec, now);
        state.version = 0; // a new study has no trials: nothing to read back
        if (shared != null && require(spec.name(), false) != null) {
            throw new EngineException(EngineException.Code.ALREADY_EXISTS, "name", "a study named '" + spec.name() + "' already exists");
        }
        if (byName.putIfAbsent(spec.name(), state) != null) {
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
            saved.join();
        } catch (java.util.concurrent.CompletionException e) {
            byName.remove(spec.name(), state); // not durable, so not created
            if (e.getCause() instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                // created meanwhile through another gateway sharing the store
                throw new EngineException(EngineException.Code.ALREADY_EXISTS, "name", "a study named '" + spec.name() + "' already exists");
            }
            TrialLifecycle.await(saved);
        }
        return info(state);
    }

    List<StudyInfo> list() {
        if (shared != null) {
            syncWithStore();
        }
        return byName.values().stream().sorted((a, b) -> Long.compare(a.id, b.id)).map(this::info).toList();
    }

    void delete(String name) {
        StudyState state = require(name);
        CompletableFuture<Void> saved = guard.call(state, () -> {
            if (state.deleted) {
                throw EngineException.notFound("study", "no study named '" + name + "'");
            }
            state.deleted = true;
            byName.remove(name, state);
            state.trials.forEach(t -> byTrialId.remove(t.id));
            long lastTrialId = nextTrialId.get() - 1;
            return store.submit(c -> {
                raiseHighWater(c, "study", state.id);
                raiseHighWater(c, "trial", lastTrialId);
                for (String sql : List.of(
                        "DELETE FROM intermediate_values WHERE trial_id IN (SELECT trial_id FROM trials WHERE study_id = ?)",
                        "DELETE FROM trials WHERE study_id = ?", "DELETE FROM studies WHERE study_id = ?")) {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setLong(1, state.id);
                        ps.executeUpdate();
                    }
                }
            });
        });
        TrialLifecycle.await(saved);
    }

    /** Records that ids up to {@code lastId} of {@code kind} were used (see the id_high_water table). */
    private static void raiseHighWater(java.sql.Connection c, String kind, long lastId) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO id_high_water (kind, last_id) VALUES (?, ?) "
                + "ON CONFLICT (kind) DO UPDATE SET last_id = excluded.last_id WHERE excluded.last_id > id_high_water.last_id")) {
            ps.setString(1, kind);
            ps.setLong(2, lastId);
            ps.executeUpdate();
        }
    }

    StudyInfo info(StudyState s) {
        return guard.call(s, () -> new StudyInfo(s.id, s.spec, s.createdAt, s.history.counts(), s.pluginFallbacks.get()));
    }

    /** The study named {@code name}, or NOT_FOUND. */
    StudyState require(String name) {
        if (name == null || name.isEmpty()) {
            throw EngineException.invalid("study", "must name a study");
        }
        StudyState s = require(name, true);
        if (s == null) {
            throw EngineException.notFound("study", "no study named '" + name + "'");
        }
        return s;
    }

    /** The study named {@code name}; with a shared store, one another gateway created is looked up there. */
    private StudyState require(String name, boolean register) {
        StudyState s = byName.get(name);
        if (s != null || shared == null) {
            return s;
        }
        StudySpec[] spec = {null};
        long[] idAndCreated = new long[2];
        try {
            shared.withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT study_id, spec, created_at FROM studies WHERE name = ?")) {
                    ps.setString(1, name);
                    try (var rs = ps.executeQuery()) {
                        if (rs.next()) {
                            idAndCreated[0] = rs.getLong(1);
                            spec[0] = Json.spec(Json.read(rs.getString(2)));
                            idAndCreated[1] = rs.getLong(3);
                        }
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the store could not be read: " + e);
        }
        if (spec[0] == null || !register) {
            return spec[0] == null ? null : new StudyState(idAndCreated[0], spec[0], idAndCreated[1]);
        }
        StudyState found = new StudyState(idAndCreated[0], spec[0], idAndCreated[1]);
        StudyState raced = byName.putIfAbsent(name, found);
        return raced != null ? raced : found;
    }

    /** With a shared store: learns the studies other gateways created and forgets those they deleted. */
    private void syncWithStore() {
        Map<String, Long> inStore = new java.util.HashMap<>();
        try {
            shared.read("SELECT name, study_id FROM studies", rs -> {
                while (rs.next()) {
                    inStore.put(rs.getString(1), rs.getLong(2));
                }
                return null;
            });
        } catch (SQLException e) {
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the store could not be read: " + e);
        }
        for (StudyState s : List.copyOf(byName.values())) {
            Long id = inStore.get(s.spec.name());
            if (id == null || id != s.id) {
                synchronized (s) {
                    forget(s);
                }
            }
        }
        inStore.keySet().forEach(name -> require(name, true));
    }

    /** Drops a study deleted through another gateway; hold its lock. */
    void forget(StudyState s) {
        s.deleted = true;
        byName.remove(s.spec.name(), s);
        s.trials.forEach(t -> byTrialId.remove(t.id));
    }

    /** The shared store, or null when this process owns an embedded one. */
    PostgresStore shared() {
        return shared;
    }

    private static long sharedId(SqlId source) {
        try {
            return source.next();
        } catch (SQLException e) {
            throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the store could not hand out an id: " + e);
        }
    }

    @FunctionalInterface
    private interface SqlId {
        long next() throws SQLException;
    }

    /** The study that owns a trial id, or null. */
    StudyState ownerOf(long trialId) {
        return byTrialId.get(trialId);
    }

    long allocateTrialId() {
        return shared == null ? nextTrialId.getAndIncrement() : sharedId(shared::nextTrialId);
    }

    void registerTrial(StudyState s, TrialRecord t) {
        byTrialId.put(t.id, s);
    }

    void forEach(Consumer<StudyState> action) {
        byName.values().forEach(action);
    }

    /** Rebuilds every study and trial from the store. */
    void load() throws SQLException {
        if (shared != null) {
            syncWithStore(); // trials are read when a study is first used, and refreshed before each use
            return;
        }
        new StoreLoader(store).load((id, spec, createdAt) -> {
            StudyState s = new StudyState(id, spec, createdAt);
            byName.put(spec.name(), s);
            nextStudyId.set(Math.max(nextStudyId.get(), id + 1));
            return s;
        }, (s, t) -> {
            s.add(t);
            byTrialId.put(t.id, s);
            nextTrialId.set(Math.max(nextTrialId.get(), t.id + 1));
        });
        // Ids of deleted studies and trials are not handed out again.
        store.read("SELECT kind, last_id FROM id_high_water", rs -> {
            while (rs.next()) {
                AtomicLong next = "study".equals(rs.getString(1)) ? nextStudyId : nextTrialId;
                next.set(Math.max(next.get(), rs.getLong(2) + 1));
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- validation

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
        var sampler = pluginCalls.sampler(spec.sampler()).orElseThrow(() -> EngineException.invalid("sampler.name",
                "no sampler named '" + spec.sampler().name() + "'" + rangeText(spec.sampler())
                        + " is loaded; loaded samplers: " + loadedNames("sampler")));
        PluginSettingsCheck.check("sampler", sampler.service(), spec.sampler().config(), spec.space());
        validatePluginRef("scheduler", spec.scheduler());
        var scheduler = pluginCalls.scheduler(spec.scheduler());
        if (!PluginCalls.NO_SCHEDULER.equals(spec.scheduler().name()) && scheduler.isEmpty()) {
            throw EngineException.invalid("scheduler.name", "no scheduler named '" + spec.scheduler().name() + "'"
                    + rangeText(spec.scheduler()) + " is loaded; loaded schedulers: " + loadedNames("scheduler"));
        }
        PluginSettingsCheck.check("scheduler", scheduler.map(Plugins.Resolved::service).orElse(null),
                spec.scheduler().config(), spec.space());
        validateFidelity(spec);
        validateScheduler(spec);
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

    private static void validateFidelity(StudySpec spec) {
        if (spec.fidelity() == null) {
            return;
        }
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

    /** Lets the scheduler refuse a study it cannot work with (bad settings, no fidelity, ...). */
    private void validateScheduler(StudySpec spec) {
        Optional<Plugins.Resolved<Scheduler>> scheduler = pluginCalls.scheduler(spec.scheduler());
        if (scheduler.isEmpty()) {
            return;
        }
        SchedulerContext ctx = new SchedulerContext(spec.name(), spec.objectives(), List::of, spec.scheduler().config(),
                spec.space(), spec.fidelity(), 0, new SchedulerMemory());
        try {
            pluginCalls.call("scheduler " + spec.scheduler().name(), () -> {
                scheduler.get().service().validate(ctx);
                return null;
            }, spec.schedulerTimeoutMillis());
        } catch (UnsuitableStudyException e) {
            String field = e.field() == null || e.field().isEmpty() ? "scheduler.config"
                    : e.field().startsWith("config") ? "scheduler." + e.field() : e.field();
            throw EngineException.invalid(field, e.getMessage() + " (scheduler '" + spec.scheduler().name() + "')");
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid("scheduler.config", e.getMessage() + " (scheduler '" + spec.scheduler().name() + "')");
        } catch (Exception e) {
            throw EngineException.invalid("scheduler", "scheduler " + scheduler.get().label()
                    + " could not check the study: " + e);
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
        List<String> names = new ArrayList<>(pluginCalls.plugins().list().stream().filter(p -> p.kind().equals(kind))
                .map(PluginInfo::name).distinct().sorted().toList());
        if (kind.equals("scheduler")) {
            names.add(0, PluginCalls.NO_SCHEDULER);
        }
        return names;
    }
}
