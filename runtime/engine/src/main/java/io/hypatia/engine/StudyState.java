package io.hypatia.engine;

import io.hypatia.api.scheduler.SchedulerMemory;
import io.hypatia.api.study.TrialList;
import io.hypatia.api.study.TrialState;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A study known to the engine: its spec, always in memory, and its trials, in memory only while
 * the study is in use: the {@link StudyGuard} reads them on the first call after a restart or
 * after {@link Studies} dropped them for being idle. Every access to the trials is made through
 * the engine's guard (the object's lock, and with a shared store the study's lock in the database).
 */
final class StudyState {
    final long id;
    /** Replaced (never mutated) when the study is updated (UpdateStudy); read without the lock. */
    volatile StudySpec spec;
    final long createdAt;
    final long seed;
    final List<TrialRecord> trials = new ArrayList<>();
    final Map<Long, TrialRecord> byId = new HashMap<>();
    History history;
    final AtomicLong pluginFallbacks = new AtomicLong();
    /** Set while the study's sampler / scheduler is missing, so that outage is logged once, not on every call. */
    final java.util.concurrent.atomic.AtomicBoolean samplerMissing = new java.util.concurrent.atomic.AtomicBoolean();
    final java.util.concurrent.atomic.AtomicBoolean schedulerMissing = new java.util.concurrent.atomic.AtomicBoolean();
    /** The scheduler's incremental per-study state (a cache; emptied whenever it may be stale). */
    final SchedulerMemory schedulerMemory = new SchedulerMemory();
    /** Serialises trial creation (ask, enqueue) without blocking tells while a sampler runs. */
    final Object askLock = new Object();
    /**
     * Asks by client request id (see AskRequests): the trials each handed out and when that became
     * durable. Null until first needed, then rebuilt from the trials' ask_request_id attributes.
     */
    Map<String, AskRequests.AskRecord> askRequests;
    boolean deleted;
    /** With a shared store: the calls joining the study's open transaction (see SharedStudyGuard). */
    final SharedStudyGuard.Group group = new SharedStudyGuard.Group();
    /**
     * With a shared store: the study version (in the database) the trials held here reflect; -1
     * when nothing is held yet. Trials changed since are re-read before each guarded call.
     */
    long version = -1;
    /** False while the trials are only in the store (after a restart, or dropped for being idle). */
    private boolean loaded = true;
    /** Trials per state while they are not in memory (in memory, the history counts them). */
    private Map<TrialState, Integer> countsWhileUnloaded;
    /** When the trials were last used (epoch millis): idle eviction compares it with its limit. */
    private volatile long lastUsed = System.currentTimeMillis();
    /** RUNNING trials over all studies of this study's tenant (embedded store), kept as trials start and stop. */
    private final AtomicInteger tenantRunning;

    StudyState(long id, StudySpec spec, long createdAt, AtomicInteger tenantRunning) {
        this.id = id;
        this.spec = spec;
        this.createdAt = createdAt;
        this.tenantRunning = tenantRunning;
        this.history = newHistory();
        String seedText = spec.sampler().config().get("seed");
        this.seed = seedText != null ? Long.parseLong(seedText.trim()) : spec.name().hashCode();
    }

    /** A study whose trials are in the store (embedded), with how many are in each state. */
    static StudyState stored(long id, StudySpec spec, long createdAt, AtomicInteger tenantRunning, Map<TrialState, Integer> counts) {
        StudyState s = new StudyState(id, spec, createdAt, tenantRunning);
        s.loaded = false;
        s.countsWhileUnloaded = filled(counts);
        tenantRunning.addAndGet(counts.getOrDefault(TrialState.RUNNING, 0));
        return s;
    }

    /** A study another gateway created in a shared store: nothing read yet (the guard reads it all on first use). */
    void unread() {
        loaded = false;
        countsWhileUnloaded = filled(Map.of());
    }

    private History newHistory() {
        History h = new History(spec.objectives());
        h.watchRunning(tenantRunning::addAndGet);
        return h;
    }

    void add(TrialRecord t) {
        trials.add(t);
        byId.put(t.id, t);
        history.add(t);
        t.history = history;
    }

    /** Drops every cached trial (a shared store's transaction failed after the cache changed): re-read next time. */
    void reset() {
        history.watchRunning(delta -> { });
        trials.clear();
        byId.clear();
        history = newHistory();
        schedulerMemory.clear();
        askRequests = null;
        version = -1;
    }

    /** The trials as plugins see them. */
    TrialList snapshots() {
        return history.trials();
    }

    /** Notes a use of the trials; the guard calls it on every call. */
    void touch() {
        lastUsed = System.currentTimeMillis();
    }

    long lastUsed() {
        return lastUsed;
    }

    boolean isLoaded() {
        return loaded;
    }

    /**
     * Adds the trials read from the store (in number order, with their reported values) and marks
     * the study loaded. Its RUNNING trials are counted for its tenant already: from the store's
     * counts at start-up, or none (a study is dropped from memory only without any).
     */
    void loaded(List<TrialRecord> stored) {
        history.watchRunning(delta -> { });
        stored.forEach(this::add);
        history.watchRunning(tenantRunning::addAndGet);
        loaded = true;
        countsWhileUnloaded = null;
    }

    /** Drops the trials from memory (every change is in the store); hold the ask lock and the guard. */
    void unload() {
        Map<TrialState, Integer> counts = history.counts();
        reset();
        loaded = false;
        countsWhileUnloaded = counts;
    }

    /** How many trials are in each state (a copy), without reading them; hold the lock. */
    Map<TrialState, Integer> counts() {
        return loaded ? history.counts() : new EnumMap<>(countsWhileUnloaded);
    }

    int count(TrialState state) {
        return loaded ? history.count(state) : countsWhileUnloaded.get(state);
    }

    /** Takes the study's RUNNING trials off its tenant's count (the study is deleted); hold the lock. */
    void forgetRunning() {
        tenantRunning.addAndGet(-count(TrialState.RUNNING));
        history.watchRunning(delta -> { });
    }

    private static Map<TrialState, Integer> filled(Map<TrialState, Integer> counts) {
        EnumMap<TrialState, Integer> all = new EnumMap<>(TrialState.class);
        for (TrialState state : TrialState.values()) {
            all.put(state, counts.getOrDefault(state, 0));
        }
        return all;
    }
}
