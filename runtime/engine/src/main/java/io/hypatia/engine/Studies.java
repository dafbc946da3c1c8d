package io.hypatia.engine;

import io.hypatia.api.study.TrialState;
import io.hypatia.engine.store.PostgresStore;
import io.hypatia.engine.store.Store;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import io.hypatia.engine.security.TenantNames;
import java.util.function.Consumer;

/**
 * Create, find, list and delete studies, their loading at start-up and eviction when idle. The
 * studies in memory are in a {@link StudyRegistry} (specs parsed lazily after a restart), ids come
 * from {@link StudyIds}, and with a shared store {@link SharedStudies} looks studies up there.
 */
final class Studies {

    private final Store store;
    /** The shared store, or null when the embedded one (owned by this process) is used. */
    private final PostgresStore shared;
    /** With a shared store: its studies as this gateway sees them; null with the embedded store. */
    private final SharedStudies sharedStudies;
    private final StudyGuard guard;
    private final StudySpecCheck specCheck;
    private final StudyRegistry registry = new StudyRegistry(this::tenantRunning);
    private final StudyIds ids;
    /** RUNNING trials per tenant (see TenantNames), embedded store: the running_trials quota without a scan. */
    private final Map<String, AtomicInteger> runningByTenant = new ConcurrentHashMap<>();
    /** How long a study's trials stay in memory unused; 0: for ever. */
    private volatile long idleEvictMillis = DEFAULT_IDLE_EVICT_MILLIS;
    static final long DEFAULT_IDLE_EVICT_MILLIS = 10 * 60_000L;

    Studies(Store store, StudyGuard guard, PluginCalls pluginCalls) {
        this.specCheck = new StudySpecCheck(pluginCalls);
        this.store = store;
        this.shared = store.shared() ? (PostgresStore) store : null;
        this.sharedStudies = shared == null ? null : new SharedStudies(shared, registry, this::tenantRunning);
        this.ids = new StudyIds(shared);
        this.guard = guard;
    }

    StudyGuard guard() {
        return guard;
    }

    StudyInfo create(StudySpec spec) {
        specCheck.validate(spec);
        long now = System.currentTimeMillis();
        StudyState state = new StudyState(ids.nextStudyId(), spec, now,
                tenantRunning(spec.name()));
        state.version = 0; // a new study has no trials: nothing to read back
        if (shared != null && require(spec.name(), false) != null) {
            throw new EngineException(EngineException.Code.ALREADY_EXISTS, "name", "a study named '" + spec.name() + "' already exists");
        }
        if (!registry.add(spec.name(), state)) {
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
            registry.remove(spec.name(), state); // not durable, so not created
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
            return sharedStudies.list();
        }
        registry.parseAll();
        return registry.values().stream().sorted((a, b) -> Long.compare(a.id, b.id)).map(this::info).toList();
    }

    void delete(String name) {
        StudyState state = require(name);
        CompletableFuture<Void> saved = guard.call(state, () -> {
            if (state.deleted) {
                throw EngineException.notFound("study", "no study named '" + name + "'");
            }
            state.deleted = true;
            state.forgetRunning();
            registry.remove(name, state);
            long lastTrialId = ids.lastTrialId();
            return store.submit(c -> {
                StudyIds.raiseHighWater(c, "study", state.id);
                StudyIds.raiseHighWater(c, "trial", lastTrialId);
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

    StudyInfo info(StudyState s) {
        if (shared == null) {
            synchronized (s) { // counts kept without the trials: an unread study stays unread
                return new StudyInfo(s.id, s.spec, s.createdAt, s.counts(), s.pluginFallbacks.get());
            }
        }
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
        StudyState s = registry.get(name);
        if (s != null) {
            return s;
        }
        return shared == null ? registry.parsed(name) : sharedStudies.find(name, register);
    }

    int unparsedCount() {
        return registry.unparsedCount();
    }

    /** How many studies this process knows and how many trials they hold, without parsing any spec or reading any trial. */
    StudyEngine.StudyTotals totals() {
        return registry.totals();
    }

    /** Drops a study deleted through another gateway; hold its lock. */
    void forget(StudyState s) {
        sharedStudies.forget(s);
    }

    /** The shared store, or null when this process owns an embedded one. */
    PostgresStore shared() {
        return shared;
    }

    long allocateTrialId() {
        return ids.nextTrialId();
    }

    private AtomicInteger tenantRunning(String studyName) {
        return runningByTenant.computeIfAbsent(TenantNames.tenantOf(studyName), k -> new AtomicInteger());
    }

    /**
     * RUNNING trials over all studies of {@code tenant} ("" for studies without one): kept as
     * trials start and stop with the embedded store; counted in the database with a shared one.
     */
    int runningTrials(String tenant) {
        if (shared != null) {
            return sharedStudies.runningTrials(tenant);
        }
        AtomicInteger n = runningByTenant.get(tenant);
        return n == null ? 0 : n.get();
    }

    /** Every study whose spec is parsed (those left unparsed at start-up have no RUNNING trial and nothing in memory). */
    void forEach(Consumer<StudyState> action) {
        registry.values().forEach(action);
    }

    /** Learns every study from the store; their trials are read when each is first used. */
    void load() throws SQLException {
        if (shared != null) {
            sharedStudies.sync(); // trials are read when a study is first used, and refreshed before each use
            return;
        }
        // Names, spec texts and trial counts only: a study's spec is parsed on its first use, and
        // its trials are read by the guard on its first call.
        long lastTrialId = new StoreLoader(store).loadStudies((id, name, specJson, createdAt, counts) -> {
            registry.addStored(id, name, specJson, createdAt, counts);
            ids.studyUsed(id);
        });
        ids.trialsUsedUpTo(lastTrialId);
        ids.readHighWater(store); // ids of deleted studies and trials are not handed out again
    }

    /** Drops the trials of studies unused for this long from memory (0: never); they are read again on next use. */
    void setIdleEvictMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("idle eviction time must be >= 0, got " + millis);
        }
        idleEvictMillis = millis;
    }

    /**
     * Drops from memory the trials of every study unused since {@code now - idle limit} that has no
     * RUNNING trial (its leases are watched in memory) and no ask in progress (the ask lock is
     * taken, so no ask holds a trial across its sampler call). Returns how many were dropped.
     */
    int evictIdle(long now) {
        long idle = idleEvictMillis;
        if (idle == 0) {
            return 0;
        }
        int evicted = 0;
        for (StudyState s : registry.values()) {
            if (!evictable(s, now - idle)) {
                continue;
            }
            synchronized (s.askLock) {
                synchronized (s) {
                    if (evictable(s, now - idle)) {
                        s.unload();
                        evicted++;
                    }
                }
            }
        }
        return evicted;
    }

    private static boolean evictable(StudyState s, long usedBefore) {
        synchronized (s) {
            return s.isLoaded() && !s.deleted && s.lastUsed() <= usedBefore && s.count(TrialState.RUNNING) == 0;
        }
    }
}
