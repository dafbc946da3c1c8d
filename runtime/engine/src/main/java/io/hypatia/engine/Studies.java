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
import java.util.concurrent.atomic.AtomicLong;
import io.hypatia.engine.security.TenantNames;
import java.util.function.Consumer;

/** Create, find, list and delete studies; owns the in-memory registry of studies and trial ids. */
final class Studies {

    private final Store store;
    /** The shared store, or null when the embedded one (owned by this process) is used. */
    private final PostgresStore shared;
    private final SharedListing listing;
    private final StudyGuard guard;
    private final PluginCalls pluginCalls;
    private final StudySpecCheck specCheck;
    private final Map<String, StudyState> byName = new ConcurrentHashMap<>();
    private final AtomicLong nextStudyId = new AtomicLong(1);
    private final AtomicLong nextTrialId = new AtomicLong(1);
    /** RUNNING trials per tenant (see TenantNames), embedded store: the running_trials quota without a scan. */
    private final Map<String, AtomicInteger> runningByTenant = new ConcurrentHashMap<>();
    /** How long a study's trials stay in memory unused; 0: for ever. */
    private volatile long idleEvictMillis = DEFAULT_IDLE_EVICT_MILLIS;
    static final long DEFAULT_IDLE_EVICT_MILLIS = 10 * 60_000L;

    Studies(Store store, StudyGuard guard, PluginCalls pluginCalls) {
        this.specCheck = new StudySpecCheck(pluginCalls);
        this.store = store;
        this.shared = store.shared() ? (PostgresStore) store : null;
        this.listing = shared == null ? null : new SharedListing(shared);
        this.guard = guard;
        this.pluginCalls = pluginCalls;
    }

    StudyGuard guard() {
        return guard;
    }

    StudyInfo create(StudySpec spec) {
        specCheck.validate(spec);
        long now = System.currentTimeMillis();
        StudyState state = new StudyState(shared == null ? nextStudyId.getAndIncrement() : sharedId(shared::nextStudyId), spec, now,
                tenantRunning(spec.name()));
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
            return listShared();
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
            state.forgetRunning();
            byName.remove(name, state);
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
            return spec[0] == null ? null : new StudyState(idAndCreated[0], spec[0], idAndCreated[1], tenantRunning(name));
        }
        StudyState found = new StudyState(idAndCreated[0], spec[0], idAndCreated[1], tenantRunning(name));
        found.unread();
        StudyState raced = byName.putIfAbsent(name, found);
        return raced != null ? raced : found;
    }

    /**
     * With a shared store: the listing from one query (rows and trial counts, not the studies' trials);
     * learns the studies other gateways created and forgets those they deleted.
     */
    private List<StudyInfo> listShared() {
        List<SharedListing.Row> rows = listing.read();
        Map<String, Long> inStore = new java.util.HashMap<>();
        rows.forEach(r -> inStore.put(r.name(), r.id()));
        forgetDeleted(inStore);
        List<StudyInfo> out = new java.util.ArrayList<>(rows.size());
        for (SharedListing.Row r : rows) {
            StudyState s = byName.get(r.name());
            if (s == null) {
                StudyState found = new StudyState(r.id(), r.spec(), r.createdAt(), tenantRunning(r.name()));
                found.unread();
                StudyState raced = byName.putIfAbsent(r.name(), found);
                s = raced != null ? raced : found;
            }
            out.add(new StudyInfo(r.id(), r.spec(), r.createdAt(), r.counts(), s.id == r.id() ? s.pluginFallbacks.get() : 0));
        }
        return out;
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
        forgetDeleted(inStore);
        inStore.keySet().forEach(name -> require(name, true));
    }

    /** Drops the studies not in the store under their id (deleted, or deleted and created again, elsewhere). */
    private void forgetDeleted(Map<String, Long> inStore) {
        for (StudyState s : List.copyOf(byName.values())) {
            Long id = inStore.get(s.spec.name());
            if (id == null || id != s.id) {
                synchronized (s) {
                    forget(s);
                }
            }
        }
    }

    /** Drops a study deleted through another gateway; hold its lock. */
    void forget(StudyState s) {
        s.deleted = true;
        byName.remove(s.spec.name(), s);
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

    long allocateTrialId() {
        return shared == null ? nextTrialId.getAndIncrement() : sharedId(shared::nextTrialId);
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
            try {
                return shared.withConnection(c -> {
                    try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM trials t JOIN studies s ON s.study_id = t.study_id"
                            + " WHERE t.state = 'RUNNING' AND " + (tenant.isEmpty() ? "POSITION('.' IN s.name) = 0" : "s.name LIKE ?"))) {
                        if (!tenant.isEmpty()) {
                            ps.setString(1, tenant.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%");
                        }
                        try (var rs = ps.executeQuery()) {
                            return rs.next() ? rs.getInt(1) : 0;
                        }
                    }
                });
            } catch (SQLException e) {
                throw new EngineException(EngineException.Code.UNAVAILABLE, null, "the store could not be read: " + e);
            }
        }
        AtomicInteger n = runningByTenant.get(tenant);
        return n == null ? 0 : n.get();
    }

    void forEach(Consumer<StudyState> action) {
        byName.values().forEach(action);
    }

    /** Learns every study from the store; their trials are read when each is first used. */
    void load() throws SQLException {
        if (shared != null) {
            syncWithStore(); // trials are read when a study is first used, and refreshed before each use
            return;
        }
        // Specs and trial counts only: each study's trials are read by the guard on its first call.
        long lastTrialId = new StoreLoader(store).loadStudies((id, spec, createdAt, counts) -> {
            byName.put(spec.name(), StudyState.stored(id, spec, createdAt, tenantRunning(spec.name()), counts));
            nextStudyId.set(Math.max(nextStudyId.get(), id + 1));
        });
        nextTrialId.set(Math.max(nextTrialId.get(), lastTrialId + 1));
        // Ids of deleted studies and trials are not handed out again.
        store.read("SELECT kind, last_id FROM id_high_water", rs -> {
            while (rs.next()) {
                AtomicLong next = "study".equals(rs.getString(1)) ? nextStudyId : nextTrialId;
                next.set(Math.max(next.get(), rs.getLong(2) + 1));
            }
            return null;
        });
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
        for (StudyState s : byName.values()) {
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

    // ---------------------------------------------------------------- validation
}
