package io.hypatia.engine;

import io.hypatia.api.scheduler.SchedulerMemory;
import io.hypatia.api.study.Trial;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A study held in memory: its spec and trials. Every access is made through the engine's
 * {@link StudyGuard} (the object's lock, and with a shared store the study's lock in the database).
 */
final class StudyState {
    final long id;
    /** Replaced (never mutated) when the study is updated (UpdateStudy); read without the lock. */
    volatile StudySpec spec;
    final long createdAt;
    final long seed;
    final List<TrialRecord> trials = new ArrayList<>();
    final Map<Long, TrialRecord> byId = new HashMap<>();
    History history = new History();
    final AtomicLong pluginFallbacks = new AtomicLong();
    /** Set while the study's sampler / scheduler is missing, so that outage is logged once, not on every call. */
    final java.util.concurrent.atomic.AtomicBoolean samplerMissing = new java.util.concurrent.atomic.AtomicBoolean();
    final java.util.concurrent.atomic.AtomicBoolean schedulerMissing = new java.util.concurrent.atomic.AtomicBoolean();
    /** The scheduler's incremental per-study state (a cache; emptied whenever it may be stale). */
    final SchedulerMemory schedulerMemory = new SchedulerMemory();
    /** Serialises trial creation (ask, enqueue) without blocking tells while a sampler runs. */
    final Object askLock = new Object();
    /**
     * Asks by client request id (see AskPath): the trials each handed out and when that became
     * durable. Null until first needed, then rebuilt from the trials' ask_request_id attributes.
     */
    Map<String, AskPath.AskRecord> askRequests;
    boolean deleted;
    /**
     * With a shared store: the study version (in the database) the trials held here reflect; -1
     * when nothing is held yet. Trials changed since are re-read before each guarded call.
     */
    long version = -1;

    StudyState(long id, StudySpec spec, long createdAt) {
        this.id = id;
        this.spec = spec;
        this.createdAt = createdAt;
        String seedText = spec.sampler().config().get("seed");
        this.seed = seedText != null ? Long.parseLong(seedText.trim()) : spec.name().hashCode();
    }

    void add(TrialRecord t) {
        trials.add(t);
        byId.put(t.id, t);
        history.add(t);
        t.history = history;
    }

    /** Drops every cached trial (a shared store's transaction failed after the cache changed): re-read next time. */
    void reset() {
        trials.clear();
        byId.clear();
        history = new History();
        schedulerMemory.clear();
        askRequests = null;
        version = -1;
    }

    /** The trials as plugins see them. */
    List<Trial> snapshots() {
        return history.trials();
    }
}
